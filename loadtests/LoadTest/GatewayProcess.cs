using System.Diagnostics;
using System.Text;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest;

/// <summary>
/// One <c>neuralsec</c> process on 127.0.0.1, started from the built binary the way a pod runs it — its own
/// process, runtime and GC — so the load test measures process against process, not an in-process hint. Ports are
/// picked free on loopback before the start; the process is killed (whole tree) on dispose.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private const int OutputLinesKept = 40;

    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly Queue<string> output = new();

    private GatewayProcess(string name, Process process, Uri grpc, Uri http)
    {
        Name = name;
        this.process = process;
        Grpc = grpc;
        Http = http;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    /// <summary>The gRPC endpoint.</summary>
    public Uri Grpc { get; }

    /// <summary>The REST (HTTP/1.1) endpoint.</summary>
    public Uri Http { get; }

    public int ProcessId => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>The last lines the process wrote, for an error message when it fails to start.</summary>
    public string RecentOutput
    {
        get
        {
            lock (output)
            {
                return string.Join(Environment.NewLine, output);
            }
        }
    }

    /// <summary>Starts <paramref name="binary"/> (<c>neuralsec.dll</c>, run with <c>dotnet</c>, or a native
    /// <c>neuralsec</c>) with the given configuration switches plus loopback listeners on free ports; with
    /// <paramref name="cores"/>, confined to those cores (<c>taskset</c>, which execs it: the process id is the
    /// sidecar's).</summary>
    public static GatewayProcess Start(string name, string binary, IEnumerable<string> settings, IReadOnlyCollection<int>? cores = null)
    {
        var (grpc, http, metrics) = (LoopbackPort.Free(), LoopbackPort.Free(), LoopbackPort.Free());
        var start = binary.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new ProcessStartInfo("dotnet") { ArgumentList = { "exec", binary } }
            : new ProcessStartInfo(binary);
        if (cores is not null)
        {
            var command = start.FileName;
            start.FileName = "taskset";
            start.ArgumentList.Insert(0, command);
            start.ArgumentList.Insert(0, CpuAffinity.List(cores));
            start.ArgumentList.Insert(0, "-c");
        }
        foreach (var argument in (string[])[
            "serve",
            "--NeuralSec:Server:ListenAddress=127.0.0.1",
            $"--NeuralSec:Server:GrpcPort={grpc}",
            $"--NeuralSec:Server:HttpPort={http}",
            $"--NeuralSec:Server:MetricsPort={metrics}",
            "--NeuralSec:Server:ShutdownDrainDelay=00:00:00", // no load balancer to drain from
            "--Logging:LogLevel:Default=Warning",
            .. settings])
        {
            start.ArgumentList.Add(argument);
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(binary)) ?? Directory.GetCurrentDirectory();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
        return new GatewayProcess(name, process, new Uri($"http://127.0.0.1:{grpc}"), new Uri($"http://127.0.0.1:{http}"));
    }

    /// <summary>The Release build of src/Gateway in this checkout, built first when it is missing.</summary>
    public static async Task<string> BuiltBinaryAsync(string root)
    {
        var project = Path.Combine(root, "src", "Gateway");
        var binary = Path.Combine(project, "bin", "Release", "net10.0", "neuralsec.dll");
        if (File.Exists(binary))
        {
            return binary;
        }

        await Console.Error.WriteLineAsync($"building {project} (Release) …");
        using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", project, "-c", "Release", "-nologo", "-v", "quiet"]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run dotnet build");
        await build.WaitForExitAsync();
        return build.ExitCode == 0 && File.Exists(binary)
            ? binary
            : throw new InvalidOperationException($"dotnet build {project} failed (exit {build.ExitCode}); build it, or pass --neuralsec PATH");
    }

    /// <summary>Waits until the process answers ServerReady true; throws with its last output when it exits or
    /// is not ready within a minute.</summary>
    public async Task WaitReadyAsync()
    {
        var server = this;
        using var target = new Target("probe", server.Grpc, TargetKind.Direct); // a readiness probe, outside any measurement
        using var limit = new CancellationTokenSource(ReadyLimit);
        while (true)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"the {server.Name} process exited during start-up:{Environment.NewLine}{server.RecentOutput}");
            }

            try
            {
                var response = await target.Client.ServerReadyAsync(new ServerReadyRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: limit.Token);
                if (response.Ready)
                {
                    return;
                }
            }
            catch (Grpc.Core.RpcException) when (!limit.IsCancellationRequested)
            {
                // Still starting.
            }
            catch (OperationCanceledException)
            {
                throw new InvalidOperationException($"the {server.Name} process was not ready within {ReadyLimit.TotalSeconds:F0} s:{Environment.NewLine}{server.RecentOutput}");
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>Resident memory of the process now, in bytes.</summary>
    public long ResidentBytes()
    {
        process.Refresh();
        return process.WorkingSet64;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                // Killed but not reaped in time: nothing more to do from here.
            }
        }

        process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Enqueue(line.Length > 500 ? line[..500] : line);
            while (output.Count > OutputLinesKept)
            {
                output.Dequeue();
            }
        }
    }
}
