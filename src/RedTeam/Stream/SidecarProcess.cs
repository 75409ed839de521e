using Grpc.Net.Client;
using NeuralSec.Processes;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// One real <c>neuralsec</c> sidecar process on 127.0.0.1 (<see cref="NeuralsecProcess"/>: the built src/Gateway, run as
/// a pod runs it — its own process, runtime and GC), serving the committed ONNX models with the embedded backend, a
/// policy folder, an API-keys file and a JSON-lines alert file the red team reads back, with a gRPC client on it.
/// </summary>
internal sealed class SidecarProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(90);

    private readonly NeuralsecProcess _process;

    private SidecarProcess(NeuralsecProcess process, string alertFile)
    {
        _process = process;
        AlertFile = alertFile;
        Channel = GrpcChannel.ForAddress(process.Grpc, new GrpcChannelOptions { MaxReceiveMessageSize = 16 * 1024 * 1024 });
        Client = new GRPCInferenceService.GRPCInferenceServiceClient(Channel);
    }

    public Uri Grpc => _process.Grpc;

    public string AlertFile { get; }

    public GrpcChannel Channel { get; }

    public GRPCInferenceService.GRPCInferenceServiceClient Client { get; }

    /// <summary>Starts the sidecar and waits until it is ready.</summary>
    public static Task<SidecarProcess> StartAsync(string binary, string modelRepository, string policies, string apiKeys, string alertFile, CancellationToken cancellationToken) =>
        StartAsync(binary, modelRepository, ["mnist", "mnist-autoencoder"], policies, apiKeys, alertFile, cancellationToken);

    /// <summary>Starts the sidecar serving <paramref name="models"/> of the repository and waits until it is ready.</summary>
    public static async Task<SidecarProcess> StartAsync(string binary, string modelRepository, IReadOnlyList<string> models, string policies, string apiKeys, string alertFile, CancellationToken cancellationToken)
    {
        NeuralsecProcess process;
        try
        {
            process = NeuralsecProcess.Start("sidecar", binary, [
                "--NeuralSec:Backend=OnnxRuntime",
                $"--NeuralSec:OnnxRuntime:ModelRepository={modelRepository}",
                .. models.Select((m, i) => $"--NeuralSec:OnnxRuntime:Models:{i}={m}"),
                "--NeuralSec:OnnxRuntime:IntraOpThreads=1",
                $"--NeuralSec:Policies:Directory={policies}",
                $"--NeuralSec:Identity:ApiKeysFile={apiKeys}",
                "--NeuralSec:Alerts:AggregationWindow=00:00:00",
                "--NeuralSec:Alerts:Sinks:0:Type=JsonLines",
                $"--NeuralSec:Alerts:Sinks:0:Path={alertFile}",
            ]);
        }
        catch (InvalidOperationException ex)
        {
            throw new RedTeamException(ex.Message);
        }

        var sidecar = new SidecarProcess(process, alertFile);
        try
        {
            await process.WaitReadyAsync(ReadyLimit, cancellationToken).ConfigureAwait(false);
            return sidecar;
        }
        catch (InvalidOperationException ex)
        {
            await sidecar.DisposeAsync().ConfigureAwait(false);
            throw new RedTeamException(ex.Message);
        }
        catch
        {
            await sidecar.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The Release build of src/Gateway in this checkout, built first when it is missing.</summary>
    public static async Task<string> BuiltGatewayAsync(string root, TextWriter log)
    {
        try
        {
            return await NeuralsecProcess.BuiltBinaryAsync(root, log).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new RedTeamException(ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _process.DisposeAsync().ConfigureAwait(false);
    }
}
