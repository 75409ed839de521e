using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Backends.OnnxRuntime;
using NeuralSec.Gateway.Hosting;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Protocol.Inference;
using ModelConfig = NeuralSec.Gateway.Backends.OnnxRuntime.ModelConfig;

namespace NeuralSec.Gateway.Tests.OnnxRuntime;

/// <summary>
/// The real embedded backend over a model repository of the test's making (a temp folder: copies of the fixture
/// models or <see cref="TinyModels"/>, each with the <c>config.yaml</c> the test writes), loaded and ready, with its
/// logs recorded. Disposing it stops its batch loops and deletes the folder.
/// </summary>
internal sealed class EmbeddedBackend : IDisposable
{
    private readonly string? _ownedFolder;
    private readonly ILoggerFactory _loggers;

    private EmbeddedBackend(OnnxRuntimeBackend backend, RecordingLogs logs, ILoggerFactory loggers, StartupFailure startup, string? ownedFolder)
    {
        Backend = backend;
        Logs = logs;
        Startup = startup;
        _loggers = loggers;
        _ownedFolder = ownedFolder;
    }

    public OnnxRuntimeBackend Backend { get; }

    public RecordingLogs Logs { get; }

    /// <summary>Says why loading stopped the sidecar, for a model named in <c>Models</c> that could not load.</summary>
    public StartupFailure Startup { get; }

    /// <summary>A repository folder with the given models: name → (ONNX bytes, config.yaml text or null).</summary>
    public static string Repository(params (string Name, byte[] Onnx, string? Config)[] models)
    {
        var folder = Directory.CreateTempSubdirectory("neuralsec-batching-").FullName;
        foreach (var (name, onnx, config) in models)
        {
            Directory.CreateDirectory(Path.Combine(folder, name, "1"));
            File.WriteAllBytes(Path.Combine(folder, name, "1", ModelRepositoryScanner.ModelFileName), onnx);
            if (config is not null)
            {
                File.WriteAllText(Path.Combine(folder, name, ModelConfig.FileName), config);
            }
        }

        return folder;
    }

    /// <summary>The fixture classifier's graph (models/repository/mnist/1/model.onnx).</summary>
    public static byte[] Mnist() => File.ReadAllBytes(Path.Combine(RepoPaths.ModelRepository, "mnist", "1", ModelRepositoryScanner.ModelFileName));

    /// <summary>Loads <paramref name="repository"/> (deleted on dispose when <paramref name="owned"/>).</summary>
    public static async Task<EmbeddedBackend> StartAsync(string repository, TimeProvider? time = null, bool owned = true, params string[] models)
    {
        var logs = new RecordingLogs();
        var loggers = LoggerFactory.Create(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var options = new GatewayOptions();
        options.OnnxRuntime.ModelRepository = repository;
        options.OnnxRuntime.Models = [.. models];
        options.OnnxRuntime.ExecutionProvider = ExecutionProviderPreference.Cpu;
        var startup = new StartupFailure(new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance));
        var backend = new OnnxRuntimeBackend(
            Microsoft.Extensions.Options.Options.Create(options),
            new HostingEnvironment { ContentRootPath = repository },
            time ?? TimeProvider.System,
            startup,
            loggers.CreateLogger<OnnxRuntimeBackend>());
        await backend.StartAsync(CancellationToken.None);
        await backend.WhenLoaded;
        return new EmbeddedBackend(backend, logs, loggers, startup, owned ? repository : null);
    }

    public Task<BackendInferResult> InferAsync(string model, IReadOnlyList<InferenceTensor> inputs, CancellationToken cancellationToken = default, params string[] outputs) =>
        Backend.InferAsync(new BackendInferRequest(model, null, "test", inputs, outputs), cancellationToken).AsTask();

    public async Task<ModelStatistics> StatisticsAsync(string model) =>
        Assert.Single((await Backend.GetModelStatisticsAsync(new ModelStatisticsRequest { Name = model }, CancellationToken.None))!.ModelStats);

    public void Dispose()
    {
        Backend.Dispose();
        _loggers.Dispose();
        if (_ownedFolder is not null)
        {
            try
            {
                Directory.Delete(_ownedFolder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
