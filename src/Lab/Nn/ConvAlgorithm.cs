namespace NeuralSec.Lab.Nn;

public enum ConvAlgorithm
{
    /// <summary>im2col followed by the vectorised <see cref="Gemm"/>; the default.</summary>
    Im2ColGemm,

    /// <summary>Direct nested loops; kept as the benchmark baseline and as a test oracle.</summary>
    Naive,
}
