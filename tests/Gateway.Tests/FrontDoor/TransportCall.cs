using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.FrontDoor;

/// <summary>One call described once and sent over either transport: ModelInfer / <c>POST …/infer</c> or
/// ModelMetadata / <c>GET /v2/models/…</c>, with an optional API key.</summary>
internal sealed record TransportCall(string Operation, string Model, string? Version = null, string Tensor = "input", long[]? Shape = null, float[]? Data = null, string? ApiKey = null)
{
    public static TransportCall Infer(string model, float[] data, long[] shape, string? version = null, string tensor = "input", string? apiKey = null) =>
        new("infer", model, version, tensor, shape, data, apiKey);

    public static TransportCall Metadata(string model, string? version = null) => new("metadata", model, version);

    public async Task<TransportOutcome> OverGrpcAsync(GatewayServer server)
    {
        var headers = new Metadata();
        if (ApiKey is not null)
        {
            headers.Add("x-api-key", ApiKey);
        }

        try
        {
            if (Operation == "metadata")
            {
                using var metadataCall = server.Client.ModelMetadataAsync(new ModelMetadataRequest { Name = Model, Version = Version ?? string.Empty }, headers);
                await metadataCall.ResponseAsync;
                return TransportOutcome.FromTrailers(StatusCode.OK, string.Empty, metadataCall.GetTrailers());
            }

            var request = new ModelInferRequest { ModelName = Model, ModelVersion = Version ?? string.Empty, Id = "matrix" };
            var input = new ModelInferRequest.Types.InferInputTensor { Name = Tensor, Datatype = "FP32" };
            input.Shape.AddRange(Shape!);
            request.Inputs.Add(input);
            request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(Data!.AsSpan())));
            using var call = server.Client.ModelInferAsync(request, headers);
            await call.ResponseAsync;
            return TransportOutcome.FromTrailers(StatusCode.OK, string.Empty, call.GetTrailers());
        }
        catch (RpcException ex)
        {
            return TransportOutcome.FromTrailers(ex.StatusCode, ex.Status.Detail, ex.Trailers);
        }
    }

    public async Task<TransportOutcome> OverRestAsync(GatewayServer server)
    {
        var path = "/v2/models/" + Uri.EscapeDataString(Model) + (Version is null ? string.Empty : "/versions/" + Uri.EscapeDataString(Version));
        using var message = Operation == "metadata"
            ? new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative))
            : new HttpRequestMessage(HttpMethod.Post, new Uri(path + "/infer", UriKind.Relative))
            {
                Content = JsonContent.Create(new
                {
                    id = "matrix",
                    inputs = new[] { new { name = Tensor, datatype = "FP32", shape = Shape, data = Data } },
                }),
            };
        if (ApiKey is not null)
        {
            message.Headers.Add("x-api-key", ApiKey);
        }

        using var response = await server.Http.SendAsync(message);
        var body = await response.Content.ReadAsStringAsync();
        var error = string.Empty;
        if (!response.IsSuccessStatusCode && body.Length > 0)
        {
            using var json = JsonDocument.Parse(body);
            error = json.RootElement.GetProperty("error").GetString() ?? string.Empty;
        }

        return new TransportOutcome(
            (int)response.StatusCode,
            Header(response, "x-neuralsec-reason"),
            Header(response, "x-neuralsec-request-id"),
            error,
            response.Headers.RetryAfter?.Delta is { } delta ? ((int)delta.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

/// <summary>What came back: the status (gRPC code or HTTP status), reason, request id, message, retry-after.</summary>
internal sealed record TransportOutcome(int Status, string? Reason, string? RequestId, string Message, string? RetryAfter)
{
    public static TransportOutcome FromTrailers(StatusCode status, string detail, Metadata trailers) =>
        new((int)status, trailers.GetValue("x-neuralsec-reason"), trailers.GetValue("x-neuralsec-request-id"), detail, trailers.GetValue("retry-after"));
}
