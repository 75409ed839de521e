using NeuralSec.Gateway.Identity;

namespace NeuralSec.Gateway.Tests.Unit;

public sealed class ForwardedClientCertTests
{
    [Theory]
    [InlineData("By=spiffe://cluster.local/ns/a/sa/server;Hash=abc;URI=spiffe://cluster.local/ns/a/sa/client", "spiffe://cluster.local/ns/a/sa/client")]
    [InlineData("Hash=abc;Subject=\"CN=billing-service,OU=tenant-a,O=Acme, Inc.\"", "billing-service")]
    [InlineData("Hash=1;URI=spiffe://x/first,Hash=2;Subject=\"CN=last,O=a;b\";URI=spiffe://x/last", "spiffe://x/last")]
    [InlineData("  plain-client-id ", "plain-client-id")]
    public void Reads_the_client_id(string header, string expected) => Assert.Equal(expected, ForwardedClientCert.ClientId(header));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Hash=abc;By=spiffe://only-the-proxy")]
    public void No_client_id_when_absent(string? header) => Assert.Null(ForwardedClientCert.ClientId(header));
}
