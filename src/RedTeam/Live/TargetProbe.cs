using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using NeuralSec.Data;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.RedTeam.Live;

/// <summary>
/// Opens the channel to a running target and checks, before any attack, that it is one the attacks can use: it
/// answers ServerReady over the scheme given (a TLS-only port reached with http:// is recognised and named), serves
/// the model with a 1×28×28 FP32 input and 10 class scores, and accepts every key given. Each failure is one
/// <see cref="RedTeamException"/> that says what to change.
/// </summary>
internal static class TargetProbe
{
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(10);

    public static GrpcChannel Open(Uri target, string? caFile)
    {
        if (target.Scheme is not ("http" or "https"))
        {
            throw new RedTeamException($"--target must be http://host:port or https://host:port, not {target}");
        }

        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, ConnectTimeout = CallLimit };
        if (caFile is not null)
        {
            if (target.Scheme != "https")
            {
                throw new RedTeamException("--ca is for an https:// target");
            }

            X509Certificate2Collection authority = [];
            try
            {
                authority.ImportFromPemFile(caFile);
            }
            catch (Exception e) when (e is IOException or CryptographicException or UnauthorizedAccessException)
            {
                throw new RedTeamException($"--ca {caFile}: not a readable PEM certificate file ({e.Message})", e);
            }

            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(authority);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }

        return GrpcChannel.ForAddress(target, new GrpcChannelOptions { HttpHandler = handler, MaxReceiveMessageSize = 16 * 1024 * 1024, DisposeHttpClient = true });
    }

    /// <summary>Checks the target; <paramref name="keys"/> are (what the key is for, the key).</summary>
    public static async Task CheckAsync(GRPCInferenceService.GRPCInferenceServiceClient client, Uri target, string model, IReadOnlyList<(string Purpose, string Key)> keys, float[] probe, CancellationToken cancellationToken)
    {
        try
        {
            var ready = await client.ServerReadyAsync(new ServerReadyRequest(), deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!ready.Ready)
            {
                throw new RedTeamException($"{target} answers but is not ready (ServerReady false): wait for its model to load");
            }
        }
        catch (RpcException e)
        {
            throw new RedTeamException(await DescribeAsync(e, target, cancellationToken).ConfigureAwait(false), e);
        }

        var first = keys.Count > 0 ? keys[0].Key : null;
        ModelMetadataResponse metadata;
        try
        {
            metadata = await client.ModelMetadataAsync(new ModelMetadataRequest { Name = model }, Headers(first), Deadline(), cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            throw new RedTeamException($"{target} serves no model '{model}' ({e.Status.Detail}); pass --model NAME");
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
        {
            throw new RedTeamException($"{target} refused the API key for model metadata ({e.StatusCode}); check --api-key");
        }
        catch (RpcException e)
        {
            throw new RedTeamException($"{target}: ModelMetadata for '{model}' failed: {e.StatusCode} {e.Status.Detail}", e);
        }

        CheckShape(metadata, model);
        foreach (var (purpose, key) in keys)
        {
            await CheckKeyAsync(client, target, model, purpose, key, probe, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The attacks send one 1×28×28 FP32 digit and read 10 class scores; anything else is refused here.</summary>
    internal static void CheckShape(ModelMetadataResponse metadata, string model)
    {
        string Shape(IEnumerable<long> s) => $"[{string.Join(",", s)}]";
        if (metadata.Inputs.Count != 1 || metadata.Inputs[0] is not { Datatype: "FP32" } input
            || input.Shape.Count != 4 || input.Shape[0] is not (-1 or >= 1) || input.Shape[1] != 1 || input.Shape[2] != MnistSplit.Rows || input.Shape[3] != MnistSplit.Cols)
        {
            var got = string.Join(", ", metadata.Inputs.Select(i => $"{i.Name} {i.Datatype} {Shape(i.Shape)}"));
            throw new RedTeamException($"model '{model}' takes {(got.Length == 0 ? "no inputs" : got)}; the attacks handle one FP32 input of shape [N,1,28,28] (a 28×28 grey image in [0,1]) — pass --model for such a model");
        }

        if (metadata.Outputs.Count < 1 || metadata.Outputs[0].Shape.Count == 0 || metadata.Outputs[0].Shape[^1] != 10)
        {
            var got = string.Join(", ", metadata.Outputs.Select(o => $"{o.Name} {o.Datatype} {Shape(o.Shape)}"));
            throw new RedTeamException($"model '{model}' answers {(got.Length == 0 ? "no outputs" : got)}; the attacks read 10 class scores [N,10]");
        }
    }

    private static async Task CheckKeyAsync(GRPCInferenceService.GRPCInferenceServiceClient client, Uri target, string model, string purpose, string key, float[] probe, CancellationToken cancellationToken)
    {
        var request = new ModelInferRequest { ModelName = model };
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32" };
        tensor.Shape.AddRange([1, 1, MnistSplit.Rows, MnistSplit.Cols]);
        request.Inputs.Add(tensor);
        request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(probe.AsSpan())));
        try
        {
            await client.ModelInferAsync(request, Headers(key), Deadline(), cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated)
        {
            throw new RedTeamException($"{target} refused the API key given for {purpose} (Unauthenticated); check the key");
        }
        catch (RpcException e) when (e.Trailers.GetValue("x-neuralsec-reason") == "no_policy")
        {
            throw new RedTeamException($"{target} has no policy for the client of the key given for {purpose} on model '{model}' (no_policy)");
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.PermissionDenied or StatusCode.ResourceExhausted)
        {
            // A refusal of the probe digit itself (a policy decision): the key was accepted.
        }
        catch (RpcException e)
        {
            throw new RedTeamException($"{target}: a probe query for {purpose} failed: {e.StatusCode} {e.Status.Detail}", e);
        }
    }

    private static async Task<string> DescribeAsync(RpcException e, Uri target, CancellationToken cancellationToken)
    {
        for (var inner = e.InnerException ?? e.Status.DebugException; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case AuthenticationException auth:
                    return $"the TLS certificate of {target} was not accepted ({auth.Message}); pass --ca FILE with the CA that signed it";
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return $"cannot reach {target}: connection refused (is the sidecar running, on that port?)";
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain }:
                    return $"cannot resolve {target.Host}";
                case SocketException socket:
                    return $"cannot reach {target}: {socket.SocketErrorCode}";
            }
        }

        if (target.Scheme == "http" && await SpeaksTlsAsync(target, cancellationToken).ConfigureAwait(false))
        {
            return $"{target} speaks TLS only: use https://{target.Authority}/ (with --ca FILE if its certificate is not publicly trusted)";
        }

        return e.StatusCode == StatusCode.DeadlineExceeded
            ? $"{target} did not answer ServerReady within {CallLimit.TotalSeconds:F0} s"
            : $"{target} is not an OIP v2 gRPC endpoint the red team can use: {e.StatusCode} {e.Status.Detail}";
    }

    /// <summary>Whether the port completes a TLS handshake (any certificate): the answer to "why does h2c fail here".</summary>
    internal static async Task<bool> SpeaksTlsAsync(Uri target, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(target.Host, target.Port, limit.Token).ConfigureAwait(false);
            // Any certificate: the handshake only tells whether the port speaks TLS; nothing is sent over it.
#pragma warning disable CA5359
            var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
#pragma warning restore CA5359
            await using var disposeTls = tls.ConfigureAwait(false);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = target.Host }, limit.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException or OperationCanceledException)
        {
            return false;
        }
    }

    private static Metadata Headers(string? key) => key is null ? [] : new Metadata { { "x-api-key", key } };

    private static DateTime Deadline() => TimeProvider.System.GetUtcNow().UtcDateTime + CallLimit;
}
