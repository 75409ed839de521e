using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.QueryStream;

/// <summary>
/// A SimBA-shaped stream on one digit, spread round-robin over accounts <c>sybil-0</c> … (keys <c>key-0</c> …), sent
/// until the near-duplicate index flags it: the refusal, the account its alert blocks, and the other accounts the
/// alert's evidence names as the senders of the near-duplicates — what <c>linkedClients</c> sanctions.
/// </summary>
internal static class SybilStream
{
    public static async Task<(RpcException Refusal, string Blocked, IReadOnlySet<string> Linked, double LinkedMeasure)> RunUntilFlaggedAsync(GatewayServer server, int accounts)
    {
        var random = new Random(5);
        var image = TestDigits.Image(11);
        RpcException? refusal = null;
        for (var i = 0; i < 200 && refusal is null; i++)
        {
            image = SimbaStep.Next(image, random);
            try
            {
                await server.Client.ModelInferAsync(InferRequests.Raw(image), Key($"key-{i % accounts}"));
            }
            catch (RpcException ex)
            {
                refusal = ex;
            }
        }

        Assert.NotNull(refusal);
        Assert.Equal("suspicious_activity", refusal.Trailers.GetValue("x-neuralsec-reason"));
        var alert = await server.AlertForAsync(refusal.Trailers.GetValue("x-neuralsec-request-id")!);
        var blocked = alert.GetProperty("actor").GetProperty("user").GetProperty("uid").GetString()!;
        var detector = alert.GetProperty("unmapped").GetProperty("neuralsec").GetProperty("detectors").EnumerateArray()
            .Single(d => d.GetProperty("name").GetString() == "nearDuplicate");
        var linked = detector.GetProperty("related").EnumerateArray().Select(r => r.GetProperty("client_id").GetString()!)
            .Where(c => c != blocked).ToHashSet();
        return (refusal, blocked, linked, detector.GetProperty("measures").GetProperty("linkedClients").GetDouble());
    }

    /// <summary>The API key of account <c>sybil-N</c>.</summary>
    public static string KeyOf(string account) => $"key-{account["sybil-".Length..]}";

    public static Metadata Key(string key) => new() { { "x-api-key", key } };
}
