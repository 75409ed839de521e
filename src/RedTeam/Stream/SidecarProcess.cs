using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// One real <c>neuralsec</c> sidecar process on 127.0.0.1 (the built src/Gateway, run as a pod runs it: its own
/// process, runtime and GC), serving the committed ONNX mnist with the embedded backend, a policy folder, an API-keys
/// file and a JSON-lines alert file the simulation reads back. Ports are picked free on loopback; the process tree is
/// killed on dispose.
/// </summary>
internal sealed class SidecarProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(90);
    private const int OutputLinesKept = 40;

    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private SidecarProcess(Process process, Uri grpc, string alertFile)
    {
        _process = process;
        Grpc = grpc;
        AlertFile = alertFile;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Channel = GrpcChannel.ForAddress(grpc, new GrpcChannelOptions { MaxReceiveMessageSize = 16 * 1024 * 1024 });
        Client = new GRPCInferenceService.GRPCInferenceServiceClient(Channel);
    }

    public Uri Grpc { get; }

    public string AlertFile { get; }

    public GrpcChannel Channel { get; }

    public GRPCInferenceService.GRPCInferenceServiceClient Client { get; }

    private string RecentOutput
    {
        get
        {
            lock (_output)
            {
                return string.Join(Environment.NewLine, _output);
            }
        }
    }

    /// <summary>Starts the sidecar and waits until it answers ServerReady.</summary>
    public static Task<SidecarProcess> StartAsync(string binary, string modelRepository, string policies, string apiKeys, string alertFile, CancellationToken cancellationToken) =>
        StartAsync(binary, modelRepository, ["mnist", "mnist-autoencoder"], policies, apiKeys, alertFile, cancellationToken);

    /// <summary>Starts the sidecar serving <paramref name="models"/> of the repository and waits until it answers ServerReady.</summary>
    public static async Task<SidecarProcess> StartAsync(string binary, string modelRepository, IReadOnlyList<string> models, string policies, string apiKeys, string alertFile, CancellationToken cancellationToken)
    {
        var ports = FreePorts(3);
        var (grpc, http, metrics) = (ports[0], ports[1], ports[2]);
        var start = binary.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new ProcessStartInfo("dotnet") { ArgumentList = { "exec", binary } }
            : new ProcessStartInfo(binary);
        foreach (var argument in (string[])[
            "serve",
            "--NeuralSec:Server:ListenAddress=127.0.0.1",
            $"--NeuralSec:Server:GrpcPort={grpc}",
            $"--NeuralSec:Server:HttpPort={http}",
            $"--NeuralSec:Server:MetricsPort={metrics}",
            "--NeuralSec:Server:ShutdownDrainDelay=00:00:00",
            "--NeuralSec:Backend=OnnxRuntime",
            $"--NeuralSec:OnnxRuntime:ModelRepository={modelRepository}",
            .. models.Select((m, i) => $"--NeuralSec:OnnxRuntime:Models:{i}={m}"),
            "--NeuralSec:OnnxRuntime:IntraOpThreads=1",
            $"--NeuralSec:Policies:Directory={policies}",
            $"--NeuralSec:Identity:ApiKeysFile={apiKeys}",
            "--NeuralSec:Alerts:AggregationWindow=00:00:00",
            "--NeuralSec:Alerts:Sinks:0:Type=JsonLines",
            $"--NeuralSec:Alerts:Sinks:0:Path={alertFile}",
            "--Logging:LogLevel:Default=Warning"])
        {
            start.ArgumentList.Add(argument);
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(binary)) ?? Directory.GetCurrentDirectory();
        var process = Process.Start(start) ?? throw new RedTeamException($"could not start {binary}");
        var sidecar = new SidecarProcess(process, new Uri($"http://127.0.0.1:{grpc}"), alertFile);
        try
        {
            await sidecar.WaitReadyAsync(cancellationToken).ConfigureAwait(false);
            return sidecar;
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
        var project = Path.Combine(root, "src", "Gateway");
        var binary = Path.Combine(project, "bin", "Release", "net10.0", "neuralsec.dll");
        if (File.Exists(binary))
        {
            return binary;
        }

        await log.WriteLineAsync($"building {project} (Release) …").ConfigureAwait(false);
        using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", project, "-c", "Release", "-nologo", "-v", "quiet"]) { UseShellExecute = false })
            ?? throw new RedTeamException("could not run dotnet build");
        await build.WaitForExitAsync().ConfigureAwait(false);
        return build.ExitCode == 0 && File.Exists(binary)
            ? binary
            : throw new RedTeamException($"dotnet build {project} failed (exit {build.ExitCode}); build it, or pass --neuralsec PATH");
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Killed but not reaped in time: nothing more to do from here.
            }
        }

        _process.Dispose();
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(ReadyLimit);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new RedTeamException($"the sidecar exited during start-up: {RecentOutput}");
            }

            try
            {
                var response = await Client.ServerReadyAsync(new ServerReadyRequest(), deadline: DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc), cancellationToken: limit.Token).ConfigureAwait(false);
                if (response.Ready)
                {
                    return;
                }
            }
            catch (RpcException) when (!limit.IsCancellationRequested)
            {
                // Still starting.
            }
            catch (Exception e) when (e is OperationCanceledException || (e is RpcException && limit.IsCancellationRequested))
            {
                throw new RedTeamException($"the sidecar was not ready within {ReadyLimit.TotalSeconds:F0} s: {RecentOutput}");
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new RedTeamException($"the sidecar was not ready within {ReadyLimit.TotalSeconds:F0} s: {RecentOutput}");
            }
        }
    }

    /// <summary>Distinct free ports: every listener stays open until all are picked (one at a time, a released port
    /// may come straight back, and the sidecar refuses equal ports).</summary>
    private static int[] FreePorts(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listeners.Add(listener);
                listener.Start();
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Dispose();
            }
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line.Length > 500 ? line[..500] : line);
            while (_output.Count > OutputLinesKept)
            {
                _output.Dequeue();
            }
        }
    }
}
