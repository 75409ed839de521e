using System.Numerics.Tensors;
using NeuralSec.RedTeam.Stream;

namespace NeuralSec.RedTeam.Tests.Live;

/// <summary>
/// The verifying attacker (<see cref="AttackSession.ClaimAsync"/> with verification) against a real sidecar whose
/// degraded answers are disguised: a claimed success that a degraded account answered is re-sent from another account,
/// the true label comes back, and the liar is dropped as burnt (its disguise grows as on a refusal as suspicious); a
/// wrong answer another account repeats stands. The degraded account is made so by queryCoverage with a budget of
/// three fresh queries; the clean accounts are in a client group whose policy watches nothing.
/// </summary>
public sealed class VerifyingAttackSessionTests(Fixture fixture) : IClassFixture<Fixture>, IAsyncLifetime
{
    private readonly Accounts _accounts = new(seed: 1);
    private AccountsSidecar? _sidecar;

    public async Task InitializeAsync()
    {
        _accounts.Add("liar");
        _accounts.Add("clean-1", "clean");
        _accounts.Add("clean-2", "clean");
        _sidecar = await AccountsSidecar.StartAsync("verify", new Dictionary<string, string>
        {
            ["mnist.yaml"] = Policy("watched", string.Empty, """
                  extraction:
                    cooldown: 600
                    detectors:
                      - type: queryCoverage
                        threshold: 3
                        action: degrade
                  output: { misinformBelow: 0.9, degradedAnswer: disguised }
                """),
            ["clean.yaml"] = Policy("clean", "  clientGroups: [clean]\n", string.Empty),
        }, _accounts);
    }

    public async Task DisposeAsync()
    {
        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_lie_a_clean_account_contradicts_drops_the_liar_and_a_repeated_wrong_answer_stands()
    {
        using var clock = new RunClock(TimeSpan.FromMinutes(2));
        var (oracle, unsure, label) = await DegradeTheLiarAsync(clock);
        var digits = fixture.Data.Evaluation;
        var disguise = OracleGuidedDisguise.Learning();
        var session = new AttackSession(oracle, new QueryLog(), clock, "verify", ["liar", "clean-1", "clean-2"], budget: 50, check: new ClaimCheck());

        // The liar answers first (round-robin from the first account): a wrong label, shaped like an ordinary answer.
        var lie = await session.QueryAsync(unsure);
        Assert.NotNull(lie);
        Assert.Equal("liar", lie.Account);
        Assert.NotEqual(label, lie.Label);
        Assert.False(lie.LooksDegraded, "a disguised degraded answer is not one-hot");

        Assert.False(await session.ClaimAsync(unsure, null, label, o => disguise.Observe(o)));
        Assert.Equal(1, session.Contradicted);
        Assert.Null(session.SucceededAt);
        Assert.Equal(0.75f, disguise.Magnitude);
        Assert.Equal(2, session.Sent);

        // The liar is gone: the next queries go to the clean accounts. A digit of another class is a wrong answer
        // that the other clean account repeats: the claim stands (no referee: every verified wrong answer succeeds).
        var other = Enumerable.Range(0, digits.Count).First(i => digits.Labels[i] != label);
        var wrong = await session.QueryAsync(digits.Image(other).ToArray());
        Assert.NotNull(wrong);
        Assert.StartsWith("clean-", wrong.Account, StringComparison.Ordinal);
        Assert.True(await session.ClaimAsync(digits.Image(other).ToArray(), null, label));
        Assert.Equal(4, session.SucceededAt);
        Assert.Equal(1, session.Contradicted);
    }

    [Fact]
    public async Task A_held_back_account_only_re_sends_claims_and_the_attack_goes_on_without_it()
    {
        using var clock = new RunClock(TimeSpan.FromMinutes(2));
        var (oracle, unsure, label) = await DegradeTheLiarAsync(clock);
        var digits = fixture.Data.Evaluation;
        var log = new QueryLog();
        var session = new AttackSession(oracle, log, clock, "holdback", ["liar", "clean-1", "clean-2"], budget: 50, check: new ClaimCheck(HeldBack: 1));

        await session.QueryAsync(unsure);
        Assert.False(await session.ClaimAsync(unsure, null, label));
        var other = Enumerable.Range(0, digits.Count).First(i => digits.Labels[i] != label);
        await session.QueryAsync(digits.Image(other).ToArray());
        Assert.True(await session.ClaimAsync(digits.Image(other).ToArray(), null, label));

        // The liar's claim is checked by the held-back account, the liar dropped; the next query goes to the one attack
        // account left, and its claim to the held-back account again.
        Assert.Equal(["liar", "clean-2", "clean-1", "clean-2"], log.Of("holdback").Select(o => o.Account));
        Assert.Equal(1, session.Contradicted);
    }

    /// <summary>Degrades the liar (fresh digits past queryCoverage's budget of 3) and finds an input the model is unsure of.</summary>
    private async Task<(InferenceOracle Oracle, float[] Unsure, int Label)> DegradeTheLiarAsync(RunClock clock)
    {
        var oracle = new InferenceOracle(_sidecar!.Process.Client, _accounts);
        for (var i = 0; i < 6; i++)
        {
            await oracle.QueryAsync("liar", fixture.Data.Evaluation.Image(i).ToArray(), clock.Token);
        }

        var (unsure, label) = await UnsureBlendAsync(oracle, clock.Token);
        return (oracle, unsure, label);
    }

    /// <summary>An even blend of two evaluation digits of different classes that the served model (asked by a clean
    /// account, full scores) is unsure of: top probability under 0.9. Returns it and the model's label for it.</summary>
    private async Task<(float[] Image, int Label)> UnsureBlendAsync(InferenceOracle oracle, CancellationToken cancellationToken)
    {
        var digits = fixture.Data.Evaluation;
        for (var i = 0; i + 50 < digits.Count; i++)
        {
            if (digits.Labels[i] == digits.Labels[i + 50])
            {
                continue;
            }

            var blend = digits.Image(i).ToArray().Zip(digits.Image(i + 50).ToArray(), (a, b) => (a + b) / 2).ToArray();
            var answer = await oracle.QueryAsync("clean-1", blend, cancellationToken);
            var p = new float[answer.Scores!.Length];
            TensorPrimitives.SoftMax(answer.Scores, p);
            if (TensorPrimitives.Max(p) < 0.9f)
            {
                return (blend, answer.Label);
            }
        }

        throw new InvalidOperationException("no unsure blend among the evaluation digits");
    }

    private static string Policy(string name, string groups, string body) => $$"""
        apiVersion: neuralsec.io/v1
        kind: FirewallPolicy
        metadata:
          name: {{name}}
        spec:
          models: [mnist]
        {{groups}}  input:
            image: { tensor: input, layout: NCHW, range: [0, 1] }
        {{body}}
        """;
}
