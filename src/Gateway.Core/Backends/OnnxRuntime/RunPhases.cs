namespace NeuralSec.Gateway.Backends.OnnxRuntime;

/// <summary>How long one model execution spent in each phase, in <see cref="TimeProvider"/> timestamp ticks:
/// copying the inputs into ONNX Runtime, running the graph, copying the outputs out.</summary>
internal readonly record struct RunPhases(long Input, long Infer, long Output);
