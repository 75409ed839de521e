using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Gateway.Protocol;

namespace NeuralSec.Gateway.Services;

/// <summary>How a rejection reads on each wire: gRPC status code, HTTP status, and the shared header names and
/// values. The one copy of that mapping for both transports.</summary>
internal static class RejectionStatus
{
    public const string RequestIdHeader = "x-neuralsec-request-id";
    public const string ReasonHeader = "x-neuralsec-reason";
    public const string RetryAfterHeader = "retry-after";

    public static StatusCode ToGrpc(RejectionKind kind) => kind switch
    {
        RejectionKind.InvalidArgument => StatusCode.InvalidArgument,
        RejectionKind.NotFound => StatusCode.NotFound,
        RejectionKind.Unauthenticated => StatusCode.Unauthenticated,
        RejectionKind.PermissionDenied => StatusCode.PermissionDenied,
        RejectionKind.ResourceExhausted or RejectionKind.TooLarge => StatusCode.ResourceExhausted,
        RejectionKind.Unavailable => StatusCode.Unavailable,
        RejectionKind.DeadlineExceeded or RejectionKind.ClientTimeout => StatusCode.DeadlineExceeded,
        RejectionKind.Unimplemented => StatusCode.Unimplemented,
        _ => StatusCode.Internal,
    };

    public static int ToHttp(RejectionKind kind) => kind switch
    {
        RejectionKind.InvalidArgument => StatusCodes.Status400BadRequest,
        RejectionKind.NotFound => StatusCodes.Status404NotFound,
        RejectionKind.Unauthenticated => StatusCodes.Status401Unauthorized,
        RejectionKind.PermissionDenied => StatusCodes.Status403Forbidden,
        RejectionKind.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        RejectionKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        RejectionKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        RejectionKind.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        RejectionKind.ClientTimeout => StatusCodes.Status408RequestTimeout,
        RejectionKind.Unimplemented => StatusCodes.Status501NotImplemented,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Whole seconds to wait, at least 1, when the rejection says how long.</summary>
    public static string? RetryAfterSeconds(PipelineRejection rejection) =>
        rejection.RetryAfter is { } retryAfter
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture)
            : null;

    /// <summary>The message as it may go on the wire: printable ASCII, bounded, whatever it was built from.</summary>
    public static string Message(PipelineRejection rejection) => CallerText.ForWire(rejection.Message);

    public static RpcException ToRpcException(PipelineRejection rejection)
    {
        var trailers = new Metadata { { ReasonHeader, rejection.ReasonCode } };
        if (RetryAfterSeconds(rejection) is { } seconds)
        {
            trailers.Add(RetryAfterHeader, seconds);
        }

        return new RpcException(new Status(ToGrpc(rejection.Kind), Message(rejection)), trailers);
    }
}
