using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using NeuralSec.Gateway.Services;

namespace NeuralSec.Gateway.Tests.Unit;

/// <summary>The pipeline's view of the caller's headers: text headers by any casing, repeated values comma-joined,
/// binary (-bin) metadata and HTTP/2 pseudo-headers invisible.</summary>
public sealed class CallerHeadersTests
{
    [Fact]
    public void Text_headers_are_seen_binary_and_pseudo_headers_are_not()
    {
        var headers = new HeaderDictionary
        {
            ["x-api-key"] = "k1",
            ["x-forwarded-client-cert"] = new StringValues(["a", "b"]),
            ["trace-bin"] = "not base64 !",
            [":authority"] = "localhost",
        };

        var view = CallerHeaders.Of(headers);

        Assert.Equal("k1", view["X-Api-Key"]);
        Assert.True(view.TryGetValue("x-forwarded-client-cert", out var joined));
        Assert.Equal("a,b", joined);
        Assert.False(view.ContainsKey("trace-bin"));
        Assert.False(view.ContainsKey(":authority"));
        Assert.Equal(["x-api-key", "x-forwarded-client-cert"], view.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, view.Count);
        Assert.Throws<KeyNotFoundException>(() => view["trace-bin"]);
    }
}
