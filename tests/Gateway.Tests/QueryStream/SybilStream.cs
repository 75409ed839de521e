using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.QueryStream;

/// <summary>
/// A sidecar with one policy and API keys for <see cref="Accounts"/> Sybil accounts (<c>sybil-0</c> …, keys
/// <c>key-0</c> …) and two bystanders (<c>bystander</c>, <c>bystander-2</c>); <see cref="RunUntilFlaggedAsync"/> sends a SimBA-shaped stream on one digit
/// round-robin over the Sybil accounts until the near-duplicate index flags it, and returns the refusal, the account
/// its alert blocks, and the other accounts the alert's evidence names as the senders of the near-duplicates — what
/// <c>linkedClients</c> sanctions.
/// </summary>
internal sealed class SybilStream : IAsyncDisposable
{
    public const int Accounts = 4;

    /// <summary>The spec both linked-account test classes start from: a near-duplicate index that blocks at 25 shared
    /// hashes with each of three earlier queries (one near copy alone does not flag), five earlier matches as
    /// evidence, and <c>linkedClients: degrade</c>.</summary>
    public const string LinkedPolicy = """
          models: [mnist]
          input:
            image: { tensor: input, layout: NCHW, range: [0, 1] }
          extraction:
            cooldown: 600
            linkedClients: degrade
            detectors:
              - type: nearDuplicate
                threshold: 25
                matches: 3
                evidence: 5
                action: block

        """;

    private readonly PolicyFolder _policies = new();
    private readonly ApiKeysFile _keys = new();

    private SybilStream()
    {
    }

    public GatewayServer Server { get; private set; } = null!;

    /// <summary>Starts the sidecar with the policy <paramref name="name"/> whose spec is <paramref name="spec"/>.</summary>
    public static async Task<SybilStream> StartAsync(string name, string spec)
    {
        var stream = new SybilStream();
        stream._policies.Write("mnist.yaml", PolicyFolder.Policy(name, spec));
        await stream._keys.WriteAsync(Enumerable.Range(0, Accounts).Select(i => ($"sybil-{i}", "", $"key-{i}")).Concat([("bystander", "", "key-bystander"), ("bystander-2", "", "key-bystander-2")]));
        stream.Server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = stream._policies.Path,
            ["NeuralSec:Identity:ApiKeysFile"] = stream._keys.Path,
        });
        return stream;
    }

    public async Task<(RpcException Refusal, string Blocked, IReadOnlySet<string> Linked, double LinkedMeasure)> RunUntilFlaggedAsync()
    {
        var random = new Random(5);
        var image = TestDigits.Image(11);
        RpcException? refusal = null;
        for (var i = 0; i < 200 && refusal is null; i++)
        {
            image = SimbaStep.Next(image, random);
            try
            {
                await Server.Client.ModelInferAsync(InferRequests.Raw(image), Key($"key-{i % Accounts}"));
            }
            catch (RpcException ex)
            {
                refusal = ex;
            }
        }

        Assert.NotNull(refusal);
        Assert.Equal("suspicious_activity", refusal.Trailers.GetValue("x-neuralsec-reason"));
        var alert = await Server.AlertForAsync(refusal.Trailers.GetValue("x-neuralsec-request-id")!);
        var blocked = alert.GetProperty("actor").GetProperty("user").GetProperty("uid").GetString()!;
        var detector = alert.GetProperty("unmapped").GetProperty("neuralsec").GetProperty("detectors").EnumerateArray()
            .Single(d => d.GetProperty("name").GetString() == "nearDuplicate");
        var linked = detector.GetProperty("related").EnumerateArray().Select(r => r.GetProperty("client_id").GetString()!)
            .Where(c => c != blocked).ToHashSet();
        return (refusal, blocked, linked, detector.GetProperty("measures").GetProperty("linkedClients").GetDouble());
    }

    /// <summary>Asks the model about <paramref name="image"/> as <paramref name="account"/> (a Sybil account or
    /// <c>bystander</c>) and returns the answer's scores.</summary>
    public async Task<float[]> ScoresAsync(string account, float[] image) =>
        InferRequests.Logits(await Server.Client.ModelInferAsync(InferRequests.Raw(image), Key(KeyOf(account))));

    /// <summary>The API key of <paramref name="account"/>.</summary>
    public static string KeyOf(string account) => account.StartsWith("bystander", StringComparison.Ordinal) ? $"key-{account}" : $"key-{account["sybil-".Length..]}";

    public static Metadata Key(string key) => new() { { "x-api-key", key } };

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _policies.Dispose();
        _keys.Dispose();
    }
}
