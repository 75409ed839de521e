using NeuralSec.Data;
using NeuralSec.Processes;

namespace NeuralSec.LoadTest.Fuzz;

/// <summary>
/// The sidecar under fuzz: by default a <c>neuralsec</c> process of its own on 127.0.0.1 — the embedded ONNX
/// Runtime backend serving the repository's models and enforcing its <c>policies/</c>, alerts on (to its stdout), as
/// shipped — or one already running at the addresses given. The process id, when known, is what RSS is sampled from
/// and what the crash check watches.
/// </summary>
internal sealed class FuzzTarget : IAsyncDisposable
{
    private readonly NeuralsecProcess? _process;

    private FuzzTarget(Uri grpc, Uri http, int? pid, NeuralsecProcess? process, string description)
    {
        Grpc = grpc;
        Http = http;
        ProcessId = pid;
        _process = process;
        Description = description;
    }

    public Uri Grpc { get; }

    public Uri Http { get; }

    public int? ProcessId { get; }

    public string Description { get; }

    /// <summary>Whether the process is known to have exited (false when there is no process id to watch).</summary>
    public bool HasExited => _process?.HasExited ?? (ProcessId is { } pid && !File.Exists($"/proc/{pid}/status"));

    /// <summary>The started process's last lines of output, for a report of a crash.</summary>
    public string RecentOutput => _process?.RecentOutput ?? string.Empty;

    public static async Task<FuzzTarget> StartAsync(FuzzOptions options, TextWriter error)
    {
        if (options.Target is { } grpc)
        {
            return new FuzzTarget(grpc, options.TargetHttp!, options.TargetPid, null, $"the sidecar at {grpc} and {options.TargetHttp}");
        }

        var repository = RepositoryPaths.LocateModelRepository(options.ModelRepository)
            ?? throw new InvalidOperationException("no models/repository folder found above the working directory; pass --model-repository");
        var root = Path.GetFullPath(Path.Combine(repository, "..", ".."));
        var policies = Path.GetFullPath(options.Policies ?? Path.Combine(root, "policies"));
        if (!Directory.Exists(policies))
        {
            throw new InvalidOperationException($"policy folder {policies} does not exist; pass --policies");
        }

        var binary = options.NeuralsecBinary ?? await NeuralsecProcess.BuiltBinaryAsync(root, Console.Error);
        await error.WriteLineAsync($"starting the sidecar (neuralsec, ONNX Runtime, policies {policies}) on 127.0.0.1 …");
        var process = NeuralsecProcess.Start("sidecar", binary, [
            "--NeuralSec:Backend=OnnxRuntime",
            $"--NeuralSec:OnnxRuntime:ModelRepository={Path.GetFullPath(repository)}",
            $"--NeuralSec:Policies:Directory={policies}",
        ]);
        try
        {
            await process.WaitReadyAsync(NeuralsecProcess.ReadyLimit);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }

        return new FuzzTarget(process.Grpc, process.Http, process.ProcessId, process, $"a neuralsec process started for the run (embedded ONNX Runtime, {Path.GetRelativePath(root, policies)}/)");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}
