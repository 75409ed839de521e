namespace NeuralSec.Gateway.Pipeline;

/// <summary>The metric label of each outcome; a fixed set, so series cardinality stays bounded.</summary>
internal static class OutcomeLabels
{
    public static string For(RejectionKind kind) => kind switch
    {
        RejectionKind.InvalidArgument => "invalid",
        RejectionKind.NotFound => "not_found",
        RejectionKind.Unauthenticated => "unauthenticated",
        RejectionKind.PermissionDenied => "blocked",
        RejectionKind.ResourceExhausted => "throttled",
        RejectionKind.Unavailable => "unavailable",
        RejectionKind.DeadlineExceeded => "deadline",
        RejectionKind.TooLarge => "too_large",
        RejectionKind.ClientTimeout => "client_timeout",
        RejectionKind.Unimplemented => "unimplemented",
        _ => "error",
    };
}
