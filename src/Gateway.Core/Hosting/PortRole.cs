using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace NeuralSec.Gateway.Hosting;

/// <summary>
/// Which listener a connection came in on. Prometheus scrapes only the metrics port, and the metrics are not
/// served on the ports callers can reach, so a client of the model cannot read the firewall's counters.
/// </summary>
internal static class PortRole
{
    public const string Grpc = "grpc";
    public const string Http = "http";
    public const string Metrics = "metrics";
    private const string Key = "neuralsec.port-role";

    public static Func<ConnectionDelegate, ConnectionDelegate> Tag(string role) =>
        next => connection =>
        {
            connection.Items[Key] = role;
            return next(connection);
        };

    public static string? Of(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(Key, out var role) == true ? role as string : null;

    /// <summary>Middleware: the metrics port answers <c>/metrics</c> only; the other ports never do; endpoints marked
    /// <see cref="GrpcPortOnlyEndpoint"/> (server reflection) answer on the gRPC port alone.
    /// Routing matches paths case-insensitively, so the path test does too (<c>/METRICS</c> once read the scrape
    /// on the client ports); the endpoint routing picked is checked as well, so no other spelling routing might
    /// accept can slip past a string comparison.</summary>
    public static RequestDelegate Enforce(RequestDelegate next) => context =>
    {
        var isMetricsPort = Of(context) == Metrics;
        var isMetricsRequest = context.Request.Path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase)
            || context.GetEndpoint()?.Metadata.GetMetadata<MetricsEndpoint>() is not null;
        if (isMetricsPort != isMetricsRequest
            || (context.GetEndpoint()?.Metadata.GetMetadata<GrpcPortOnlyEndpoint>() is not null && Of(context) != Grpc))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return next(context);
    };
}
