using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Gateway.Tests.Monitoring;
using NeuralSec.Tests.Shared;

namespace NeuralSec.Gateway.Tests.QueryStream;

/// <summary>
/// <c>nearDuplicate</c> with the shipped <c>view: upright</c> and <c>matches: M</c> on a real sidecar over gRPC: copies of
/// one digit that each account shifts, turns, rescales and brightens differently (the OARS disguise and the rotation an
/// attacker who knows a centred view adds; neither the pixels nor the aligned view sees them) are near-duplicates on the
/// upright view, and once M of them are on record, from whichever accounts, the next one is refused; a client re-sending
/// a picture fewer than M times, as a camera does, is answered every time.
/// </summary>
public sealed class UprightNearDuplicateTests : IAsyncLifetime
{
    private const int Matches = 3;

    // The salt is this process's random secret, so shared hashes vary from start to start. Measured over 200 salts: the
    // turned copies of digit 21 share at least 24 hashes with each other (median 35), distinct pictures of the camera
    // test at most 16 (50 salts), and the aligned view gives the turned copies at most 7. 20 sits between.
    private const int Accounts = 8;
    private readonly PolicyFolder _policies = new();
    private readonly ApiKeysFile _keys = new();
    private GatewayServer _server = null!;

    public async Task InitializeAsync()
    {
        _policies.Write("mnist.yaml", PolicyFolder.Policy("upright", $$"""
              models: [mnist]
              mode: enforce
              input:
                image: { tensor: input, layout: NCHW, range: [0, 1] }
              extraction:
                window: 3600
                cooldown: 600
                detectors:
                  - type: nearDuplicate
                    threshold: 20
                    view: upright
                    quantization: 80
                    window: 10
                    matches: {{Matches}}
                    action: block
            """));
        await _keys.WriteAsync(Enumerable.Range(0, Accounts).Select(i => ($"acct-{i}", "", $"key-{i}")));
        _server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = _policies.Path,
            ["NeuralSec:Identity:ApiKeysFile"] = _keys.Path,
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _policies.Dispose();
        _keys.Dispose();
    }

    [Fact]
    public async Task Turned_shifted_copies_from_different_accounts_are_refused_once_M_are_on_record()
    {
        var digit = TestDigits.Image(21);
        for (var copy = 0; copy < Matches; copy++)
        {
            // A different account, turn, size, 1-pixel shift and brightness each time: no exact repeat, no pixels match.
            await _server.Client.ModelInferAsync(InferRequests.Raw(Disguise(digit, copy)), Key(copy)).ResponseAsync;
        }

        var refusal = await Assert.ThrowsAsync<RpcException>(() => _server.Client.ModelInferAsync(InferRequests.Raw(Disguise(digit, Matches)), Key(Matches)).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refusal.StatusCode);
        Assert.Equal("suspicious_activity", refusal.Trailers.GetValue("x-neuralsec-reason"));

        var alert = await _server.AlertForAsync(refusal.Trailers.GetValue("x-neuralsec-request-id")!);
        var related = alert.GetProperty("unmapped").GetProperty("neuralsec").GetProperty("detectors").EnumerateArray()
            .Single(d => d.GetProperty("name").GetString() == "nearDuplicate").GetProperty("related").EnumerateArray()
            .Select(r => r.GetProperty("client_id").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "acct-0", "acct-1", "acct-2" }, related); // the earlier accounts, as evidence
    }

    [Fact]
    public async Task A_camera_re_sending_a_picture_fewer_than_M_times_is_answered()
    {
        var timedBefore = await NearDuplicateTimingsAsync();
        for (var picture = 0; picture < 20; picture++)
        {
            var digit = TestDigits.Image(600 + picture);
            for (var copy = 0; copy < Matches; copy++)
            {
                await _server.Client.ModelInferAsync(InferRequests.Raw(Disguise(digit, copy)), Key(Accounts - 1)).ResponseAsync;
            }
        }

        // Each answered query's near-duplicate work is timed in the observe stage's per-detector series (process-wide,
        // so other tests' sidecars may add to it: at least these 60).
        Assert.True(await NearDuplicateTimingsAsync() - timedBefore >= 20 * Matches);
    }

    private async Task<double> NearDuplicateTimingsAsync()
    {
        var text = await _server.Metrics.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return PrometheusScrape.CounterValue(text, "neuralsec_detector_duration_seconds_count{stage=\"observe\",detector=\"nearDuplicate\"}");
    }

    /// <summary>Copy <paramref name="n"/>: turned by ±(4 + 2 n)°, rescaled ×(0.94 + 0.03 n), shifted by one pixel in a
    /// direction of its own, brightness ×(0.9 + 0.05 n), clamped.</summary>
    private static float[] Disguise(float[] digit, int n)
    {
        (int Dx, int Dy)[] shifts = [(1, 0), (0, 1), (-1, 0), (0, -1), (1, 1), (-1, -1)];
        var (dx, dy) = shifts[n % shifts.Length];
        var turn = (n % 2 == 0 ? 1 : -1) * (4 + (2 * (n % 4)));
        var moved = DigitWarp.Apply(digit, turn, 0.94 + (0.03 * (n % 4)), dx, dy);
        var gain = 0.9f + (0.05f * (n % 4));
        for (var i = 0; i < moved.Length; i++)
        {
            moved[i] = Math.Min(1f, moved[i] * gain);
        }

        return moved;
    }

    private static Metadata Key(int account) => new() { { "x-api-key", $"key-{account}" } };
}
