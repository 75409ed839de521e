using System.Net;
using Grpc.Core;

namespace NeuralSec.LoadTest.Fuzz;

/// <summary>
/// What one hostile request got back: the transport, the status as the caller sees it (a gRPC code, an HTTP status, or
/// the client's own error when no answer came), the sidecar's reason code when it gave one, and whether that answer
/// is a defect: gRPC UNKNOWN or INTERNAL (an exception escaped a handler, or a protocol invariant broke), HTTP 5xx other
/// than 503 (overloaded, or a readiness probe saying "not ready"), or no answer at all.
/// </summary>
internal readonly record struct FuzzOutcome(string Transport, string Status, string Reason, bool IsFailure)
{
    /// <summary>What the client saw when no answer came (the exception's message chain): shown for the first
    /// failures of each kind, not part of what is counted.</summary>
    public string? Detail { get; init; }

    public const string Grpc = "gRPC";

    public const string Rest = "REST";

    public const string ReasonHeader = "x-neuralsec-reason";

    public static FuzzOutcome GrpcOk { get; } = new(Grpc, nameof(StatusCode.OK), string.Empty, false);

    public static FuzzOutcome FromRpc(RpcException ex)
    {
        // A status the client made up (no answer, a broken stream) carries the exception it came from.
        if (ex.Status.DebugException is { } cause)
        {
            return new FuzzOutcome(Grpc, $"no answer: {ex.StatusCode} ({cause.GetType().Name})", string.Empty, true) { Detail = Chain(cause) };
        }

        return FromGrpcStatus(ex.StatusCode, ex.Trailers.GetValue(ReasonHeader));
    }

    public static FuzzOutcome FromGrpcStatus(StatusCode status, string? reason) =>
        new(Grpc, status.ToString(), reason ?? string.Empty, status is StatusCode.Unknown or StatusCode.Internal);

    /// <param name="readiness">A readiness probe, for which 503 means "not ready", an answer like any other.</param>
    public static FuzzOutcome FromHttp(HttpStatusCode status, string? reason, bool readiness = false)
    {
        var code = (int)status;
        var shed = status == HttpStatusCode.ServiceUnavailable && (reason == "overloaded" || readiness);
        return new FuzzOutcome(Rest, code.ToString(System.Globalization.CultureInfo.InvariantCulture), reason ?? string.Empty, code >= 500 && !shed);
    }

    /// <summary>The client got no answer: the connection broke, or nothing came within the deadline.</summary>
    public static FuzzOutcome NoAnswer(string transport, Exception ex) =>
        new(transport, ex is TaskCanceledException or TimeoutException ? "no answer: timeout" : $"no answer: {ex.GetType().Name}", string.Empty, true) { Detail = Chain(ex) };

    public bool Equals(FuzzOutcome other) =>
        Transport == other.Transport && Status == other.Status && Reason == other.Reason && IsFailure == other.IsFailure;

    public override int GetHashCode() => HashCode.Combine(Transport, Status, Reason, IsFailure);

    private static string Chain(Exception ex)
    {
        var messages = new List<string>();
        for (var e = ex; e is not null && messages.Count < 4; e = e.InnerException)
        {
            messages.Add($"{e.GetType().Name}: {e.Message}");
        }

        return string.Join(" → ", messages);
    }
}
