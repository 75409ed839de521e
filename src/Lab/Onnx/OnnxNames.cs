namespace NeuralSec.Lab.Onnx;

/// <summary>Tensor names and versions every exported lab model uses (the gateway relies on these).</summary>
public static class OnnxNames
{
    public const string Input = "input";
    public const string Logits = "logits";
    public const string Reconstruction = "reconstruction";
    public const string BatchDim = "batch";
    public const int Opset = 13;
    public const long IrVersion = 8;
}
