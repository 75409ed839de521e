using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Gateway.Tests.Monitoring;

namespace NeuralSec.Gateway.Tests.QueryStream;

/// <summary>
/// <c>spec.extraction.linkedClients</c> on a real sidecar over gRPC: when a SimBA-shaped stream spread over several
/// accounts is flagged by the near-duplicate index, the flagged account is blocked and the other accounts its alert
/// names as the senders of the near-duplicates are degraded (label-only answers) for the cooldown — one actor
/// sanctioned as one; a client the evidence does not name keeps its full answers, except for an exact repeat of an
/// image a degraded account sent first, which is answered as that was; the alert counts the linked clients and the
/// metric counts them by action.
/// </summary>
public sealed class LinkedClientsTests : IAsyncLifetime
{
    private SybilStream _sybils = null!;

    public async Task InitializeAsync() => _sybils = await SybilStream.StartAsync("linked", SybilStream.LinkedPolicy);

    public async Task DisposeAsync() => await _sybils.DisposeAsync();

    [Fact]
    public async Task The_accounts_a_near_duplicate_flag_names_are_degraded_with_the_flagged_one_and_a_bystander_is_not()
    {
        var sanctionedBefore = await LinkedSanctionsAsync();

        // The bystander's ordinary traffic first: its digits are not near-duplicates of the attack's.
        await _sybils.ScoresAsync("bystander", TestDigits.Image(900));

        var (_, blocked, linked, measure) = await _sybils.RunUntilFlaggedAsync();
        Assert.NotEmpty(linked);
        Assert.Equal(linked.Count, measure);

        // Each linked account now gets label-only answers, even for an ordinary digit; the flagged one is refused.
        foreach (var account in linked)
        {
            var scores = await _sybils.ScoresAsync(account, TestDigits.Image(500));
            Assert.Equal(1, scores.Count(s => s == 1f));
            Assert.Equal(scores.Length - 1, scores.Count(s => s == 0f));
        }

        var next = await Assert.ThrowsAsync<RpcException>(() => _sybils.ScoresAsync(blocked, TestDigits.Image(500)));
        Assert.Equal(StatusCode.PermissionDenied, next.StatusCode);

        var bystander = await _sybils.ScoresAsync("bystander", TestDigits.Image(501));
        Assert.True(bystander.Any(s => s is not (0f or 1f)), "the bystander keeps its full scores");

        // Byte for byte what a degraded account sent first: answered as that was (label-only), that answer only — a
        // clean account cannot check a degraded answer by asking again, and is not sanctioned for it.
        var repeatsBefore = await CounterAsync("neuralsec_degraded_copies_total{kind=\"exact\"}");
        var repeat = await _sybils.ScoresAsync("bystander", TestDigits.Image(500));
        Assert.Equal(1, repeat.Count(s => s == 1f));
        Assert.Equal(repeat.Length - 1, repeat.Count(s => s == 0f));
        Assert.True(await CounterAsync("neuralsec_degraded_copies_total{kind=\"exact\"}") > repeatsBefore);
        var after = await _sybils.ScoresAsync("bystander", TestDigits.Image(502));
        Assert.True(after.Any(s => s is not (0f or 1f)), "the repeat sanctioned nothing");

        // Nor by re-sending it moved by a grey level here and there: a near copy of a degraded send (one match, which
        // does not flag on its own) is answered degraded too.
        var nearBefore = await CounterAsync("neuralsec_degraded_copies_total{kind=\"near\"}");
        var moved = TestDigits.Image(500);
        for (var i = 200; i < 600; i += 50)
        {
            moved[i] = Math.Clamp(moved[i] + (1f / 255), 0f, 1f);
        }

        var near = await _sybils.ScoresAsync("bystander", moved);
        Assert.Equal(1, near.Count(s => s == 1f));
        Assert.Equal(near.Length - 1, near.Count(s => s == 0f));
        Assert.True(await CounterAsync("neuralsec_degraded_copies_total{kind=\"near\"}") > nearBefore);

        // And a byte-for-byte repeat of that near copy, from yet another client, is answered as it was.
        Assert.Equal(near, await _sybils.ScoresAsync("bystander-2", moved));
        Assert.True((await _sybils.ScoresAsync("bystander", TestDigits.Image(503))).Any(s => s is not (0f or 1f)), "the near copy sanctioned nothing");

        // Process-wide series: other tests' sidecars may add to it, so at least these.
        Assert.True(await LinkedSanctionsAsync() - sanctionedBefore >= linked.Count);
    }

    private Task<double> LinkedSanctionsAsync() => CounterAsync("neuralsec_linked_client_sanctions_total{action=\"degrade\"}");

    private async Task<double> CounterAsync(string series)
    {
        var text = await _sybils.Server.Metrics.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return PrometheusScrape.CounterValue(text, series);
    }
}
