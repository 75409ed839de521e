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

    /// <summary>Bytes of gRPC inference messages held at once, each counted at its declared length from its first
    /// bytes until it is answered; a call that would pass it is shed at once (UNAVAILABLE, reason <c>overloaded</c>,
    /// with a retry-after). Bounds the memory of calls received faster than the cores can bring them to admission,
    /// which <see cref="MaxConcurrentInferences"/> and <see cref="MaxQueuedInferences"/> do not see. Set it above
    /// (in-pipeline + queued) × a usual message, so only a load beyond the door's reaches it.</summary>
    [Range(1024 * 1024, 1L << 40)]
    public long MaxRequestBodyBytesInFlight { get; set; } = 256L * 1024 * 1024;

    /// <summary>Inference requests the pipeline runs at once; beyond it they wait, in arrival order, in a queue of
    /// <see cref="MaxQueuedInferences"/>.</summary>
    [Range(1, 100_000)]
    public int MaxConcurrentInferences { get; set; } = 64;

    /// <summary>Inference requests that may wait for a place; a request that finds the queue full is shed at once
    /// (UNAVAILABLE, reason <c>overloaded</c>, with a retry-after).</summary>
    [Range(0, 1_000_000)]
    public int MaxQueuedInferences { get; set; } = 128;

    /// <summary>How long a request may wait in the queue before it is shed: under overload, the answers that are
    /// given stay fast rather than every answer getting slow.</summary>
    public TimeSpan MaxQueueWait { get; set; } = TimeSpan.FromSeconds(1);
}
