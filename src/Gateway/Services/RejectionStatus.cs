using Grpc.Core;
using Microsoft.AspNetCore.Http;
using NeuralSec.Gateway.Pipeline;

namespace NeuralSec.Gateway.Services;

/// <summary>How a rejection reads on each wire: gRPC status code, HTTP status, and the shared trailer names.</summary>
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
        RejectionKind.ResourceExhausted => StatusCode.ResourceExhausted,
        RejectionKind.Unavailable => StatusCode.Unavailable,
        RejectionKind.DeadlineExceeded => StatusCode.DeadlineExceeded,
        _ => StatusCode.Internal,
    };

    public static int ToHttp(RejectionKind kind) => kind switch
    {
        RejectionKind.InvalidArgument => StatusCodes.Status400BadRequest,
        RejectionKind.NotFound => StatusCodes.Status404NotFound,
        RejectionKind.Unauthenticated => StatusCodes.Status401Unauthorized,
        RejectionKind.PermissionDenied => StatusCodes.Status403Forbidden,
        RejectionKind.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        RejectionKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        RejectionKind.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static RpcException ToRpcException(PipelineRejection rejection)
    {
        var trailers = new Metadata { { ReasonHeader, rejection.ReasonCode } };
        if (rejection.RetryAfter is { } retryAfter)
        {
            trailers.Add(RetryAfterHeader, Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return new RpcException(new Status(ToGrpc(rejection.Kind), rejection.Message), trailers);
    }
}
