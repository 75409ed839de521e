using NeuralSec.Tests.Shared;
using NeuralSec.Data;

namespace NeuralSec.CommandLine.Tests;

/// <summary>The example client as a user runs it: <c>dotnet exec mnist-client.dll …</c>.</summary>
public sealed class MnistClientTests
{
    [Fact]
    public async Task Help_exits_zero_and_names_every_option()
    {
        var (code, output, error) = await RunAsync("--help");

        Assert.True(code == 0, error);
        foreach (var option in new[] { "--address", "--index", "--model", "--json" })
        {
            Assert.Contains(option, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_mistyped_option_exits_two_with_a_suggestion_on_stderr()
    {
        var (code, output, error) = await RunAsync("--adress", "http://127.0.0.1:8001");

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains("'--adress' was not matched. Did you mean one of the following?", error, StringComparison.Ordinal);
        Assert.Contains("--address", error.Replace("--adress", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--index")]
    [InlineData("--index", "abc")]
    [InlineData("--address", "not-a-url")]
    [InlineData("--index", "2000", "--json")]
    public async Task Missing_or_bad_values_exit_two(params string[] args)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task Json_writes_the_request_body()
    {
        var (code, output, error) = await RunAsync("--json", "--index", "3");

        Assert.True(code == 0, error);
        Assert.StartsWith("{\"id\":\"digit-3\",\"inputs\":[{\"name\":\"input\",\"shape\":[1,1,28,28]", output, StringComparison.Ordinal);
    }

    private static Task<(int Code, string Output, string Error)> RunAsync(params string[] args) =>
        DotnetProgram.RunAsync(ClientDll(), args, TimeSpan.FromSeconds(60), RepositoryPaths.Root());

    private static string ClientDll() => DotnetProgram.Find(
        Path.Combine(AppContext.BaseDirectory, "mnist-client.dll"),
        Path.Combine(RepositoryPaths.Root(), "examples", "MnistClient", "bin", "Release", "net10.0", "mnist-client.dll"));
}
