namespace NeuralSec.Gateway.ClientState;

/// <summary>What stream detectors imposed on a client for a cooldown (<c>spec.extraction</c> actions).</summary>
[Flags]
internal enum ClientSanctions
{
    None = 0,

    /// <summary>The client's budget is the policy's throttled bucket instead of its normal one.</summary>
    Throttled = 1,

    /// <summary>The client's answers are label-only.</summary>
    Degraded = 2,

    /// <summary>The client is refused outright.</summary>
    Blocked = 4,
}
