using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.FrontDoor;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Gateway.Services;

namespace NeuralSec.Gateway.Rest;

/// <summary>
/// The OIP v2 REST adapter on the HTTP port: decodes each route into the <see cref="InferenceFrontDoor"/>'s terms and
/// writes its answer as JSON — the same answers and refusals as gRPC, in HTTP's words. Every answer carries
/// <c>x-neuralsec-request-id</c>; refusals carry <c>x-neuralsec-reason</c> and <c>{"error": …}</c>.
/// </summary>
internal static class RestEndpoints
{
    public static IEndpointRouteBuilder MapOipRest(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v2/health/live", (InferenceFrontDoor door, HttpContext http) => Answer(http, Results.Json(new { live = door.IsLive })));
        app.MapGet("/v2/health/ready", (InferenceFrontDoor door, HttpContext http) =>
            Answer(http, door.IsReady ? Results.Json(new { ready = true }) : Results.Json(new { ready = false }, statusCode: StatusCodes.Status503ServiceUnavailable)));
        app.MapGet("/v2", (InferenceFrontDoor door, HttpContext http) =>
            Answer(http, Results.Json(new { name = door.ServerName, version = door.ServerVersion, extensions = door.Extensions })));

        app.MapGet("/v2/models/{name}", (string name, InferenceFrontDoor door, HttpContext http) => Metadata(name, null, door, http));
        app.MapGet("/v2/models/{name}/versions/{version}", (string name, string version, InferenceFrontDoor door, HttpContext http) => Metadata(name, version, door, http));
        app.MapGet("/v2/models/{name}/ready", (string name, InferenceFrontDoor door, HttpContext http) => Ready(name, null, door, http));
        app.MapGet("/v2/models/{name}/versions/{version}/ready", (string name, string version, InferenceFrontDoor door, HttpContext http) => Ready(name, version, door, http));
        app.MapGet("/v2/models/{name}/config", (string name, InferenceFrontDoor door, HttpContext http) => Config(name, null, door, http));
        app.MapGet("/v2/models/{name}/versions/{version}/config", (string name, string version, InferenceFrontDoor door, HttpContext http) => Config(name, version, door, http));
        app.MapGet("/v2/models/stats", (InferenceFrontDoor door, HttpContext http) => Statistics(null, null, door, http));
        app.MapGet("/v2/models/{name}/stats", (string name, InferenceFrontDoor door, HttpContext http) => Statistics(name, null, door, http));
        app.MapGet("/v2/models/{name}/versions/{version}/stats", (string name, string version, InferenceFrontDoor door, HttpContext http) => Statistics(name, version, door, http));
        app.MapPost("/v2/repository/index", (InferenceFrontDoor door, HttpContext http) => Index(door, http));
        app.MapPost("/v2/models/{name}/infer", (string name, HttpContext http) => Infer(name, null, http));
        app.MapPost("/v2/models/{name}/versions/{version}/infer", (string name, string version, HttpContext http) => Infer(name, version, http));
        return app;
    }

    private static async Task<IResult> Metadata(string name, string? version, InferenceFrontDoor door, HttpContext http)
    {
        var result = await door.ModelMetadataAsync(name, version, http.RequestAborted).ConfigureAwait(false);
        if (result.Rejection is { } rejection)
        {
            return Answer(http, new RejectionResult(rejection));
        }

        var model = result.Value!;
        return Answer(http, Results.Json(new
        {
            name = model.Name,
            versions = model.Versions,
            platform = model.Platform,
            inputs = model.Inputs.Select(Describe),
            outputs = model.Outputs.Select(Describe),
        }));

        static object Describe(TensorSpec spec) => new { name = spec.Name, datatype = spec.DataType.ToWireName(), shape = spec.Shape };
    }

    private static async Task<IResult> Ready(string name, string? version, InferenceFrontDoor door, HttpContext http)
    {
        var result = await door.ModelReadyAsync(name, version, http.RequestAborted).ConfigureAwait(false);
        if (result.Rejection is { } rejection)
        {
            return Answer(http, new RejectionResult(rejection));
        }

        return Answer(http, Results.Json(new { name = Protocol.CallerText.Escape(name), ready = result.Value }, statusCode: result.Value ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable));
    }

    private static async Task<IResult> Config(string name, string? version, InferenceFrontDoor door, HttpContext http)
    {
        var result = await door.ModelConfigAsync(name, version, http.RequestAborted).ConfigureAwait(false);
        return result.Rejection is { } rejection
            ? Answer(http, new RejectionResult(rejection))
            : Answer(http, new TritonJsonResult(writer => TritonJsonWriter.WriteConfig(writer, result.Value!.Config ?? new NeuralSec.Protocol.Inference.ModelConfig())));
    }

    private static async Task<IResult> Statistics(string? name, string? version, InferenceFrontDoor door, HttpContext http)
    {
        var result = await door.ModelStatisticsAsync(name, version, http.RequestAborted).ConfigureAwait(false);
        return result.Rejection is { } rejection
            ? Answer(http, new RejectionResult(rejection))
            : Answer(http, new TritonJsonResult(writer => TritonJsonWriter.WriteStatistics(writer, result.Value!)));
    }

    private static async Task<IResult> Index(InferenceFrontDoor door, HttpContext http)
    {
        bool? readyOnly;
        string? error;
        var (body, readRejection) = await http.RequestServices.GetRequiredService<RestBodyReader>().ReadAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return Answer(http, new RejectionResult(readRejection!));
        }

        using (body)
        {
            readyOnly = RepositoryIndexBody.ReadyOnly(body.Span, out error);
        }

        if (readyOnly is not { } ready)
        {
            return Answer(http, new RejectionResult(PipelineRejection.Invalid("bad_json", error!)));
        }

        var result = await door.RepositoryIndexAsync(null, ready, http.RequestAborted).ConfigureAwait(false);
        return result.Rejection is { } rejection
            ? Answer(http, new RejectionResult(rejection))
            : Answer(http, new TritonJsonResult(writer => TritonJsonWriter.WriteIndex(writer, result.Value!)));
    }

    private static async Task Infer(string name, string? version, HttpContext http)
    {
        var services = http.RequestServices;
        var limits = services.GetRequiredService<IOptions<GatewayOptions>>().Value.Limits;
        var door = services.GetRequiredService<InferenceFrontDoor>();
        var requestId = Stamp(http);
        var decoding = new DecodedBody();

        var context = await door.InferAsync(requestId, name, ct => Decode(http, requestId, name, version, limits, decoding, ct), http.RequestAborted).ConfigureAwait(false);
        if (context.Rejection is { } rejection)
        {
            await new RejectionResult(rejection).ExecuteAsync(http).ConfigureAwait(false);
            return;
        }

        if (decoding.Request is { } decoded && RestBinaryResponse.IsWanted(context, decoded))
        {
            await RestBinaryResponse.WriteAsync(http, context, decoded).ConfigureAwait(false);
            return;
        }

        http.Response.ContentType = "application/json";
        var writer = new Utf8JsonWriter(http.Response.BodyWriter);
        await using (writer.ConfigureAwait(false))
        {
            RestJsonWriter.WriteResponse(writer, context, binary: null);
            await writer.FlushAsync(http.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>Reads and decodes the body (once admitted) into the front door's request; what the caller asked of
    /// the answer's encoding is left in <paramref name="decoding"/>.</summary>
    private static async ValueTask<InferenceRequest> Decode(HttpContext http, string requestId, string name, string? version, LimitsOptions limits, DecodedBody decoding, CancellationToken cancellationToken)
    {
        var services = http.RequestServices;
        var (body, readRejection) = await services.GetRequiredService<RestBodyReader>().ReadAsync(http.Request, cancellationToken).ConfigureAwait(false);
        RestInferRequest decoded;
        using (body)
        {
            if (body is null)
            {
                decoded = new RestInferRequest(string.Empty, new Protocol.DecodedTensors(null, readRejection), []);
            }
            else
            {
                var jsonLength = BinaryHeaderLength.Read(http.Request.Headers[BinaryHeaderLength.HeaderName], body.Length, out var headerError);
                decoded = headerError is not null
                    ? new RestInferRequest(string.Empty, Protocol.DecodedTensors.Fail("bad_binary_data", headerError), [])
                    : RestInferDecoder.Decode(body.Span, limits, jsonLength);
            }
        }

        decoding.Request = decoded;

        if (decoded is { NotJson: true, Inputs.Rejection: { } bad })
        {
            // Not JSON (or not UTF-8) at all: a protocol violation, logged once per burst like malformed protobuf.
            services.GetRequiredService<MalformedRequests>().Refuse("rest", requestId, bad.Message);
        }

        return new InferenceRequest
        {
            RequestId = requestId,
            ModelName = name,
            ModelVersion = version,
            Inputs = decoded.Inputs.Tensors ?? [],
            DecodeRejection = decoded.Inputs.Rejection,
            CallerRequestId = decoded.Id,
            Protocol = "rest",
            RequestedOutputs = decoded.RequestedOutputs,
            Headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            ClientCertificate = http.Connection.ClientCertificate,
            RemoteAddress = http.Connection.RemoteIpAddress?.ToString(),
        };
    }

    /// <summary>Puts a fresh request id on the response and returns it.</summary>
    private static string Stamp(HttpContext http)
    {
        var requestId = RequestIds.New();
        http.Response.Headers[RejectionStatus.RequestIdHeader] = requestId;
        return requestId;
    }

    private static IResult Answer(HttpContext http, IResult result)
    {
        Stamp(http);
        return result;
    }

    /// <summary>The decoded body, kept for the answer's encoding (binary or JSON) once the pipeline has run.</summary>
    private sealed class DecodedBody
    {
        public RestInferRequest? Request { get; set; }
    }

    /// <summary>A 200 whose JSON body is written straight to the response by <paramref name="write"/>.</summary>
    private sealed class TritonJsonResult(Action<Utf8JsonWriter> write) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "application/json";
            var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter);
            await using (writer.ConfigureAwait(false))
            {
                write(writer);
                await writer.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
            }
        }
    }

    private sealed class RejectionResult(PipelineRejection rejection) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[RejectionStatus.ReasonHeader] = rejection.ReasonCode;
            if (RejectionStatus.RetryAfterSeconds(rejection) is { } seconds)
            {
                httpContext.Response.Headers.RetryAfter = seconds;
            }

            return Results.Json(new { error = RejectionStatus.Message(rejection) }, statusCode: RejectionStatus.ToHttp(rejection.Kind)).ExecuteAsync(httpContext);
        }
    }
}
