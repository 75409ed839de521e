using NeuralSec.Gateway.Hosting;
using NeuralSec.Gateway.Policy.Runtime;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Tests.Shared;

namespace NeuralSec.Gateway.Tests.Hosting;

/// <summary>
/// Start-up that fails loudly: what the operator asked for by name and cannot have stops the real executable with
/// exit 1 and the reason in one line on stderr — not a live, unready pod answering "not served here".
/// </summary>
public sealed class StartupFailureTests
{
    [Fact]
    public async Task A_named_model_that_cannot_load_stops_the_sidecar_with_its_reason()
    {
        var repository = Directory.CreateTempSubdirectory("neuralsec-broken-");
        try
        {
            var version = Directory.CreateDirectory(Path.Combine(repository.FullName, "mnist", "1"));
            await File.WriteAllTextAsync(Path.Combine(version.FullName, "model.onnx"), "this is not an ONNX graph");

            var (code, _, error) = await ServeAsync(
                $"--NeuralSec:OnnxRuntime:ModelRepository={repository.FullName}",
                "--NeuralSec:OnnxRuntime:Models:0=mnist");

            Assert.Equal(1, code);
            var line = Assert.Single(Lines(error));
            Assert.StartsWith("neuralsec: model 'mnist' (named in NeuralSec:OnnxRuntime:Models) cannot be served: ", line, StringComparison.Ordinal);
            Assert.Contains("model.onnx", line, StringComparison.Ordinal);
        }
        finally
        {
            repository.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_named_model_missing_from_the_repository_stops_the_sidecar()
    {
        var (code, _, error) = await ServeAsync("--NeuralSec:OnnxRuntime:Models:0=mnsit");

        Assert.Equal(1, code);
        Assert.StartsWith("neuralsec: model 'mnsit' was asked for but ", Assert.Single(Lines(error)), StringComparison.Ordinal);
    }

    /// <summary>This build has no CUDA provider (the CPU package): <c>Cuda</c> is a demand, not a preference.</summary>
    [Fact]
    public async Task Cuda_demanded_where_there_is_none_stops_the_sidecar()
    {
        var (code, _, error) = await ServeAsync("--NeuralSec:OnnxRuntime:ExecutionProvider=Cuda");

        Assert.Equal(1, code);
        Assert.StartsWith("neuralsec: ExecutionProvider is Cuda but ", Assert.Single(Lines(error)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_setting_is_a_usage_error_listing_every_mistake()
    {
        var (code, output, error) = await ServeAsync("--NeuralSec:Server:GrpcPrt=9000", "--NeuralSec:Backend=Upsteam");

        Assert.Equal(2, code);
        Assert.DoesNotContain("listening", output, StringComparison.Ordinal);
        Assert.Equal(
            [
                "neuralsec: invalid configuration:",
                "  - NeuralSec:Backend: 'Upsteam' is not one of OnnxRuntime, Upstream; did you mean 'Upstream'?",
                "  - NeuralSec:Server:GrpcPrt: no such setting; did you mean 'GrpcPort'?",
            ],
            Lines(error));
    }

    /// <summary>Run from its build output, the sidecar watches the repository's policies/ (the folder people edit);
    /// published anywhere else — here, the test's own output folder — the copy beside it.</summary>
    [Fact]
    public void Run_from_source_the_default_policy_folder_is_the_repository_one()
    {
        var buildOutput = Path.Combine(RepoPaths.Root, "src", "Gateway", "bin", "Release", "net10.0");

        Assert.Equal(Path.Combine(RepoPaths.Root, "policies"), SourceCheckout.PolicyDirectory(buildOutput));
        Assert.Equal(Path.Combine(RepoPaths.Root, "policies"), new PolicyOptions().ResolveDirectory(buildOutput));
        Assert.Null(SourceCheckout.PolicyDirectory(AppContext.BaseDirectory));
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "policies"), new PolicyOptions().ResolveDirectory(AppContext.BaseDirectory));
        Assert.Equal("/etc/neuralsec/policies", new PolicyOptions { Directory = "/etc/neuralsec/policies" }.ResolveDirectory(buildOutput));
    }

    // The built sidecar on free loopback ports and the pass-through policies; a sidecar that kept running instead of
    // stopping would never exit, and the limit fails the test (a hang guard, not a timing assertion).
    private static Task<(int Code, string Output, string Error)> ServeAsync(params string[] settings) =>
        DotnetProgram.RunAsync(
            Path.Combine(AppContext.BaseDirectory, "neuralsec.dll"),
            [
                "serve",
                "--NeuralSec:Server:ListenAddress=127.0.0.1",
                "--NeuralSec:Server:GrpcPort=0",
                "--NeuralSec:Server:HttpPort=0",
                "--NeuralSec:Server:MetricsPort=0",
                "--NeuralSec:Server:ShutdownDrainDelay=00:00:00",
                $"--NeuralSec:OnnxRuntime:ModelRepository={RepoPaths.ModelRepository}",
                $"--NeuralSec:Policies:Directory={RepoPaths.PassThroughPolicies}",
                .. settings,
            ],
            TimeSpan.FromSeconds(90));

    private static string[] Lines(string text) => text.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
