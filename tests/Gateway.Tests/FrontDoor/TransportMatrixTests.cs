using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Gateway.Tests.Upstream;

namespace NeuralSec.Gateway.Tests.FrontDoor;

/// <summary>
/// One table of refusals, each sent over gRPC and over REST: both transports go through the same front door, so
/// each case must come back with its status in either transport's terms, the same reason code, the same message,
/// a request id, and a retry-after where it applies.
/// </summary>
[Collection(UpstreamMetricsCollection.Name)]
public sealed class TransportMatrixTests(TransportMatrixFixture fixture) : IClassFixture<TransportMatrixFixture>
{
    private static readonly float[] Digit = TestDigits.Image(0);
    private static readonly long[] DigitShape = [1, 1, 28, 28];

    public static TheoryData<string> Cases => new(Table.Keys);

    private static readonly Dictionary<string, MatrixCase> Table = new()
    {
        ["bad input: wrong shape"] = new(Target.Embedded, TransportCall.Infer("mnist", Digit[..783], [1, 1, 27, 29]), StatusCode.InvalidArgument, 400, "wrong_shape"),
        ["bad input: out of range"] = new(Target.Embedded, TransportCall.Infer("mnist", [.. Digit[..783], 5f], DigitShape), StatusCode.InvalidArgument, 400, "out_of_range"),
        ["bad input: unknown tensor"] = new(Target.Embedded, TransportCall.Infer("mnist", Digit, DigitShape, tensor: "pixels"), StatusCode.InvalidArgument, 400, "unknown_input"),
        ["bad input: over-long model name"] = new(Target.Embedded, TransportCall.Infer(new string('m', 300), Digit, DigitShape), StatusCode.InvalidArgument, 400, "bad_model_name"),
        ["bad input: over-long model name (metadata)"] = new(Target.Embedded, TransportCall.Metadata(new string('m', 300)), StatusCode.InvalidArgument, 400, "bad_model_name"),
        ["unknown model"] = new(Target.Embedded, TransportCall.Infer("nope", Digit, DigitShape), StatusCode.NotFound, 404, "model_not_found"),
        ["unknown version"] = new(Target.Embedded, TransportCall.Infer("mnist", Digit, DigitShape, version: "9"), StatusCode.NotFound, 404, "model_not_found"),
        ["unknown model (metadata)"] = new(Target.Embedded, TransportCall.Metadata("nope"), StatusCode.NotFound, 404, "model_not_found"),
        ["unknown version (metadata)"] = new(Target.Embedded, TransportCall.Metadata("mnist", "9"), StatusCode.NotFound, 404, "model_not_found"),
        ["wrong API key"] = new(Target.Embedded, TransportCall.Infer("mnist", Digit, DigitShape, apiKey: "not-a-key"), StatusCode.Unauthenticated, 401, "invalid_api_key"),
        ["throttled"] = new(Target.Embedded, TransportCall.Infer("mnist", Digit, DigitShape, apiKey: TransportMatrixFixture.ThrottledKey), StatusCode.ResourceExhausted, 429, "rate_limited")
        {
            // The tenant's budget is one request, spent here; the refill takes 1,000 s, so the matrix's own calls
            // are all refused whatever ran first.
            Arrange = async f => await TransportCall.Infer("mnist", Digit, DigitShape, apiKey: TransportMatrixFixture.ThrottledKey).OverGrpcAsync(f.Embedded),
            RetryAfter = true,
        },
        ["blocked by the input detectors"] = new(Target.Embedded, TransportCall.Infer("mnist", Noise(), DigitShape), StatusCode.PermissionDenied, 403, "suspicious_input"),
        ["upstream down"] = new(Target.Upstream, TransportCall.Infer(FakeInferenceService.ModelName, [1, 2, 3, 4], [1, 4], tensor: "x"), StatusCode.Unavailable, 503, "backend_unavailable")
        {
            Arrange = f => Task.Run(() => f.Upstream.Behavior.FailNext(1000, StatusCode.Unavailable)),
        },
        ["upstream down (metadata)"] = new(Target.Upstream, TransportCall.Metadata(FakeInferenceService.ModelName, "7"), StatusCode.Unavailable, 503, "backend_unavailable")
        {
            Arrange = f => Task.Run(() => f.Upstream.Behavior.FailNext(1000, StatusCode.Unavailable)),
        },
        ["upstream slow"] = new(Target.Upstream, TransportCall.Infer(FakeInferenceService.ModelName, [1, 2, 3, 4], [1, 4], tensor: "x"), StatusCode.DeadlineExceeded, 504, "backend_timeout")
        {
            Arrange = f => Task.Run(() => f.Upstream.Behavior.Delay = TimeSpan.FromSeconds(30)),
        },
        ["upstream hung (metadata)"] = new(Target.Upstream, TransportCall.Metadata(FakeInferenceService.ModelName, "8"), StatusCode.DeadlineExceeded, 504, "backend_timeout")
        {
            Arrange = f => Task.Run(f.Upstream.Behavior.Hang),
        },
    };

    private enum Target
    {
        Embedded,
        Upstream,
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_refusal_reads_the_same_over_gRPC_and_REST(string name)
    {
        var row = Table[name];
        var server = row.Target == Target.Embedded ? fixture.Embedded : fixture.Sidecar;
        TransportOutcome grpc, rest;
        try
        {
            if (row.Arrange is not null)
            {
                await row.Arrange(fixture);
            }

            grpc = await row.Call.OverGrpcAsync(server);
            rest = await row.Call.OverRestAsync(server);
        }
        finally
        {
            var behavior = fixture.Upstream.Behavior;
            behavior.Heal();
            behavior.Delay = TimeSpan.Zero;
            behavior.Release();
        }

        Assert.Equal(((int)row.Grpc, row.Reason), (grpc.Status, grpc.Reason));
        Assert.Equal((row.Http, row.Reason), (rest.Status, rest.Reason));
        Assert.Equal(grpc.Message, rest.Message);
        Assert.False(string.IsNullOrEmpty(grpc.Message));
        Assert.Matches("^[0-9a-f]{32}$", grpc.RequestId);
        Assert.Matches("^[0-9a-f]{32}$", rest.RequestId);
        Assert.Equal(row.RetryAfter, grpc.RetryAfter is not null);
        Assert.Equal(grpc.RetryAfter, rest.RetryAfter);
    }

    [Fact]
    public async Task Every_answer_carries_a_request_id_on_both_transports()
    {
        var grpc = await TransportCall.Metadata("mnist").OverGrpcAsync(fixture.Embedded);
        var rest = await TransportCall.Metadata("mnist").OverRestAsync(fixture.Embedded);

        Assert.Equal(((int)StatusCode.OK, 200), (grpc.Status, rest.Status));
        Assert.Matches("^[0-9a-f]{32}$", grpc.RequestId);
        Assert.Matches("^[0-9a-f]{32}$", rest.RequestId);
    }

    [Fact]
    public async Task A_missing_upstream_model_is_not_ready_on_both_transports_rather_than_an_error()
    {
        fixture.Upstream.Behavior.FailNext(1000, StatusCode.Unavailable);
        try
        {
            var grpc = await fixture.Sidecar.Client.ModelReadyAsync(new NeuralSec.Protocol.Inference.ModelReadyRequest { Name = "nope" });
            using var rest = await fixture.Sidecar.Http.GetAsync(new Uri("/v2/models/nope/ready", UriKind.Relative));

            Assert.False(grpc.Ready);
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, rest.StatusCode);
        }
        finally
        {
            fixture.Upstream.Behavior.Heal();
        }
    }

    private static float[] Noise()
    {
        var random = new Random(7);
        return Enumerable.Range(0, 784).Select(_ => random.NextSingle()).ToArray();
    }

    private sealed record MatrixCase(Target Target, TransportCall Call, StatusCode Grpc, int Http, string Reason)
    {
        public Func<TransportMatrixFixture, Task>? Arrange { get; init; }

        public bool RetryAfter { get; init; }
    }
}
