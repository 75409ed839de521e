namespace NeuralSec.Gateway.Alerts;

/// <summary>What raised the alert.</summary>
internal enum AlertKind
{
    /// <summary>A request's decision was not a plain allow (block, throttle, degrade, alert, or monitor-mode).</summary>
    RequestDecision,

    /// <summary>A changed policy file was refused; the last good policy keeps serving.</summary>
    PolicyReloadFailed,

    /// <summary>A defense or the model failed and the policy's fail-open/fail-closed rule was applied.</summary>
    DefenseError,

    /// <summary>The shared client-state store (Redis) stopped answering; policies apply their onError rule until it
    /// is back. One per outage, not one per request.</summary>
    StateStoreUnavailable,
}
