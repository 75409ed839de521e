using NeuralSec.RedTeam.Stream;

namespace NeuralSec.RedTeam.Tests.Live;

/// <summary>
/// The OARS-style adaptive HopSkipJump (<see cref="DisguisedHopSkipJumpAttack"/>) against a real sidecar whose policy
/// watches nothing: every query disguised, its accounts used in turn, it still finds a wrong label within L2 3 of
/// the digit — the attack works, so a defense that stops it in the stream simulation is what stops it.
/// </summary>
public sealed class DisguisedHopSkipJumpTests(Fixture fixture) : IClassFixture<Fixture>, IAsyncLifetime
{
    private const int Budget = 3_000;

    private readonly Accounts _accounts = new(seed: 1);
    private AccountsSidecar? _sidecar;

    public async Task InitializeAsync()
    {
        for (var a = 0; a < 4; a++)
        {
            _accounts.Add($"hsj-{a}");
        }

        _sidecar = await AccountsSidecar.StartAsync("hsj", new Dictionary<string, string>
        {
            ["mnist.yaml"] = """
                apiVersion: neuralsec.io/v1
                kind: FirewallPolicy
                metadata:
                  name: undefended
                spec:
                  models: [mnist]
                  input:
                    image: { tensor: input, layout: NCHW, range: [0, 1] }
                """,
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
    public async Task Disguised_over_four_accounts_it_finds_a_wrong_label_within_the_L2_budget_of_an_undefended_model()
    {
        using var clock = new RunClock(TimeSpan.FromMinutes(2));
        var oracle = new InferenceOracle(_sidecar!.Process.Client, _accounts);
        var log = new QueryLog();
        var digits = fixture.Data.Evaluation;
        var original = digits.Image(0).ToArray();
        var session = new AttackSession(oracle, log, clock, "hsj", [.. _accounts.Names], Budget);
        var disguise = OracleGuidedDisguise.Fixed(QueryTransform.UprightAware.Scaled(0.5f));

        var l2 = await DisguisedHopSkipJumpAttack.RunAsync(session, original, digits, new Random(7), disguise);

        Assert.True(session.SucceededAt is not null, $"no success in {session.Sent} queries; ended at L2 {l2}");
        Assert.InRange(l2, 0, 12); // the boundary point it ended on, closer than a natural digit of another class
        var sent = log.Of("hsj");
        Assert.Equal(session.Sent, sent.Count);
        Assert.All(sent, o => Assert.True(o.Answered, o.Reason)); // nothing refuses here
        // Round-robin: each of the four accounts sent a quarter of the queries.
        Assert.All(sent.GroupBy(o => o.Account), g => Assert.InRange(g.Count(), (sent.Count / 4) - 1, (sent.Count / 4) + 1));
        Assert.Equal(4, sent.Select(o => o.Account).Distinct().Count());
    }
}
