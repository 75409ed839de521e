using NeuralSec.Data;
using NeuralSec.Processes;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest;

/// <summary>
/// The servers of <c>--self-host</c>, each its own <c>neuralsec</c> process on 127.0.0.1, as they run in a pod: a
/// model server (the gateway with the embedded ONNX Runtime backend, standing in for Triton), the sidecar (a second
/// process, Upstream backend pointing at the first), optionally nginx (<c>grpc_pass</c>) and the reference proxy (a
/// minimal ASP.NET Core gRPC proxy) in front of the same model server, and defended sidecars. They share the machine's cores with the load generator, which is a handicap for every
/// path alike.
/// </summary>
internal sealed class SelfHostedTargets : IAsyncDisposable
{
    private readonly List<NeuralsecProcess> processes = [];
    private readonly List<NeuralsecProcess> defended = [];
    private readonly List<NeuralsecProcess> batched = [];
    private readonly List<NeuralsecProcess> auxiliaryBatched = [];
    private readonly List<BatchedRepository> batchedRepositories = [];

    public NeuralsecProcess ModelServer { get; private set; } = null!;

    public NeuralsecProcess Sidecar { get; private set; } = null!;

    /// <summary>nginx in front of the model server, with <see cref="LoadTestOptions.Nginx"/>.</summary>
    public NginxProcess? Nginx { get; private set; }

    /// <summary>The minimal ASP.NET Core gRPC proxy in front of the model server, with <see cref="LoadTestOptions.ReferenceProxy"/>.</summary>
    public ReferenceProxyProcess? ReferenceProxy { get; private set; }

    /// <summary>The model servers with dynamic batching on, one per <see cref="LoadTestOptions.DynamicBatching"/>, in their order.</summary>
    public IReadOnlyList<NeuralsecProcess> BatchedModelServers => batched;

    /// <summary>The sidecars enforcing <see cref="LoadTestOptions.DefendedPolicies"/>, in their order.</summary>
    public IReadOnlyList<NeuralsecProcess> DefendedSidecars => defended;

    /// <summary>The defended sidecars of <see cref="LoadTestOptions.AuxiliaryBatching"/> (the first policy folder, the
    /// detectors' autoencoder batched), in their order.</summary>
    public IReadOnlyList<NeuralsecProcess> AuxiliaryBatchedSidecars => auxiliaryBatched;

    public static async Task<SelfHostedTargets> StartAsync(LoadTestOptions options)
    {
        var repository = RepositoryPaths.LocateModelRepository(options.ModelRepository)
            ?? throw new InvalidOperationException("no models/repository folder found above the working directory; pass --model-repository");
        if (!Directory.Exists(Path.Combine(repository, options.Model)))
        {
            throw new InvalidOperationException($"model '{options.Model}' is not in {repository}");
        }

        // models/repository → the repository root, where the pass-through policy lives.
        var root = Path.GetFullPath(Path.Combine(repository, "..", ".."));
        var passThrough = Path.Combine(root, "loadtests", "policies", "passthrough");
        var nginxBinary = options.Nginx
            ? ExecutableLocator.Find(options.NginxBinary, "nginx", "/usr/sbin/nginx", "nginx-light", "--nginx-binary")
            : null;
        var binary = options.NeuralsecBinary ?? await NeuralsecProcess.BuiltBinaryAsync(root, Console.Error);
        var targets = new SelfHostedTargets();
        try
        {
            var modelServer = await targets.StartGatewayAsync(binary, "model-server",
                "--NeuralSec:Backend=OnnxRuntime",
                $"--NeuralSec:OnnxRuntime:ModelRepository={Path.GetFullPath(repository)}",
                $"--NeuralSec:OnnxRuntime:Models:0={options.Model}",
                $"--NeuralSec:Policies:Directory={passThrough}");
            targets.ModelServer = modelServer;
            for (var i = 0; i < options.DynamicBatching.Count; i++)
            {
                var copy = BatchedRepository.Create(repository, options.Model, options.DynamicBatching[i]);
                targets.batchedRepositories.Add(copy);
                targets.batched.Add(await targets.StartGatewayAsync(binary, BatchedName(i),
                    "--NeuralSec:Backend=OnnxRuntime",
                    $"--NeuralSec:OnnxRuntime:ModelRepository={copy.Path}",
                    $"--NeuralSec:OnnxRuntime:Models:0={options.Model}",
                    $"--NeuralSec:Policies:Directory={passThrough}"));
            }

            if (nginxBinary is not null)
            {
                targets.Nginx = await NginxProcess.StartAsync(nginxBinary, modelServer.Grpc, options.Model);
            }

            if (options.ReferenceProxy)
            {
                targets.ReferenceProxy = await ReferenceProxyProcess.StartAsync(modelServer.Grpc);
            }

            targets.Sidecar = await targets.StartGatewayAsync(binary, "sidecar",
                "--NeuralSec:Backend=Upstream",
                $"--NeuralSec:Upstream:Address={modelServer.Grpc}",
                $"--NeuralSec:Policies:Directory={passThrough}");
            for (var i = 0; i < options.DefendedPolicies.Count; i++)
            {
                targets.defended.Add(await targets.StartGatewayAsync(binary, DefendedName(i),
                    "--NeuralSec:Backend=Upstream",
                    $"--NeuralSec:Upstream:Address={modelServer.Grpc}",
                    $"--NeuralSec:Policies:Directory={Path.GetFullPath(options.DefendedPolicies[i])}",
                    $"--NeuralSec:OnnxRuntime:ModelRepository={Path.GetFullPath(repository)}",
                    "--NeuralSec:Alerts:Enabled=false"));
            }

            for (var i = 0; i < options.AuxiliaryBatching.Count; i++)
            {
                // A repository of the autoencoder alone, batched: the sidecar's served model is upstream.
                var copy = BatchedRepository.Create(repository, DynamicBatchingOption.AuxiliaryModel, options.AuxiliaryBatching[i]);
                targets.batchedRepositories.Add(copy);
                targets.auxiliaryBatched.Add(await targets.StartGatewayAsync(binary, AuxiliaryBatchedName(i),
                    "--NeuralSec:Backend=Upstream",
                    $"--NeuralSec:Upstream:Address={modelServer.Grpc}",
                    $"--NeuralSec:Policies:Directory={Path.GetFullPath(options.DefendedPolicies[0])}",
                    $"--NeuralSec:OnnxRuntime:ModelRepository={copy.Path}",
                    "--NeuralSec:Alerts:Enabled=false"));
            }

            return targets;
        }
        catch
        {
            await targets.DisposeAsync();
            throw;
        }
    }

    /// <summary>The target name of the <paramref name="index"/>-th defended sidecar: defended, defended-2, …</summary>
    public static string DefendedName(int index) => index == 0 ? "defended" : $"defended-{index + 1}";

    /// <summary>The target name of the <paramref name="index"/>-th defended sidecar with its autoencoder batched.</summary>
    public static string AuxiliaryBatchedName(int index) => index == 0 ? "defended-aux-batched" : $"defended-aux-batched-{index + 1}";

    /// <summary>The target name of the <paramref name="index"/>-th batched model server: direct-batched, direct-batched-2, …</summary>
    public static string BatchedName(int index) => index == 0 ? "direct-batched" : $"direct-batched-{index + 1}";

    /// <summary>The processes started, for memory figures.</summary>
    public IReadOnlyList<NeuralsecProcess> Processes => processes;

    public async ValueTask DisposeAsync()
    {
        // Proxies first, then the server they forward to.
        if (Nginx is not null)
        {
            await Nginx.DisposeAsync();
            Nginx = null;
        }

        if (ReferenceProxy is not null)
        {
            await ReferenceProxy.DisposeAsync();
            ReferenceProxy = null;
        }

        for (var i = processes.Count - 1; i >= 0; i--)
        {
            await processes[i].DisposeAsync();
        }

        processes.Clear();
        foreach (var copy in batchedRepositories)
        {
            copy.Dispose();
        }

        batchedRepositories.Clear();
    }

    private async Task<NeuralsecProcess> StartGatewayAsync(string binary, string name, params string[] settings)
    {
        var server = NeuralsecProcess.Start(name, binary, settings);
        processes.Add(server);
        await server.WaitReadyAsync(NeuralsecProcess.ReadyLimit);
        return server;
    }
}
