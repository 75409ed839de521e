using Microsoft.ML.OnnxRuntime;
using NeuralSec.Detectors.Tensors;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace NeuralSec.Gateway.Backends.OnnxRuntime;

/// <summary>One loaded model version: an ONNX Runtime session and the signature read from its graph.
/// Sessions are thread-safe, so one instance serves every concurrent request.</summary>
internal sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _allOutputs;
    private readonly TimeProvider _time;

    private OnnxModel(string name, string version, InferenceSession session, IReadOnlyList<TensorSpec> inputs, IReadOnlyList<TensorSpec> outputs, TimeProvider time)
    {
        Name = name;
        Version = version;
        _session = session;
        _time = time;
        Inputs = inputs;
        Outputs = outputs;
        _allOutputs = outputs.Select(o => o.Name).ToArray();
        Statistics = new ModelVersionStatistics(name, version, time);
    }

    public string Name { get; }

    public string Version { get; }

    public IReadOnlyList<TensorSpec> Inputs { get; }

    public IReadOnlyList<TensorSpec> Outputs { get; }

    /// <summary>This version's cumulative statistics (Triton's ModelStatistics).</summary>
    public ModelVersionStatistics Statistics { get; }

    public static OnnxModel Load(string name, string version, string path, SessionOptions options, ModelConfig config, TimeProvider? time = null)
    {
        var session = new InferenceSession(path, options);
        try
        {
            var inputs = session.InputNames.Select(n => Describe(n, session.InputMetadata[n], config.Inputs.GetValueOrDefault(n))).ToArray();
            var outputs = session.OutputNames.Select(n => Describe(n, session.OutputMetadata[n], null)).ToArray();
            foreach (var configured in config.Inputs.Keys)
            {
                if (!session.InputNames.Contains(configured))
                {
                    throw new InvalidDataException($"{ModelConfig.FileName} names input '{configured}', which the model does not have");
                }
            }

            return new OnnxModel(name, version, session, inputs, outputs, time ?? TimeProvider.System);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public IReadOnlyList<InferenceTensor> Run(IReadOnlyList<InferenceTensor> inputs, IReadOnlyList<string> requestedOutputs, CancellationToken cancellationToken) =>
        Run(inputs, requestedOutputs, cancellationToken, out _);

    /// <summary>Runs the graph; <paramref name="phases"/> says how long each phase took (for the statistics).</summary>
    public IReadOnlyList<InferenceTensor> Run(IReadOnlyList<InferenceTensor> inputs, IReadOnlyList<string> requestedOutputs, CancellationToken cancellationToken, out RunPhases phases)
    {
        using var runOptions = new RunOptions();
        using var cancel = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
        return RunBatch([inputs], requestedOutputs, runOptions, out phases)[0];
    }

    /// <summary>
    /// Runs the graph once on several requests' inputs concatenated along the first dimension, and gives each
    /// request its own rows of every output. The requests must agree in their input names, order, datatypes and
    /// every dimension but the first (<see cref="PendingInference.CanBatchWith"/>); one request is the unbatched run.
    /// Each request's output slices share one array per output (no copy per caller).
    /// </summary>
    /// <exception cref="OnnxRuntimeException">The model failed, or <paramref name="runOptions"/> terminated it.</exception>
    /// <exception cref="InvalidDataException">An output the protocol cannot carry, or one that does not keep the batch
    /// as its first dimension, so it cannot be split between the requests.</exception>
    public IReadOnlyList<InferenceTensor>[] RunBatch(IReadOnlyList<IReadOnlyList<InferenceTensor>> requests, IReadOnlyList<string> requestedOutputs, RunOptions runOptions, out RunPhases phases)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(runOptions);
        var started = _time.GetTimestamp();
        var first = requests[0];
        var names = new string[first.Count];
        var values = new OrtValue[first.Count];
        var rows = new long[requests.Count];
        long totalRows = 0;
        if (requests.Count > 1)
        {
            for (var r = 0; r < requests.Count; r++)
            {
                rows[r] = requests[r][0].Shape[0];
                totalRows += rows[r];
            }
        }

        try
        {
            for (var i = 0; i < first.Count; i++)
            {
                var input = first[i];
                names[i] = input.Name;
                var shape = input.Shape.ToArray();
                if (requests.Count > 1)
                {
                    shape[0] = totalRows;
                }

                values[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, OnnxTypeMap.ToElementType(input.DataType), shape);
                var destination = values[i].GetTensorMutableRawData();
                var offset = 0;
                foreach (var request in requests)
                {
                    var data = request[i].Data.Span;
                    data.CopyTo(destination[offset..]);
                    offset += data.Length;
                }
            }

            var outputNames = requestedOutputs.Count == 0 ? _allOutputs : requestedOutputs;
            var inputsCopied = _time.GetTimestamp();
            using var results = _session.Run(runOptions, names, values, outputNames as IReadOnlyCollection<string> ?? outputNames.ToArray());
            var ran = _time.GetTimestamp();
            var answers = new IReadOnlyList<InferenceTensor>[requests.Count];
            for (var r = 0; r < requests.Count; r++)
            {
                answers[r] = new InferenceTensor[outputNames.Count];
            }

            var index = 0;
            foreach (var name in outputNames)
            {
                var value = results[index];
                var info = value.GetTensorTypeAndShape();
                var dataType = OnnxTypeMap.ToDataType(info.ElementDataType)
                    ?? throw new InvalidDataException($"output '{name}' has element type {info.ElementDataType}, which the OIP cannot carry");
                var bytes = value.GetTensorMutableRawData().ToArray();
                if (requests.Count == 1)
                {
                    ((InferenceTensor[])answers[0])[index] = new InferenceTensor(name, dataType, info.Shape, bytes);
                }
                else
                {
                    Split(name, dataType, info.Shape, bytes, rows, totalRows, answers, index);
                }

                index++;
            }

            phases = new RunPhases(inputsCopied - started, ran - inputsCopied, _time.GetTimestamp() - ran);
            return answers;
        }
        finally
        {
            foreach (var value in values)
            {
                value?.Dispose();
            }
        }
    }

    /// <summary>Request r's rows of one batched output, as views of the output's one array.</summary>
    private static void Split(string name, TensorDataType dataType, long[] shape, byte[] bytes, long[] rows, long totalRows, IReadOnlyList<InferenceTensor>[] answers, int index)
    {
        if (shape.Length == 0 || shape[0] != totalRows || bytes.Length % totalRows != 0)
        {
            throw new InvalidDataException($"output '{name}' has shape {TensorShape.Format(shape)} for a batch of {totalRows}: its first dimension is not the batch, so it cannot be split between the requests");
        }

        var rowBytes = (int)(bytes.Length / totalRows);
        var offset = 0;
        for (var r = 0; r < rows.Length; r++)
        {
            var own = (long[])shape.Clone();
            own[0] = rows[r];
            var length = (int)rows[r] * rowBytes;
            ((InferenceTensor[])answers[r])[index] = new InferenceTensor(name, dataType, own, bytes.AsMemory(offset, length));
            offset += length;
        }
    }

    public void Dispose() => _session.Dispose();

    private static TensorSpec Describe(string name, NodeMetadata metadata, ModelConfig.InputConfig? config)
    {
        if (!metadata.IsTensor)
        {
            throw new InvalidDataException($"'{name}' is not a tensor; only tensor inputs and outputs are served");
        }

        var dataType = OnnxTypeMap.ToDataType(metadata.ElementDataType)
            ?? throw new InvalidDataException($"'{name}' has element type {metadata.ElementDataType}, which is not served");
        var shape = metadata.Dimensions.Select(d => d < 0 ? -1L : d).ToArray();
        var range = config?.Range is { } r ? new ValueRange(r[0], r[1]) : null;
        return new TensorSpec(name, dataType, shape, range);
    }
}
