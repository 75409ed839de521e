using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.Defenses;

/// <summary>
/// The shipped policy answers from the bit-depth-1 view and feature squeezing runs that view in its own batch: a
/// request runs the served model once (the detector's batch of the digit and its two squeezed views), not twice —
/// counted by the embedded backend's own statistics — and the answer is the one the model gives the purified digit.
/// </summary>
public sealed class AnswerReuseOnShippedPolicyTests : IAsyncLifetime
{
    private readonly PolicyFolder _purifyOnly = new PolicyFolder().Write("mnist.yaml", PolicyFolder.Policy("purify-only", """
          models: [mnist]
          input:
            image: { tensor: input, layout: NCHW, range: [0, 1] }
          preprocess:
            - { type: bitDepth, bits: 1 }
          output: { topK: 1, decimals: 2 }
        """));

    private GatewayServer _server = null!;
    private GatewayServer _reference = null!;

    public async Task InitializeAsync()
    {
        _server = await GatewayServer.StartAsync();
        _reference = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["NeuralSec:Policies:Directory"] = _purifyOnly.Path });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _reference.DisposeAsync();
        _purifyOnly.Dispose();
    }

    [Fact]
    public async Task A_defended_request_runs_the_served_model_once()
    {
        var before = await StatisticsAsync();
        var answers = new List<ModelInferResponse>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await _server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(i))));
        }

        var after = await StatisticsAsync();
        Assert.Equal(before.ExecutionCount + 5, after.ExecutionCount);
        Assert.Equal(before.InferenceCount + (5 * 3), after.InferenceCount);

        // The answer is the model's to the purified digit: a sidecar that only purifies (and so asks the model)
        // answers the same.
        for (var i = 0; i < 5; i++)
        {
            var reference = await _reference.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(i)));
            Assert.Equal(reference.RawOutputContents[0], answers[i].RawOutputContents[0]);
            Assert.Equal(reference.Outputs[0].Shape, answers[i].Outputs[0].Shape);
        }
    }

    private async Task<ModelStatistics> StatisticsAsync() =>
        Assert.Single((await _server.Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "mnist" })).ModelStats);
}
