using NeuralSec.Gateway.Policy.Cli;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Policy.Tests;

namespace NeuralSec.Gateway.Tests.Policy;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    /// <summary>Tests that swap the process-wide Console writers; nothing else may run beside them.</summary>
    public const string Name = "Console";
}

/// <summary><c>neuralsec policy …</c> run in-process: exit codes and output.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class PolicyCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("neuralsec-cli-");

    private static string Examples => Path.Combine(RepoPaths.Root, "policies");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Validate_ExamplePolicies_ExitsZero()
    {
        var (code, output, error) = await RunAsync("validate", Examples);

        Assert.Equal(0, code);
        Assert.EndsWith("4 policy files valid\n", output, StringComparison.Ordinal);
        Assert.Contains("default.yaml: ok: policy 'default' revision ", output, StringComparison.Ordinal);
        Assert.Empty(error);
    }

    [Fact]
    public async Task Validate_InvalidFiles_ExitsOne_PrintingEveryError()
    {
        var bad = Write("bad.yaml", PolicyYaml.Minimal + "  mdoe: enforce\n  output: { topK: 0 }\n");
        var good = Write("good.yaml", PolicyYaml.Minimal.Replace("mnist-default", "other", StringComparison.Ordinal).Replace("[mnist]", "[other]", StringComparison.Ordinal));

        var (code, output, _) = await RunAsync("validate", bad, good);

        Assert.Equal(1, code);
        Assert.Equal(
            $"""
            {bad}:7:3: error: unknown key 'mdoe' in spec (did you mean 'mode'?)
            {bad}:8:19: error: output.topK must be between 1 and 1000, not 0
            2 errors in 2 policy files

            """,
            output);
    }

    [Fact]
    public async Task Validate_ChecksAFolderAsOneSet()
    {
        Write("a.yaml", PolicyYaml.Minimal);
        Write("b.yml", PolicyYaml.Minimal);
        Write(".hidden.yaml", "not: a policy");

        var (code, output, _) = await RunAsync("validate", _folder.FullName);

        Assert.Equal(1, code);
        Assert.Contains($"{Path.Combine(_folder.FullName, "b.yml")}:4:9: error: policy name 'mnist-default' is already used by", output, StringComparison.Ordinal);
        Assert.Contains("error: model 'mnist' for every client is already governed by policy 'mnist-default'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_EmptyFolder_ExitsOne()
    {
        var (code, output, _) = await RunAsync("validate", _folder.FullName);

        Assert.Equal(1, code);
        Assert.Contains("no policy files", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("validate")]
    [InlineData("frobnicate")]
    [InlineData("validate", "/no/such/policy.yaml")]
    [InlineData("validate", "--strict", "x")]
    [InlineData("explain")]
    [InlineData("schema", "extra")]
    public async Task UsageErrors_ExitTwo(params string[] args)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.Empty(output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("neuralsec policy", line, StringComparison.Ordinal);
        Assert.EndsWith(" --help')", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_SaysWhatThePolicyDoes()
    {
        var (code, output, _) = await RunAsync("explain", Path.Combine(Examples, "mnist-tenant-a.yaml"));

        Assert.Equal(0, code);
        Assert.Contains("Applies to: model 'mnist', for clients in group 'tenant-a'.", output, StringComparison.Ordinal);
        Assert.Contains("Mode: enforce.", output, StringComparison.Ordinal);
        Assert.Contains("callers with no accepted identity are refused (UNAUTHENTICATED)", output, StringComparison.Ordinal);
        Assert.Contains("batches larger than 16 are refused", output, StringComparison.Ordinal);
        Assert.Contains("Output: only the predicted label is returned.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_SaysWhatTheStreamDefensesDoAndWhoIsOneClient()
    {
        var (code, output, _) = await RunAsync("explain", Path.Combine(RepoPaths.Root, "policies", "mnist.yaml"));

        Assert.Equal(0, code);
        Assert.Contains("served as client 'anonymous@<address>', one per network address", output, StringComparison.Ordinal);
        Assert.Contains("Stream defenses (each client's queries, remembered for 1 day; sanctions last 10 minutes", output, StringComparison.Ordinal);
        Assert.Contains("nearDuplicate", output, StringComparison.Ordinal);
        Assert.Contains("the answer is refused and the client is refused (PERMISSION_DENIED) for the cooldown", output, StringComparison.Ordinal);
        Assert.Contains("flags a score below 0.96; then the client's budget drops to 1 request per second", output, StringComparison.Ordinal);

        var none = await RunAsync("explain", Write("plain.yaml", PolicyYaml.Minimal));
        Assert.Contains("Stream defenses: none; each request is judged alone", none.Output, StringComparison.Ordinal);
        var monitor = await RunAsync("explain", Write("watch.yaml", PolicyYaml.Minimal + "  mode: monitor\n  input: { image: { tensor: input } }\n  extraction:\n    detectors:\n      - { type: nearDuplicate, threshold: 25, action: block }\n"));
        Assert.Contains("would happen, but monitor mode only alerts", monitor.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_SaysInWhichOrderTheDetectorsRun()
    {
        const string Detectors = "  input: { image: { tensor: input } }\n  detect:\n    - { type: featureSqueezing, threshold: 1 }\n    - { type: statistics, threshold: 3, benignMean: [0.1, 0.3, 0.1, 0.1], benignStd: [0.1, 0.1, 0.1, 0.1] }\n";
        var together = await RunAsync("explain", Write("together.yaml", PolicyYaml.Minimal + Detectors));
        var ordered = await RunAsync("explain", Write("ordered.yaml", PolicyYaml.Minimal + Detectors + "  detectOrder: cheapFirst\n"));

        Assert.Equal(0, ordered.Code);
        Assert.Contains("all detectors run at once on every request (detectOrder: concurrent)", together.Output, StringComparison.Ordinal);
        Assert.Contains("Order: cheapest first, in 2 rounds (pixel arithmetic: statistics; then a call of the served model: featureSqueezing); a request an earlier round blocks is refused without running the later ones", ordered.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_SaysWhatRefusedCallersAreTold()
    {
        var coarse = Write("coarse.yaml", PolicyYaml.Minimal);
        var explained = Write("explained.yaml", PolicyYaml.Minimal + "  refusals: { explain: true }\n");

        var (_, coarseOutput, _) = await RunAsync("explain", coarse);
        var (code, explainedOutput, _) = await RunAsync("explain", explained);

        Assert.Contains("Refusals: callers get the status, the request id and a coarse reason code", coarseOutput, StringComparison.Ordinal);
        Assert.Equal(0, code);
        Assert.Contains("Refusals: EXPLAINED to callers", explainedOutput, StringComparison.Ordinal);
        Assert.Contains("oracle for adaptive attackers", explainedOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_InvalidPolicy_ExitsOne_WithErrors()
    {
        var bad = Write("bad.yaml", PolicyYaml.Minimal + "  mode: shadow\n");

        var (code, output, _) = await RunAsync("explain", bad);

        Assert.Equal(1, code);
        Assert.Equal($"{bad}:7:9: error: 'shadow' is not a valid mode (expected one of 'enforce', 'monitor')\n", output);
    }

    [Fact]
    public async Task Schema_PrintsTheCommittedSchema()
    {
        var (code, output, _) = await RunAsync("schema");

        Assert.Equal(0, code);
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "policies", "schema", "firewallpolicy.schema.json")), output);
    }

    [Fact]
    public async Task Program_DispatchesPolicy_ToTheConsole()
    {
        var (originalOut, originalError) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        int code;
        try
        {
            code = await Program.Main(["policy", "validate", Path.Combine(Examples, "mnist.yaml")]);
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }

        Assert.Equal(0, code);
        Assert.Contains("1 policy file valid", output.ToString(), StringComparison.Ordinal);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = await PolicyCommand.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
