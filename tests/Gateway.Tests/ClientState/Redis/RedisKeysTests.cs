using NeuralSec.Gateway.ClientState;
using NeuralSec.Gateway.ClientState.Redis;

namespace NeuralSec.Gateway.Tests.ClientState.Redis;

/// <summary>Key parts: short printable ids readable as they are, anything else a fixed-length digest that no
/// readable id can equal, so whatever a caller sends, keys stay short and distinct.</summary>
public sealed class RedisKeysTests
{
    [Theory]
    [InlineData("alice")]
    [InlineData("tenant-a.svc_01@example")]
    public void Short_printable_ids_stay_readable(string id) => Assert.Equal(id, RedisKeys.Part(id));

    [Theory]
    [InlineData("")]
    [InlineData("a:b")]
    [InlineData("{tag}")]
    [InlineData("line\nbreak")]
    [InlineData("é")]
    [InlineData("~0123456789abcdef0123456789abcdef")]
    public void Anything_else_is_a_digest_no_readable_id_can_equal(string id)
    {
        var part = RedisKeys.Part(id);

        Assert.Equal(33, part.Length);
        Assert.StartsWith("~", part, StringComparison.Ordinal);
        Assert.NotEqual(id, part);
    }

    [Fact]
    public void A_long_id_is_bounded_and_ids_differing_in_one_character_differ()
    {
        var keys = new RedisKeys("neuralsec:");
        var id = new string('a', 100_000);
        var bucket = (string)keys.Bucket(new ClientKey("policy", id))!;

        Assert.True(bucket.Length <= RedisKeys.MaxLength, bucket);
        Assert.NotEqual(bucket, (string)keys.Bucket(new ClientKey("policy", id[..^1] + "b"))!);
        Assert.Equal(new string('a', 64), RedisKeys.Part(new string('a', 64)));
        Assert.NotEqual(new string('a', 65), RedisKeys.Part(new string('a', 65)));
    }
}
