using System.Diagnostics;

namespace NeuralSec.Processes;

/// <summary>
/// One <c>neuralsec</c> process on 127.0.0.1 — a sidecar or a model server — started from the built binary the way a
/// pod runs it: its own process, runtime and GC, so a tool measures process against process, not an in-process hint.
/// Its three listeners get ports picked free together on loopback; readiness is OIP v2 <c>/v2/health/ready</c> on its
/// REST port (the same question ServerReady asks); the process tree is killed on dispose.
/// </summary>
public sealed class NeuralsecProcess : IAsyncDisposable
{
    /// <summary>How long a start-up may take on a loaded 2-core machine before it is an error.</summary>
    public static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly OutputTail _output;

    private NeuralsecProcess(string name, Process process, Uri grpc, Uri http, Uri metrics)
    {
        Name = name;
        _process = process;
        Grpc = grpc;
        Http = http;
        Metrics = metrics;
        _output = OutputTail.Of(process);
    }

    /// <summary>What the process is, in error messages ("the sidecar process exited …").</summary>
    public string Name { get; }

    /// <summary>The gRPC endpoint.</summary>
    public Uri Grpc { get; }

    /// <summary>The REST (HTTP/1.1) endpoint.</summary>
    public Uri Http { get; }

    /// <summary>The Prometheus endpoint (<c>/metrics</c> on the metrics port).</summary>
    public Uri Metrics { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote, for an error message when it fails.</summary>
    public string RecentOutput => _output.ToString();

    /// <summary>Starts <paramref name="binary"/> (<c>neuralsec.dll</c>, run with <c>dotnet exec</c>, or a native
    /// <c>neuralsec</c>) as <c>serve</c> with loopback listeners on free ports, no shutdown drain, warnings-only logs, then
    /// <paramref name="settings"/> (configuration switches, which win over those). <paramref name="launcher"/> runs it
    /// through another program that execs it (<c>taskset -c 0</c>), so the process id stays the server's.</summary>
    /// <exception cref="InvalidOperationException">The process could not be started.</exception>
    public static NeuralsecProcess Start(string name, string binary, IEnumerable<string> settings, IReadOnlyList<string>? launcher = null)
    {
        ArgumentNullException.ThrowIfNull(binary);
        ArgumentNullException.ThrowIfNull(settings);
        var ports = LoopbackPort.Free(3);
        var (grpc, http, metrics) = (ports[0], ports[1], ports[2]);
        List<string> command = binary.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ["dotnet", "exec", binary] : [binary];
        if (launcher is { Count: > 0 })
        {
            command.InsertRange(0, launcher);
        }

        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(binary)) ?? Directory.GetCurrentDirectory(),
        };
        foreach (var argument in (string[])[
            .. command.Skip(1),
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

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
        return new NeuralsecProcess(name, process, new Uri($"http://127.0.0.1:{grpc}"), new Uri($"http://127.0.0.1:{http}"), new Uri($"http://127.0.0.1:{metrics}/metrics"));
    }

    /// <summary>The Release build of src/Gateway under <paramref name="root"/>, built first when it is missing.</summary>
    /// <exception cref="InvalidOperationException">The build failed.</exception>
    public static async Task<string> BuiltBinaryAsync(string root, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var project = Path.Combine(root, "src", "Gateway");
        var binary = Path.Combine(project, "bin", "Release", "net10.0", "neuralsec.dll");
        if (File.Exists(binary))
        {
            return binary;
        }

        await log.WriteLineAsync($"building {project} (Release) …").ConfigureAwait(false);
        using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", project, "-c", "Release", "-nologo", "-v", "quiet"]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run dotnet build");
        await build.WaitForExitAsync().ConfigureAwait(false);
        return build.ExitCode == 0 && File.Exists(binary)
            ? binary
            : throw new InvalidOperationException($"dotnet build {project} failed (exit {build.ExitCode}); build it, or pass --neuralsec PATH");
    }

    /// <summary>Waits until <c>/v2/health/ready</c> answers 200.</summary>
    /// <exception cref="InvalidOperationException">The process exited first, or was not ready within <paramref name="limit"/>;
    /// the message carries its last output.</exception>
    public async Task WaitReadyAsync(TimeSpan limit, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { BaseAddress = Http, Timeout = TimeSpan.FromSeconds(2) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        while (true)
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"the {Name} process exited during start-up:{Environment.NewLine}{RecentOutput}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("v2/health/ready", UriKind.Relative), deadline.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, deadline.Token).ConfigureAwait(false);
            }
            catch (HttpRequestException) when (!deadline.IsCancellationRequested)
            {
                // Not listening yet.
                await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, CancellationToken.None).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (!deadline.IsCancellationRequested)
                {
                    continue; // one request's own 2 s timeout: ask again
                }

                throw new InvalidOperationException($"the {Name} process was not ready within {limit.TotalSeconds:F0} s:{Environment.NewLine}{RecentOutput}");
            }
        }
    }

    /// <summary>Resident memory of the process now, in bytes.</summary>
    public long ResidentBytes()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcess.StopAsync(_process).ConfigureAwait(false);
        _process.Dispose();
    }
}
