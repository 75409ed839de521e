using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Gateway.Tests.Monitoring;

namespace NeuralSec.Gateway.Tests.QueryStream;

/// <summary>
/// The answer a flag degrades, on a real sidecar over gRPC: queryCoverage's budget is spent by one query of a client
/// that was not degraded when it sent it, and that answer is degraded (label-only). Another client's byte-for-byte
/// copy of that very query is answered degraded too, as copies of the client's later sends are — so the query that
/// tripped the flag cannot be checked from a clean account — while its earlier, undegraded sends keep full answers.
/// </summary>
public sealed class DegradingFlagCopyTests : IAsyncLifetime
{
    private SybilStream _sybils = null!;

    public async Task InitializeAsync() => _sybils = await SybilStream.StartAsync("coverage-copy", """
          models: [mnist]
          input:
            image: { tensor: input, layout: NCHW, range: [0, 1] }
          extraction:
            cooldown: 600
            detectors:
              - type: nearDuplicate
                threshold: 25
                matches: 3
                action: block
              - type: queryCoverage
                threshold: 3
                action: degrade

        """);

    public async Task DisposeAsync() => await _sybils.DisposeAsync();

    [Fact]
    public async Task A_copy_of_the_query_whose_answer_a_flag_degraded_is_answered_degraded_and_an_earlier_one_is_not()
    {
        // Fresh digits from one account until queryCoverage's budget of 3 is spent: that answer is label-only.
        int? tripped = null;
        for (var digit = 100; digit < 130 && tripped is null; digit++)
        {
            if (LabelOnly(await _sybils.ScoresAsync("sybil-0", TestDigits.Image(digit))))
            {
                tripped = digit;
            }
        }

        Assert.NotNull(tripped);
        Assert.True(tripped > 100, "the first query is within the budget");

        var exactBefore = await CounterAsync("neuralsec_degraded_copies_total{kind=\"exact\"}");
        Assert.True(LabelOnly(await _sybils.ScoresAsync("bystander", TestDigits.Image(tripped.Value))), "the copy of the tripping query is answered as it was");
        Assert.True(await CounterAsync("neuralsec_degraded_copies_total{kind=\"exact\"}") > exactBefore);

        // Sent before the flag, answered in full then: a copy of it is answered in full now.
        Assert.False(LabelOnly(await _sybils.ScoresAsync("bystander-2", TestDigits.Image(100))));
        // And the copy sanctioned nothing.
        Assert.False(LabelOnly(await _sybils.ScoresAsync("bystander", TestDigits.Image(900))));
    }

    private static bool LabelOnly(float[] scores) => scores.Count(s => s == 1f) == 1 && scores.Count(s => s == 0f) == scores.Length - 1;

    private async Task<double> CounterAsync(string series)
    {
        var text = await _sybils.Server.Metrics.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return PrometheusScrape.CounterValue(text, series);
    }
}
