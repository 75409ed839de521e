using System.Collections.Frozen;

namespace NeuralSec.Gateway.Pipeline;

/// <summary>
/// The reason codes of decisions: what a refused caller reads in <c>x-neuralsec-reason</c>, and a label of
/// <c>neuralsec_decisions_total</c>. A fixed, coarse set: a code says what kind of refusal it was, never which
/// detector fired or how close the input came (that would hand an adaptive attacker its feedback signal).
/// Validation refusals carry their own, equally fixed, codes (<c>wrong_shape</c>, <c>out_of_range</c>, …).
/// </summary>
internal static class ReasonCodes
{
    /// <summary>No policy governs the model.</summary>
    public const string NoPolicy = "no_policy";

    /// <summary>The policy needs an identity the caller did not give.</summary>
    public const string Unauthenticated = "unauthenticated";

    /// <summary>An API key was presented and matched nothing.</summary>
    public const string InvalidApiKey = "invalid_api_key";

    /// <summary>Too many failed authentications from the caller's address.</summary>
    public const string AuthThrottled = "auth_throttled";

    /// <summary>The client's request budget is spent.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>A defense failed and the policy fails closed (or, fail-open, the alert says so).</summary>
    public const string DefenseError = "defense_error";

    /// <summary>The input defenses flagged the input (whatever the action: refuse, throttle, degrade, alert).</summary>
    public const string SuspiciousInput = "suspicious_input";

    /// <summary>The stream defenses flagged the client's pattern of queries (extraction, query-based attack), or the
    /// client is in the cooldown such a flag imposed.</summary>
    public const string SuspiciousActivity = "suspicious_activity";

    /// <summary>The shared state store (Redis) cannot be reached and the policy fails closed.</summary>
    public const string StateUnavailable = "state_unavailable";

    private static readonly FrozenSet<string> Known = new[]
    {
        NoPolicy, Unauthenticated, InvalidApiKey, AuthThrottled, RateLimited, DefenseError, SuspiciousInput, SuspiciousActivity, StateUnavailable,
    }.ToFrozenSet(StringComparer.Ordinal);

    public static bool IsKnown(string code) => Known.Contains(code);
}
