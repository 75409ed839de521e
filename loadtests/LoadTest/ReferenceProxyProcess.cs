using System.Diagnostics;
using System.Globalization;
using NeuralSec.LoadTest.ReferenceProxy;
using NeuralSec.Processes;

namespace NeuralSec.LoadTest;

/// <summary>
/// The reference proxy of <c>--reference-proxy</c>: this tool's own assembly run again as <c>neuralsec-loadtest
/// reference-proxy</c> (<see cref="ReferenceProxyServer"/>), its own process on a free loopback port in front of the
/// model server, as nginx and the sidecar are. It is started with the sidecar's GC settings, so that what it costs
/// is the .NET HTTP/2 stack's on the same runtime footing; the process (whole tree) is killed on dispose.
/// </summary>
internal sealed class ReferenceProxyProcess : IAsyncDisposable
{
    public const string Description = "through a minimal ASP.NET Core gRPC proxy (reference)";

    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(60);

    /// <summary>
    /// What src/Gateway's project sets (<c>ServerGarbageCollection</c> true, <c>ConcurrentGarbageCollection</c> false,
    /// <c>TieredPGO</c> true), given to the child as environment variables: the child runs on this tool's own
    /// runtimeconfig.json, whose project leaves them at their defaults (workstation, concurrent GC), and a proxy on
    /// another GC than the sidecar's would not be like for like.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> SidecarRuntimeSettings = new Dictionary<string, string>
    {
        ["DOTNET_gcServer"] = "1",
        ["DOTNET_gcConcurrent"] = "0",
        ["DOTNET_TieredPGO"] = "1",
    };

    private readonly Process process;
    private readonly OutputTail output;

    private ReferenceProxyProcess(Process process, Uri grpc)
    {
        this.process = process;
        output = OutputTail.Of(process);
        Grpc = grpc;
    }

    /// <summary>The proxy's gRPC (h2c) endpoint.</summary>
    public Uri Grpc { get; }

    public int ProcessId => process.Id;

    /// <summary>Starts the proxy in front of <paramref name="upstream"/> and waits until ServerReady passes through it
    /// (the proxy forwards it, so a true answer means both hops work).</summary>
    public static async Task<ReferenceProxyProcess> StartAsync(Uri upstream)
    {
        var port = LoopbackPort.Free();
        var assembly = typeof(ReferenceProxyProcess).Assembly.Location;
        var start = new ProcessStartInfo(DotnetHost())
        {
            ArgumentList =
            {
                "exec", assembly,
                ReferenceProxyCommand.Name, "--listen-port", port.ToString(CultureInfo.InvariantCulture), "--upstream", upstream.ToString(),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly) ?? Directory.GetCurrentDirectory(),
        };
        foreach (var (name, value) in SidecarRuntimeSettings)
        {
            start.Environment[name] = value;
        }

        var proxy = new ReferenceProxyProcess(
            Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName} exec {assembly}"),
            new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await ServerReadyProbe.WaitAsync(proxy.Grpc, "reference-proxy", () => proxy.process.HasExited, proxy.output, ReadyLimit);
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcess.StopAsync(process);
        process.Dispose();
    }

    /// <summary>The <c>dotnet</c> host running this process when it is one (a test host, <c>dotnet exec</c>), so the
    /// child gets the same runtime; otherwise (the tool's apphost) <c>dotnet</c> on PATH.</summary>
    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
}
