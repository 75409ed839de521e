using System.Collections.Frozen;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using NeuralSec.Gateway.Hosting;
using NeuralSec.Gateway.Logging;
using NeuralSec.Gateway.Metrics;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Protocol;
using NeuralSec.Protocol.Inference;
using ModelConfig = NeuralSec.Gateway.Backends.OnnxRuntime.ModelConfig;

namespace NeuralSec.Gateway.Backends.OnnxRuntime;

/// <summary>
/// The embedded model server: every model of a Triton-style repository in an ONNX Runtime session, CUDA when
/// the machine has it. Models load in the background after start-up, so the sidecar is live at once and ready
/// when every model has loaded. A model the operator named (<c>NeuralSec:OnnxRuntime:Models</c>) that cannot load, or
/// a CUDA provider demanded (<c>ExecutionProvider=Cuda</c>) and missing, stops the sidecar with that reason
/// (<see cref="StartupFailure"/>); a model found by scanning the repository that fails keeps it not ready, and its
/// requests are answered UNAVAILABLE with the reason in the log, not "not served here". A model whose
/// <c>config.yaml</c> has <c>dynamicBatching</c> gets a <see cref="DynamicBatcher"/> per version, through which
/// its requests that can share an execution go; every other request runs on the caller's thread.
/// </summary>
internal sealed class OnnxRuntimeBackend : IModelBackend, IModelRepository, IHostedService, IDisposable
{
    /// <summary>Triton's backend name for ONNX Runtime models, reported in their configuration.</summary>
    private const string BackendName = "onnxruntime";

    /// <summary>What the index says of a model that did not load: the cause (paths, file contents) is for the log.</summary>
    private const string LoadFailedReason = "the model failed to load; the sidecar's log says why";

    private readonly OnnxRuntimeOptions _options;
    private readonly string _repository;
    private readonly ILogger<OnnxRuntimeBackend> _logger;
    private readonly StartupFailure _startup;
    private readonly TimeProvider _time;
    private volatile FrozenDictionary<string, LoadedModel> _models = FrozenDictionary<string, LoadedModel>.Empty;
    private volatile FrozenSet<string> _failed = FrozenSet<string>.Empty;
    private volatile bool _ready;
    private Task? _loading;

    public OnnxRuntimeBackend(IOptions<GatewayOptions> options, IHostEnvironment environment, TimeProvider time, StartupFailure startup, ILogger<OnnxRuntimeBackend> logger)
    {
        _options = options.Value.OnnxRuntime;
        _repository = Path.GetFullPath(_options.ModelRepository, environment.ContentRootPath);
        _time = time;
        _startup = startup;
        _logger = logger;
    }

    public string Kind => "onnxruntime";

    public bool IsReady => _ready;

    /// <summary>The execution provider the sessions use, once loading started.</summary>
    public string ExecutionProvider { get; private set; } = "not loaded";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        GatewayMetrics.BackendReady.WithLabels(Kind).Set(0);
        _loading = Task.Run(LoadAll, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _loading ?? Task.CompletedTask;

    /// <summary>Completes when loading has finished, successfully or not (tests and start-up probes).</summary>
    public Task WhenLoaded => _loading ?? Task.CompletedTask;

    public ValueTask<ModelDescriptor?> GetModelAsync(string name, string? version, CancellationToken cancellationToken)
    {
        if (!_models.TryGetValue(name, out var model) || model.Resolve(version) is null)
        {
            return _failed.Contains(name) ? throw FailedToLoad(name) : ValueTask.FromResult<ModelDescriptor?>(null);
        }

        return ValueTask.FromResult<ModelDescriptor?>(model.Descriptor);
    }

    public ValueTask<bool> IsModelReadyAsync(string name, string? version, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_models.TryGetValue(name, out var model) && model.Resolve(version) is not null);

    public ValueTask<BackendInferResult> InferAsync(BackendInferRequest request, CancellationToken cancellationToken)
    {
        if (!_models.TryGetValue(request.ModelName, out var model) || model.Resolve(request.ModelVersion) is not { } session)
        {
            throw _failed.Contains(request.ModelName)
                ? FailedToLoad(request.ModelName)
                : new BackendException(BackendError.ModelNotFound, $"model {CallerText.Quote(request.ModelName)} is not served here");
        }

        if (model.BatcherOf(session) is { } batcher && batcher.RowsOf(request) is { } rows)
        {
            return batcher.TryRunAlone(static s => s.Backend.RunAlone(s.Model, s.Session, s.Request, s.Token), (Backend: this, Model: model, Session: session, Request: request, Token: cancellationToken), out var alone)
                ? ValueTask.FromResult(alone)
                : InferBatchedAsync(batcher, session.Version, request, rows, cancellationToken);
        }

        return ValueTask.FromResult(RunAlone(model, session, request, cancellationToken));
    }

    /// <summary>The dynamic batcher of a loaded model's version (the latest when none is named), or null when it does
    /// not batch.</summary>
    internal DynamicBatcher? BatcherOf(string model, string? version = null) =>
        _models.TryGetValue(model, out var loaded) && loaded.Resolve(version) is { } session ? loaded.BatcherOf(session) : null;

    public ValueTask<ModelConfigResponse?> GetModelConfigAsync(ModelConfigRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_models.TryGetValue(request.Name, out var model) || model.Resolve(request.Version) is null)
        {
            return ValueTask.FromResult<ModelConfigResponse?>(null);
        }

        return ValueTask.FromResult<ModelConfigResponse?>(new ModelConfigResponse { Config = ModelConfigMapper.ToConfig(model.Descriptor, BackendName) });
    }

    public ValueTask<ModelStatisticsResponse?> GetModelStatisticsAsync(ModelStatisticsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = new ModelStatisticsResponse();
        var models = _models;
        if (string.IsNullOrEmpty(request.Name))
        {
            foreach (var model in models.Values.OrderBy(m => m.Descriptor.Name, StringComparer.Ordinal))
            {
                model.AddStatistics(response, version: null);
            }

            return ValueTask.FromResult<ModelStatisticsResponse?>(response);
        }

        if (!models.TryGetValue(request.Name, out var named) || !named.AddStatistics(response, request.Version))
        {
            return ValueTask.FromResult<ModelStatisticsResponse?>(null);
        }

        return ValueTask.FromResult<ModelStatisticsResponse?>(response);
    }

    public ValueTask<RepositoryIndexResponse> GetRepositoryIndexAsync(RepositoryIndexRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var index = new RepositoryIndexResponse();
        foreach (var model in _models.Values.OrderBy(m => m.Descriptor.Name, StringComparer.Ordinal))
        {
            foreach (var version in model.Descriptor.Versions)
            {
                index.Models.Add(new RepositoryIndexResponse.Types.ModelIndex { Name = model.Descriptor.Name, Version = version, State = "READY" });
            }
        }

        if (!request.Ready)
        {
            foreach (var failed in _failed.Order(StringComparer.Ordinal))
            {
                index.Models.Add(new RepositoryIndexResponse.Types.ModelIndex { Name = failed, State = "UNAVAILABLE", Reason = LoadFailedReason });
            }
        }

        return ValueTask.FromResult(index);
    }

    public void Dispose()
    {
        // The batch loops first: they run on the sessions disposed next.
        foreach (var model in _models.Values)
        {
            model.StopBatching();
        }

        foreach (var model in _models.Values)
        {
            model.Dispose();
        }
    }

    private static async ValueTask<BackendInferResult> InferBatchedAsync(DynamicBatcher batcher, string version, BackendInferRequest request, int rows, CancellationToken cancellationToken) =>
        new(version, await batcher.InferAsync(request, rows, cancellationToken).ConfigureAwait(false));

    /// <summary>One request, one execution, on the caller's thread: its cancellation terminates the run.</summary>
    private BackendInferResult RunAlone(LoadedModel model, OnnxModel session, BackendInferRequest request, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        try
        {
            var outputs = session.Run(request.Inputs, request.RequestedOutputs, cancellationToken, out var phases);
            var batch = model.BatchOf(request.Inputs);
            session.Statistics.RecordSuccess(batch, _time.GetTimestamp() - started, phases);
            model.BatchSizes.Observe(batch);
            return new BackendInferResult(session.Version, outputs);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            session.Statistics.RecordFailure(_time.GetTimestamp() - started);
            throw OnnxRunErrors.Cancelled();
        }
        catch (OnnxRuntimeException ex)
        {
            session.Statistics.RecordFailure(_time.GetTimestamp() - started);
            Log.BackendFault(_logger, ex, nameof(BackendError.Internal), ex.Message);
            throw OnnxRunErrors.Failed(ex);
        }
    }

    private void LoadAll()
    {
        var loaded = new Dictionary<string, LoadedModel>(StringComparer.Ordinal);
        var failed = new HashSet<string>(StringComparer.Ordinal);
        var failures = 0;
        string? fatal = null;
        try
        {
            var selector = new ExecutionProviderSelector(_options, _logger);
            var entries = ModelRepositoryScanner.Scan(_repository, _options.Models);
            foreach (var entry in entries)
            {
                var sessions = new List<OnnxModel>();
                var batchers = new Dictionary<OnnxModel, DynamicBatcher>();
                try
                {
                    var configPath = Path.Combine(entry.Directory, ModelConfig.FileName);
                    var config = ModelConfig.LoadOrDefault(configPath);
                    var batchSizes = GatewayMetrics.ModelBatchSize.WithLabels(entry.Name);
                    foreach (var (version, path) in entry.Versions)
                    {
                        using var sessionOptions = selector.Create();
                        var model = OnnxModel.Load(entry.Name, version, path, sessionOptions, config, _time);
                        sessions.Add(model);
                        Log.ModelLoaded(_logger, entry.Name, version, path, Describe(model.Inputs), Describe(model.Outputs));
                        if (DynamicBatcher.FromConfig(model, config, configPath, _time, batchSizes, _logger) is { } batcher)
                        {
                            batchers.Add(model, batcher);
                        }
                    }

                    loaded[entry.Name] = new LoadedModel(entry.Name, sessions, config.MaxBatch, batchers, batchSizes);
                }
                catch (Exception ex) when (ex is OnnxRuntimeException or InvalidDataException or IOException)
                {
                    failures++;
                    failed.Add(entry.Name);
                    foreach (var batcher in batchers.Values)
                    {
                        batcher.Dispose();
                    }

                    sessions.ForEach(s => s.Dispose());
                    Log.ModelLoadFailed(_logger, entry.Name, entry.Directory, ex.Message);
                    if (_options.Models.Count > 0)
                    {
                        fatal ??= $"model '{entry.Name}' (named in NeuralSec:OnnxRuntime:Models) cannot be served: {ex.Message}";
                    }
                }
            }

            ExecutionProvider = selector.Chosen;
            if (entries.Count == 0)
            {
                Log.EmptyRepository(_logger, _repository);
            }
        }
        catch (Exception ex)
        {
            // Loading runs in the background: anything it throws would fault a task nobody awaits until shutdown.
            // Whatever failed, the sidecar stays up, not ready, and says why.
            failures++;
            Log.ModelLoadFailed(_logger, "*", _repository, ex.Message);

            // What the operator asked for by name (models, the CUDA provider) is not there: say so and stop.
            if (_options.Models.Count > 0 || _options.ExecutionProvider == ExecutionProviderPreference.Cuda)
            {
                fatal ??= ex.Message;
            }
        }

        _models = loaded.ToFrozenDictionary(StringComparer.Ordinal);
        _failed = failed.ToFrozenSet(StringComparer.Ordinal);
        _ready = failures == 0 && loaded.Count > 0;
        GatewayMetrics.BackendReady.WithLabels(Kind).Set(_ready ? 1 : 0);
        if (fatal is not null)
        {
            Log.StartupFailed(_logger, fatal);
            _startup.Fail(fatal);
        }
    }

    /// <summary>A model of the repository that failed to load is the deployment's fault, not the caller's: UNAVAILABLE
    /// (retryable once fixed), where "not served here" would send them looking for a typo.</summary>
    private static BackendException FailedToLoad(string name) =>
        new(BackendError.Unavailable, $"model {CallerText.Quote(name)} failed to load; the sidecar's log says why");

    private static string Describe(IReadOnlyList<TensorSpec> specs) =>
        string.Join(", ", specs.Select(s => $"{s.Name}:{s.DataType}{Detectors.Tensors.TensorShape.Format(s.Shape)}"));

    private sealed class LoadedModel : IDisposable
    {
        private readonly IReadOnlyList<OnnxModel> _versions;
        private readonly IReadOnlyDictionary<OnnxModel, DynamicBatcher> _batchers;

        public LoadedModel(string name, IReadOnlyList<OnnxModel> versions, int? maxBatch, IReadOnlyDictionary<OnnxModel, DynamicBatcher> batchers, Prometheus.Histogram.Child batchSizes)
        {
            _versions = versions;
            _batchers = batchers;
            BatchSizes = batchSizes;
            var latest = versions[^1];
            Descriptor = new ModelDescriptor(name, versions.Select(v => v.Version).ToArray(), "onnxruntime_onnx", latest.Inputs, latest.Outputs)
            {
                MaxBatch = maxBatch,
            };
        }

        public ModelDescriptor Descriptor { get; }

        /// <summary>Rows per execution, the model's series of <see cref="GatewayMetrics.ModelBatchSize"/>.</summary>
        public Prometheus.Histogram.Child BatchSizes { get; }

        /// <summary>The version's dynamic batcher, when its config turns batching on.</summary>
        public DynamicBatcher? BatcherOf(OnnxModel version) => _batchers.GetValueOrDefault(version);

        public void StopBatching()
        {
            foreach (var batcher in _batchers.Values)
            {
                batcher.Dispose();
            }
        }

        /// <summary>Inferences one execution performs: the batch dimension of a model that batches, otherwise one
        /// (Triton's inference_count).</summary>
        public long BatchOf(IReadOnlyList<Detectors.Tensors.InferenceTensor> inputs) =>
            Descriptor.MaxBatch is > 0 && inputs.Count > 0 && inputs[0].Shape.Count > 0 ? inputs[0].Shape[0] : 1;

        /// <summary>Adds the named version's statistics (every version's when none is named); false when the
        /// version is unknown.</summary>
        public bool AddStatistics(ModelStatisticsResponse response, string? version)
        {
            if (!string.IsNullOrEmpty(version))
            {
                if (Resolve(version) is not { } one)
                {
                    return false;
                }

                response.ModelStats.Add(one.Statistics.ToMessage());
                return true;
            }

            foreach (var each in _versions)
            {
                response.ModelStats.Add(each.Statistics.ToMessage());
            }

            return true;
        }

        /// <summary>The named version, or the latest when none is named; null when the version is unknown.</summary>
        public OnnxModel? Resolve(string? version) =>
            string.IsNullOrEmpty(version) ? _versions[^1] : _versions.FirstOrDefault(v => v.Version == version);

        public void Dispose()
        {
            foreach (var version in _versions)
            {
                version.Dispose();
            }
        }
    }
}
