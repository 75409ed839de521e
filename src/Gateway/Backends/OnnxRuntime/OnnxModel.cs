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
        var started = _time.GetTimestamp();
        var names = new string[inputs.Count];
        var values = new OrtValue[inputs.Count];
        using var runOptions = new RunOptions();
        using var cancel = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
        try
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                var input = inputs[i];
                names[i] = input.Name;
                values[i] = OrtValue.CreateAllocatedTensorValue(
                    OrtAllocator.DefaultInstance, OnnxTypeMap.ToElementType(input.DataType), input.Shape.ToArray());
                input.Data.Span.CopyTo(values[i].GetTensorMutableRawData());
            }

            var outputNames = requestedOutputs.Count == 0 ? _allOutputs : requestedOutputs;
            var inputsCopied = _time.GetTimestamp();
            using var results = _session.Run(runOptions, names, values, outputNames as IReadOnlyCollection<string> ?? outputNames.ToArray());
            var ran = _time.GetTimestamp();
            var outputs = new InferenceTensor[outputNames.Count];
            var index = 0;
            foreach (var name in outputNames)
            {
                var value = results[index];
                var info = value.GetTensorTypeAndShape();
                var dataType = OnnxTypeMap.ToDataType(info.ElementDataType)
                    ?? throw new InvalidDataException($"output '{name}' has element type {info.ElementDataType}, which the OIP cannot carry");
                outputs[index] = new InferenceTensor(name, dataType, info.Shape, value.GetTensorMutableRawData().ToArray());
                index++;
            }

            phases = new RunPhases(inputsCopied - started, ran - inputsCopied, _time.GetTimestamp() - ran);
            return outputs;
        }
        finally
        {
            foreach (var value in values)
            {
                value?.Dispose();
            }
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
