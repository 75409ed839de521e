using Google.Protobuf;
using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Gateway.Tests.Tracing.Otlp;

namespace NeuralSec.Gateway.Tests.Tracing;

/// <summary>
/// Traces as a platform team sees them: the built sidecar, its own process, with <c>NeuralSec:Tracing</c> on, exports
/// over OTLP/HTTP to a real receiver; a request that arrives with a W3C <c>traceparent</c> shows up in that trace as
/// the sidecar's server span, its <c>neuralsec.infer</c> span, and one span per pipeline stage beneath it. (A separate
/// process, as in a pod: in this one, the test's own gRPC client would be traced too and rewrite the header.)
/// </summary>
public sealed class PipelineTracingTests(PipelineTracingTests.TracedSidecar traced) : IClassFixture<PipelineTracingTests.TracedSidecar>
{
    private static readonly string[] AnsweredStages =
    [
        "neuralsec.stage.identity", "neuralsec.stage.policy", "neuralsec.stage.validate", "neuralsec.stage.limit",
        "neuralsec.stage.preprocess", "neuralsec.stage.detect", "neuralsec.stage.decide", "neuralsec.stage.forward",
        "neuralsec.stage.observe", "neuralsec.stage.harden", "neuralsec.stage.alert",
    ];

    [Fact]
    public async Task A_traced_request_has_a_span_per_stage_under_the_callers_trace()
    {
        var (collector, client) = (traced.Collector, traced.Client);
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

        var answered = await client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(0)), TraceParent(traceId, "00f067aa0ba902b7"));
        Assert.Equal(10, InferRequests.Logits(answered).Length);

        var spans = await SpansOfTrace(collector, traceId, expected: 2 + AnsweredStages.Length);
        var infer = Assert.Single(spans, s => s.Name == "neuralsec.infer");
        var serverSpan = Assert.Single(spans, s => s.SpanId == infer.ParentSpanId);
        Assert.Equal("00f067aa0ba902b7", Convert.ToHexStringLower(serverSpan.ParentSpanId.ToByteArray()));
        Assert.Equal("mnist", Attribute(infer, "neuralsec.model"));
        Assert.Equal("ok", Attribute(infer, "neuralsec.outcome"));
        Assert.StartsWith("passthrough@", Attribute(infer, "neuralsec.policy"), StringComparison.Ordinal);

        var stages = spans.Where(s => s.ParentSpanId == infer.SpanId).Select(s => s.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(AnsweredStages.Order(StringComparer.Ordinal), stages);
    }

    [Fact]
    public async Task A_refused_request_carries_its_outcome_and_reason_and_stops_before_the_model()
    {
        var (collector, client) = (traced.Collector, traced.Client);
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var request = InferRequests.Raw(TestDigits.Image(0));
        request.Inputs[0].Shape[1] = 3;

        await Assert.ThrowsAsync<RpcException>(async () => await client.ModelInferAsync(request, TraceParent(traceId, "00f067aa0ba902b8")));

        // 3 channels of raw bytes sent for 1: refused at the door; only the stages that see every outcome (observe, alert) run.
        var spans = await SpansOfTrace(collector, traceId, expected: 4);
        var infer = Assert.Single(spans, s => s.Name == "neuralsec.infer");
        Assert.Equal("invalid", Attribute(infer, "neuralsec.outcome"));
        Assert.Equal("raw_size_mismatch", Attribute(infer, "neuralsec.reason"));
        Assert.Contains(spans, s => s.Name == "neuralsec.stage.alert" && s.ParentSpanId == infer.SpanId);
        Assert.DoesNotContain(spans, s => s.Name == "neuralsec.stage.forward");
    }

    /// <summary>One receiver and one traced sidecar for the class: each test's spans are told apart by its own
    /// trace id.</summary>
    public sealed class TracedSidecar : IAsyncLifetime
    {
        private ChildGateway? _sidecar;
        private Grpc.Net.Client.GrpcChannel? _channel;

        internal OtlpCollector Collector { get; private set; } = null!;

        internal NeuralSec.Protocol.Inference.GRPCInferenceService.GRPCInferenceServiceClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Collector = await OtlpCollector.StartAsync();
            _sidecar = await ChildGateway.StartAsync(
                "--NeuralSec:Tracing:Enabled=true",
                "--NeuralSec:Tracing:Protocol=HttpProtobuf",
                $"--NeuralSec:Tracing:OtlpEndpoint={Collector.TracesEndpoint}",
                "--NeuralSec:Tracing:ExportInterval=00:00:00.100");
            _channel = Grpc.Net.Client.GrpcChannel.ForAddress(_sidecar.Grpc);
            Client = new NeuralSec.Protocol.Inference.GRPCInferenceService.GRPCInferenceServiceClient(_channel);
            await Wait.Until(async () => (await Client.ServerReadyAsync(new NeuralSec.Protocol.Inference.ServerReadyRequest())).Ready, "the sidecar ready", TimeSpan.FromSeconds(60));
        }

        public async Task DisposeAsync()
        {
            _channel?.Dispose();
            if (_sidecar is not null)
            {
                await _sidecar.DisposeAsync();
            }

            await Collector.DisposeAsync();
        }
    }

    private static Metadata TraceParent(string traceId, string parentSpanId) => new() { { "traceparent", $"00-{traceId}-{parentSpanId}-01" } };

    /// <summary>The spans of one trace, once at least <paramref name="expected"/> of them arrived (other tests'
    /// gateways in this process may export into the same receiver; their traces are other traces).</summary>
    private static async Task<List<Span>> SpansOfTrace(OtlpCollector collector, string traceId, int expected)
    {
        var id = ByteString.CopyFrom(Convert.FromHexString(traceId));
        try
        {
            await Wait.Until(() => collector.Spans.Count(s => s.TraceId == id) >= expected, $"{expected} spans of trace {traceId}", TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException ex)
        {
            var seen = string.Join(", ", collector.Spans.Select(s => $"{s.Name} ({Convert.ToHexStringLower(s.TraceId.ToByteArray())})"));
            throw new TimeoutException($"{ex.Message}; the receiver has {collector.Spans.Count}: {seen}", ex);
        }

        return collector.Spans.Where(s => s.TraceId == id).ToList();
    }

    private static string? Attribute(Span span, string key) => span.Attributes.FirstOrDefault(a => a.Key == key)?.Value.StringValue;
}
