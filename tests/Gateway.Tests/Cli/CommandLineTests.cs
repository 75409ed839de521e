using NeuralSec.Tests.Shared;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.Cli;

/// <summary>
/// <c>neuralsec</c>'s command line as a new user meets it: help everywhere (exit 0), a suggestion for a typo (exit 2),
/// and configuration switches still starting the sidecar.
/// </summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task Root_help_lists_every_command_and_exits_zero(string help)
    {
        var (code, output, error) = await RunAsync(help);

        Assert.Equal(0, code);
        Assert.Empty(error);
        foreach (var command in new[] { "serve", "healthcheck", "policy", "calibrate" })
        {
            Assert.Contains(command, output, StringComparison.Ordinal);
        }

        Assert.Contains("--NeuralSec:Backend=Upstream", output, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 success, 1 failure, 2 usage error.", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serve", "--help")]
    [InlineData("healthcheck", "--help")]
    [InlineData("policy", "--help")]
    [InlineData("policy", "validate", "--help")]
    [InlineData("policy", "explain", "-h")]
    [InlineData("policy", "schema", "--help")]
    [InlineData("calibrate", "--help")]
    [InlineData("help", "policy", "validate")]
    [InlineData("policy", "help", "explain")]
    public async Task Every_command_has_help_and_exits_zero(params string[] args)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains("Exit codes: ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_validate_help_states_its_own_exit_codes()
    {
        var (_, output, _) = await RunAsync("policy", "validate", "--help");

        Assert.Contains("--model-repository <DIR>", output, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 valid, 1 invalid (errors as file:line:column), 2 usage error.", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("neuralsec: unknown option '--hepl'; did you mean '--help'?", "--hepl")]
    [InlineData("neuralsec: unknown command 'polcy'; did you mean 'policy'?", "polcy", "validate", "policies")]
    [InlineData("neuralsec: unknown command 'calibrte'; did you mean 'calibrate'?", "calibrte")]
    [InlineData("neuralsec policy: unknown command 'valdate'; did you mean 'validate'?", "policy", "valdate", "policies")]
    [InlineData("neuralsec policy validate: unknown option '--modle-repository'; did you mean '--model-repository'?", "policy", "validate", "--modle-repository", "models", "policies")]
    [InlineData("neuralsec calibrate: unknown option '--taget-fpr'; did you mean '--target-fpr'?", "calibrate", "--policy", "p.yaml", "--benign", "b", "--taget-fpr", "0.01")]
    [InlineData("neuralsec calibrate: --method is quantile or normal, not 'nromal'; did you mean 'normal'?", "calibrate", "--policy", "p.yaml", "--benign", "b", "--method", "nromal")]
    [InlineData("neuralsec healthcheck: unknown option '--ulr'; did you mean '--url'?", "healthcheck", "--ulr", "http://127.0.0.1:8000/")]
    public async Task A_typo_is_a_usage_error_with_a_suggestion(string expected, params string[] args)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.Empty(output);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        Assert.EndsWith(" --help')", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("neuralsec calibrate: --policy needs a value", "calibrate", "--benign", "b", "--policy")]
    [InlineData("neuralsec calibrate: --policy needs a value", "calibrate", "--policy", "--write", "--benign", "b")]
    [InlineData("neuralsec calibrate: --benign is required", "calibrate", "--policy", "p.yaml")]
    [InlineData("neuralsec healthcheck: --url needs a value", "healthcheck", "--url")]
    [InlineData("neuralsec healthcheck: --url must be an http:// or https:// address, got 'localhost'", "healthcheck", "--url", "localhost")]
    [InlineData("neuralsec policy explain: missing <file>", "policy", "explain")]
    [InlineData("neuralsec policy: missing command; expected one of: validate, explain, schema", "policy")]
    [InlineData("neuralsec: unknown option '--NeuralSec:Backend'", "--NeuralSec:Backend", "Upstream")]
    public async Task A_missing_or_bad_value_is_a_usage_error(string expected, params string[] args)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith(expected, Assert.Single(Lines(error)), StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_switches_without_a_command_still_mean_serve()
    {
        var root = NeuralsecCommandLine.CreateProgram().Root;

        foreach (var args in new[] { Array.Empty<string>(), ["--NeuralSec:Backend=Upstream", "--NeuralSec:Upstream:Address=http://127.0.0.1:9001"] })
        {
            var parsed = root.Parse(args);
            Assert.Empty(parsed.Errors);
            Assert.Same(root, parsed.CommandResult.Command);
            Assert.Equal(args, parsed.GetValue<string[]>("configuration") ?? []);
        }
    }

    [Fact]
    public void Serve_passes_every_token_through_as_configuration()
    {
        string[] switches = ["--NeuralSec:Backend", "Upstream", "--Logging:LogLevel:Default=Warning", "/NeuralSec:Server:GrpcPort=9101"];

        var parsed = NeuralsecCommandLine.CreateProgram().Root.Parse(["serve", .. switches]);

        Assert.Empty(parsed.Errors);
        Assert.Equal("serve", parsed.CommandResult.Command.Name);
        Assert.Equal(switches, parsed.GetValue<string[]>("configuration"));
    }

    [Fact]
    public async Task The_suggest_directive_completes_commands_for_the_shell()
    {
        var (code, output, _) = await RunAsync("[suggest:13]", "neuralsec pol");

        Assert.Equal(0, code);
        Assert.Equal(["policy"], Lines(output));
    }

    /// <summary>The built binary itself: <c>--help</c> prints help and exits, it does not start a sidecar.</summary>
    [Fact]
    public async Task The_neuralsec_binary_prints_help_and_exits_instead_of_serving()
    {
        var (code, output, error) = await RunBinaryAsync("--help");

        Assert.True(code == 0, error);
        Assert.StartsWith("Description:", output, StringComparison.Ordinal);
        Assert.Contains("Usage:\n  neuralsec [command] [options]", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);

        var (typo, _, typoError) = await RunBinaryAsync("--hepl");
        Assert.Equal(2, typo);
        Assert.Equal("neuralsec: unknown option '--hepl'; did you mean '--help'? (see 'neuralsec --help')", typoError.Trim());
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = await NeuralsecCommandLine.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    private static string[] Lines(string text) => text.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    // A sidecar that started instead of printing help would never exit by itself: the limit catches that.
    private static Task<(int Code, string Output, string Error)> RunBinaryAsync(params string[] args) =>
        DotnetProgram.RunAsync(NeuralsecDll(), args, TimeSpan.FromSeconds(60));

    private static string NeuralsecDll() => DotnetProgram.Find(
        Path.Combine(AppContext.BaseDirectory, "neuralsec.dll"),
        Path.Combine(RepoPaths.Root, "src", "Gateway", "bin", "Release", "net10.0", "neuralsec.dll"));
}
