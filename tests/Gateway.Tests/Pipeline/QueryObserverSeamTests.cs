using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using NeuralSec.Gateway.Decisions;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Gateway.QueryStream;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Tests.Pipeline;

/// <summary>
/// The seam stream defenses plug into: an <see cref="IQueryObserver"/> registered in DI sees every answered query
/// with the model's outputs and the accepted client, can shape the current answer (degrade), and a failing
/// observer falls under the policy's onError rule.
/// </summary>
public sealed class QueryObserverSeamTests
{
    [Fact]
    public async Task An_observer_sees_answered_queries_and_its_degrade_shapes_the_current_answer()
    {
        // Label-only degraded answers (the default degradedAnswer), so the shaping shows on any digit.
        using var policies = new PolicyFolder();
        policies.Write("mnist.yaml", PolicyFolder.Policy("seam", """
              models: [mnist]
            """));
        var observer = new RecordingObserver();
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["NeuralSec:Policies:Directory"] = policies.Path }, services: s => s.AddSingleton<IQueryObserver>(observer));

        var plain = await server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(0)));
        observer.DegradeNext = true;
        var degraded = await server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(0)));

        Assert.Equal(2, observer.Seen.Count);
        Assert.All(observer.Seen, q => Assert.Equal(("anonymous@127.0.0.1", "mnist", 10), q));
        var logits = InferRequests.Logits(degraded);
        Assert.Equal(9, logits.Count(v => v == 0f));
        Assert.Equal(InferRequests.ArgMax(InferRequests.Logits(plain)), InferRequests.ArgMax(logits));
        Assert.Equal(1f, logits.Max());
    }

    [Fact]
    public async Task An_observer_that_throws_follows_the_policy_error_rule()
    {
        var observer = new RecordingObserver { Throw = true };
        await using var server = await GatewayServer.StartAsync(services: s => s.AddSingleton<IQueryObserver>(observer));

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(0))).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Equal("defense_error", ex.Trailers.GetValue("x-neuralsec-reason"));
    }

    private sealed class RecordingObserver : IQueryObserver
    {
        public List<(string Client, string Model, int Classes)> Seen { get; } = [];

        public bool DegradeNext { get; set; }

        public bool Throw { get; set; }

        public string Name => "recording";

        public ValueTask ObserveAsync(AnsweredQuery query, CancellationToken cancellationToken)
        {
            if (Throw)
            {
                throw new InvalidOperationException("observer failed");
            }

            lock (Seen)
            {
                Seen.Add((query.ClientId, query.ModelName, (int)query.Outputs[0].Shape[1]));
            }

            if (DegradeNext)
            {
                query.Report(new Verdict(PipelineStageId.Observe, Name, Flagged: true, DefenseAction.Degrade), ReasonCodes.SuspiciousInput, "degraded");
            }

            return ValueTask.CompletedTask;
        }
    }
}
