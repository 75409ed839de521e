using System.Diagnostics;

namespace NeuralSec.LoadTest;

/// <summary>
/// One <c>neuralsec</c> process on 127.0.0.1, started from the built binary the way a pod runs it — its own
/// process, runtime and GC — so the load test measures process against process, not an in-process hint. Ports are
/// picked free on loopback before the start; the process is killed (whole tree) on dispose.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly OutputTail output;

    private GatewayProcess(string name, Process process, Uri grpc, Uri http, Uri metrics)
    {
        Name = name;
        this.process = process;
        Grpc = grpc;
        Http = http;
        Metrics = metrics;
        output = OutputTail.Of(process);
    }

    public string Name { get; }

    /// <summary>The gRPC endpoint.</summary>
    public Uri Grpc { get; }

    /// <summary>The REST (HTTP/1.1) endpoint.</summary>
    public Uri Http { get; }

    /// <summary>The Prometheus endpoint (<c>/metrics</c> on the metrics port).</summary>
    public Uri Metrics { get; }

    public int ProcessId => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>The last lines the process wrote, for an error message when it fails to start.</summary>
    public string RecentOutput => output.ToString();

    /// <summary>Starts <paramref name="binary"/> (<c>neuralsec.dll</c>, run with <c>dotnet</c>, or a native
    /// <c>neuralsec</c>) with the given configuration switches plus loopback listeners on free ports; with
    /// <paramref name="cores"/>, confined to those cores (<c>taskset</c>, which execs it: the process id is the
    /// sidecar's).</summary>
    public static GatewayProcess Start(string name, string binary, IEnumerable<string> settings, IReadOnlyCollection<int>? cores = null)
    {
        var ports = LoopbackPort.Free(3);
        var (grpc, http, metrics) = (ports[0], ports[1], ports[2]);
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
        return new GatewayProcess(name, process, new Uri($"http://127.0.0.1:{grpc}"), new Uri($"http://127.0.0.1:{http}"), new Uri($"http://127.0.0.1:{metrics}/metrics"));
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
    public Task WaitReadyAsync() => ServerReadyProbe.WaitAsync(Grpc, Name, () => HasExited, output, ReadyLimit);

    /// <summary>Resident memory of the process now, in bytes.</summary>
    public long ResidentBytes()
    {
        process.Refresh();
        return process.WorkingSet64;
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcess.StopAsync(process);
        process.Dispose();
    }
}
