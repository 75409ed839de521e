using System.ComponentModel.DataAnnotations;

namespace NeuralSec.Gateway.Options;

/// <summary>Hard limits checked before any allocation sized by the caller. Policies may only lower them.</summary>
internal sealed class LimitsOptions
{
    /// <summary>Largest batch (first dimension) accepted.</summary>
    [Range(1, 1_000_000)]
    public int MaxBatch { get; set; } = 64;

    /// <summary>Largest total input size of one request, in bytes.</summary>
    [Range(1, 1L << 31)]
    public long MaxInputBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>Most input tensors in one request.</summary>
    [Range(1, 1024)]
    public int MaxInputs { get; set; } = 16;
}
