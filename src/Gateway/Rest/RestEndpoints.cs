using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Gateway.Services;

namespace NeuralSec.Gateway.Rest;

/// <summary>The OIP v2 REST API on the HTTP port, sharing the gRPC path's pipeline.</summary>
internal static class RestEndpoints
{
    public static IEndpointRouteBuilder MapOipRest(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v2/health/live", () => Results.Json(new { live = true }));
        app.MapGet("/v2/health/ready", (IModelBackend backend) =>
            backend.IsReady ? Results.Json(new { ready = true }) : Results.Json(new { ready = false }, statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapGet("/v2", (IOptions<GatewayOptions> options) =>
            Results.Json(new { name = options.Value.Server.Name, version = ServerInfo.Version, extensions = ServerInfo.Extensions }));

        app.MapGet("/v2/models/{name}", (string name, IModelBackend backend, CancellationToken ct) => Metadata(name, null, backend, ct));
        app.MapGet("/v2/models/{name}/versions/{version}", (string name, string version, IModelBackend backend, CancellationToken ct) => Metadata(name, version, backend, ct));
        app.MapGet("/v2/models/{name}/ready", (string name, IModelBackend backend, CancellationToken ct) => Ready(name, null, backend, ct));
        app.MapGet("/v2/models/{name}/versions/{version}/ready", (string name, string version, IModelBackend backend, CancellationToken ct) => Ready(name, version, backend, ct));
        app.MapPost("/v2/models/{name}/infer", (string name, HttpContext http) => Infer(name, null, http));
        app.MapPost("/v2/models/{name}/versions/{version}/infer", (string name, string version, HttpContext http) => Infer(name, version, http));
        return app;
    }

    private static async Task<IResult> Metadata(string name, string? version, IModelBackend backend, CancellationToken ct)
    {
        var model = await backend.GetModelAsync(name, version, ct).ConfigureAwait(false);
        if (model is null)
        {
            return Error(PipelineRejection.ModelNotFound(name));
        }

        return Results.Json(new
        {
            name = model.Name,
            versions = model.Versions,
            platform = model.Platform,
            inputs = model.Inputs.Select(Describe),
            outputs = model.Outputs.Select(Describe),
        });

        static object Describe(TensorSpec spec) => new { name = spec.Name, datatype = spec.DataType.ToWireName(), shape = spec.Shape };
    }

    private static async Task<IResult> Ready(string name, string? version, IModelBackend backend, CancellationToken ct)
    {
        var ready = await backend.IsModelReadyAsync(name, version, ct).ConfigureAwait(false);
        return Results.Json(new { name, ready }, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task Infer(string name, string? version, HttpContext http)
    {
        var services = http.RequestServices;
        var options = services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var pipeline = services.GetRequiredService<InferencePipeline>();
        var requestId = RequestIds.New();
        http.Response.Headers[RejectionStatus.RequestIdHeader] = requestId;

        RestInferRequest body;
        try
        {
            using var document = await JsonDocument.ParseAsync(http.Request.Body, default, http.RequestAborted).ConfigureAwait(false);
            body = RestJsonCodec.Decode(document.RootElement, options.Limits);
        }
        catch (JsonException ex)
        {
            body = new RestInferRequest(string.Empty, Protocol.DecodedTensors.Fail("bad_json", $"the body is not valid JSON: {ex.Message}"), []);
        }
        catch (BadHttpRequestException)
        {
            body = new RestInferRequest(string.Empty, Protocol.DecodedTensors.Fail("too_large", "the body exceeds the request size limit"), []);
        }

        var context = new InferenceContext(requestId, name, version, body.Inputs.Tensors ?? [])
        {
            CallerRequestId = body.Id,
            Protocol = "rest",
            RequestedOutputs = body.RequestedOutputs,
            Headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            ClientCertificate = http.Connection.ClientCertificate,
            RemoteAddress = http.Connection.RemoteIpAddress?.ToString(),
            Rejection = body.Inputs.Rejection,
        };

        await pipeline.RunAsync(context, http.RequestAborted).ConfigureAwait(false);
        if (context.Rejection is { } rejection)
        {
            await Error(rejection).ExecuteAsync(http).ConfigureAwait(false);
            return;
        }

        http.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(http.Response.BodyWriter);
        RestJsonCodec.WriteResponse(writer, context);
        await writer.FlushAsync(http.RequestAborted).ConfigureAwait(false);
    }

    private static IResult Error(PipelineRejection rejection) => new RejectionResult(rejection);

    private sealed class RejectionResult(PipelineRejection rejection) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[RejectionStatus.ReasonHeader] = rejection.ReasonCode;
            if (rejection.RetryAfter is { } retryAfter)
            {
                httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return Results.Json(new { error = rejection.Message }, statusCode: RejectionStatus.ToHttp(rejection.Kind)).ExecuteAsync(httpContext);
        }
    }
}
