using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.Integration;

/// <summary>
/// Client identity end to end: mTLS with certificates from a CA made in the test, hashed API keys, and a mesh
/// header that only counts where the policy trusts it. Identity is observable through policy selection (the
/// tenant's policy answers label-only) and through the alert's actor.
/// </summary>
public sealed class IdentityTests : IAsyncLifetime
{
    private const string TenantPolicy = """
          models: [mnist]
          clientGroups: [tenant-a]
          identity: { defaultClient: null }
          output: { labelOnly: true }
        """;

    private const string StrictDefault = """
          models: ["*"]
          identity: { trustHeader: false, defaultClient: null }
        """;

    private readonly TestCertificates _pki = new();
    private readonly PolicyFolder _policies = new();
    private readonly ApiKeysFile _keys = new();
    private GatewayServer _server = null!;

    public async Task InitializeAsync()
    {
        _policies.Write("default.yaml", PolicyFolder.Policy("strict-default", StrictDefault))
                 .Write("tenant-a.yaml", PolicyFolder.Policy("tenant-a", TenantPolicy));
        await _keys.WriteAsync(("billing", "tenant-a", "key-billing"), ("fraud", "", "key-fraud"));
        _server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = _policies.Path,
            ["NeuralSec:Server:TlsCertificatePath"] = _pki.ServerCertificatePath,
            ["NeuralSec:Server:TlsKeyPath"] = _pki.ServerKeyPath,
            ["NeuralSec:Identity:ClientCaPath"] = _pki.CaPath,
            ["NeuralSec:Identity:ApiKeysFile"] = _keys.Path,
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _policies.Dispose();
        _pki.Dispose();
        _keys.Dispose();
    }

    [Fact]
    public async Task No_identity_is_UNAUTHENTICATED_under_a_policy_without_default_client()
    {
        using var channel = Channel(certificate: null);
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client(channel).ModelInferAsync(Digit()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal("unauthenticated", ex.Trailers.GetValue("x-neuralsec-reason"));
    }

    [Fact]
    public async Task Client_certificate_names_the_client_and_its_OU_selects_the_tenant_policy()
    {
        using var channel = Channel(_pki.Client("CN=billing-svc,OU=tenant-a,O=Acme"));
        var logits = InferRequests.Logits(await Client(channel).ModelInferAsync(Digit()));
        AssertOneHot(logits, TestDigits.Label(0));

        using var other = Channel(_pki.Client("CN=reporting,O=Acme"));
        var plain = InferRequests.Logits(await Client(other).ModelInferAsync(Digit()));
        Assert.True(plain.Count(v => v != 0) > 1, "the default policy answers full scores");
    }

    [Fact]
    public async Task Certificate_from_another_CA_is_refused_at_the_handshake()
    {
        using var channel = Channel(_pki.Client("CN=intruder,OU=tenant-a", rogue: true));
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client(channel).ModelInferAsync(Digit()).ResponseAsync);
        Assert.NotEqual(StatusCode.OK, ex.StatusCode);
    }

    [Fact]
    public async Task Api_key_names_the_client_and_its_group()
    {
        using var channel = Channel(certificate: null);
        var tenant = InferRequests.Logits(await Client(channel).ModelInferAsync(Digit(), Header("x-api-key", "key-billing")));
        AssertOneHot(tenant, TestDigits.Label(0));

        var ungrouped = InferRequests.Logits(await Client(channel).ModelInferAsync(Digit(), Header("x-api-key", "key-fraud")));
        Assert.True(ungrouped.Count(v => v != 0) > 1);
    }

    [Fact]
    public async Task Wrong_api_key_is_UNAUTHENTICATED_and_alerted()
    {
        using var channel = Channel(certificate: null);
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client(channel).ModelInferAsync(Digit(), Header("x-api-key", "key-guess")).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal("invalid_api_key", ex.Trailers.GetValue("x-neuralsec-reason"));
        var requestId = ex.Trailers.GetValue("x-neuralsec-request-id");

        var alert = await _server.AlertForAsync(requestId!);
        Assert.Equal(2004, alert.GetProperty("class_uid").GetInt32());
        Assert.Equal("block", alert.GetProperty("unmapped").GetProperty("neuralsec").GetProperty("action").GetString());
    }

    [Fact]
    public async Task Mesh_header_is_ignored_where_the_policy_does_not_trust_it()
    {
        using var channel = Channel(certificate: null);
        var headers = Header("x-forwarded-client-cert", "Hash=1;URI=spiffe://cluster.local/ns/a/sa/billing");
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client(channel).ModelInferAsync(Digit(), headers).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task Mesh_header_is_the_identity_where_the_policy_trusts_it()
    {
        _policies.Write("default.yaml", PolicyFolder.Policy("strict-default", StrictDefault.Replace("trustHeader: false", "trustHeader: true", StringComparison.Ordinal)));
        var store = (Gateway.Policy.Runtime.PolicyStore)_server.Services.GetService(typeof(Gateway.Policy.Runtime.PolicyStore))!;
        await Wait.Until(() => store.Current.Default?.Identity.TrustHeader == true, "the reloaded policy");

        using var channel = Channel(certificate: null);
        var headers = Header("x-forwarded-client-cert", "Hash=1;URI=spiffe://cluster.local/ns/a/sa/billing");
        var response = await Client(channel).ModelInferAsync(Digit(), headers);
        Assert.Equal(TestDigits.Label(0), InferRequests.ArgMax(InferRequests.Logits(response)));
    }

    private static Metadata Header(string name, string value) => new() { { name, value } };

    private static ModelInferRequest Digit() => InferRequests.Raw(TestDigits.Image(0));

    private static GRPCInferenceService.GRPCInferenceServiceClient Client(GrpcChannel channel) => new(channel);

    private static void AssertOneHot(float[] logits, int label)
    {
        Assert.Equal(9, logits.Count(v => v == 0f));
        Assert.Equal(1f, logits[label]);
    }

    private GrpcChannel Channel(X509Certificate2? certificate)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(_pki.Ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return cert is not null && chain.Build(cert as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
        };
        if (certificate is not null)
        {
            handler.SslOptions.ClientCertificates = [certificate];
        }

        return GrpcChannel.ForAddress(_server.Endpoints.Grpc, new GrpcChannelOptions { HttpHandler = handler });
    }
}
