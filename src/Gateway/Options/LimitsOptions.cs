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

    /// <summary>Largest REST JSON body, in bytes; larger ones are refused (413) before they are read, when their
    /// Content-Length says so, or as soon as they pass it.</summary>
    [Range(1024, int.MaxValue / 2)]
    public int MaxJsonBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>A REST body larger than this counts as large.</summary>
    [Range(1024, int.MaxValue / 2)]
    public int LargeJsonBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Large REST bodies read at once; more are refused with UNAVAILABLE and a retry-after at once, so memory
    /// stays within about this times <see cref="MaxJsonBodyBytes"/> however many callers send at once.</summary>
    [Range(1, 1024)]
    public int MaxConcurrentLargeJsonBodies { get; set; } = 4;
}
