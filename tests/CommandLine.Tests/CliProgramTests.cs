using System.CommandLine;

namespace NeuralSec.CommandLine.Tests;

/// <summary>The convention on a small command tree: what every NeuralSec executable inherits.</summary>
public sealed class CliProgramTests
{
    private static CliProgram Create(Func<string, int>? run = null)
    {
        var name = new Argument<string>("name") { Description = "a name" };
        var count = Values.Integer("--count", "how many", 3, 1, 10);
        var shape = Values.Choice("--shape", "which shape", "round", "round", "square");
        var make = new Command("make", "make something") { name, count, shape };
        make.SetAction(parseResult =>
        {
            var value = parseResult.GetRequiredValue(name);
            parseResult.InvocationConfiguration.Output.WriteLine($"{value} x{parseResult.GetValue(count)} {parseResult.GetValue(shape)}");
            return run?.Invoke(value) ?? 0;
        });
        var group = new Command("group", "a group") { make.WithExitCodes("0 made, 1 not made, 2 usage error") };
        var root = new RootCommand("a tool") { group.WithHelpNotes("Notes about the group.") };
        return new CliProgram("tool", root, e => e is TimeoutException);
    }

    private static (int Code, string Output, string Error) Run(CliProgram program, params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void A_valid_command_line_runs_with_defaults()
    {
        Assert.Equal((0, "box x3 round\n", ""), Run(Create(), "group", "make", "box"));
        Assert.Equal((0, "box x7 square\n", ""), Run(Create(), "group", "make", "box", "--count=7", "--shape", "square"));
    }

    [Theory]
    [InlineData("tool: unknown command 'gruop'; did you mean 'group'? (see 'tool --help')", "gruop", "make", "box")]
    [InlineData("tool group make: unknown option '--cuont'; did you mean '--count'? (see 'tool group make --help')", "group", "make", "box", "--cuont", "2")]
    [InlineData("tool group make: --count must be an integer in [1, 10], got '11' (see 'tool group make --help')", "group", "make", "box", "--count", "11")]
    [InlineData("tool group make: --count needs a value (see 'tool group make --help')", "group", "make", "box", "--count")]
    [InlineData("tool group make: --count needs a value (see 'tool group make --help')", "group", "make", "box", "--count", "--shape")]
    [InlineData("tool group make: --shape is round or square, not 'sqaure'; did you mean 'square'? (see 'tool group make --help')", "group", "make", "box", "--shape", "sqaure")]
    [InlineData("tool group make: missing <name> (see 'tool group make --help')", "group", "make")]
    [InlineData("tool group make: unknown option '--bogus' (see 'tool group make --help')", "group", "make", "--bogus")]
    [InlineData("tool group: missing command; expected one of: make (see 'tool group --help')", "group")]
    public void A_usage_error_is_one_line_and_exit_code_2(string expected, params string[] args)
    {
        Assert.Equal((2, "", expected + "\n"), Run(Create(), args));
    }

    [Fact]
    public void Failures_are_one_line_and_exit_code_1()
    {
        Assert.Equal((1, "tool group make: disk full\n"), Without(Run(Create(_ => throw new IOException("disk full")), "group", "make", "box")));
        Assert.Equal((1, "tool group make: too slow\n"), Without(Run(Create(_ => throw new TimeoutException("too slow")), "group", "make", "box")));
        Assert.Equal((1, "tool group make: internal error: ArgumentException: bad\nsecond line\n".Replace("\nsecond", " second", StringComparison.Ordinal)), Without(Run(Create(_ => throw new ArgumentException("bad\nsecond line")), "group", "make", "box")));
        Assert.Equal((2, "tool group make: box is taken (see 'tool group make --help')\n"), Without(Run(Create(_ => throw new UsageException("box is taken")), "group", "make", "box")));

        static (int, string) Without((int Code, string Output, string Error) r) => (r.Code, r.Error);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("group", "--help")]
    [InlineData("group", "make", "--help")]
    [InlineData("group", "make", "--bogus", "--help")]
    [InlineData("help", "group", "make")]
    [InlineData("group", "help", "make")]
    public void Help_exits_0_everywhere_and_ends_with_the_exit_codes(params string[] args)
    {
        var (code, output, error) = Run(Create(), args);

        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Matches(@"Exit codes: [^\n]+\.\n$", output);
    }

    [Fact]
    public void Help_shows_notes_and_the_nearest_exit_codes()
    {
        Assert.EndsWith("Notes about the group.\n\nExit codes: 0 success, 1 failure, 2 usage error.\n", Run(Create(), "group", "--help").Output, StringComparison.Ordinal);
        Assert.EndsWith("Exit codes: 0 made, 1 not made, 2 usage error.\n", Run(Create(), "group", "make", "-h").Output, StringComparison.Ordinal);
        Assert.Contains("--count <N>", Run(Create(), "group", "make", "-h").Output, StringComparison.Ordinal);
        Assert.Contains("[default: 3]", Run(Create(), "group", "make", "-h").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_suggest_directive_completes_for_the_shell()
    {
        var (code, output, _) = Run(Create(), "[suggest:13]", "tool group ma");

        Assert.Equal(0, code);
        Assert.Equal("make\n", output.ReplaceLineEndings("\n"));
        Assert.Contains("square", Run(Create(), "[suggest:28]", "tool group make x --shape ").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Passed_through_arguments_keep_their_dashes()
    {
        var words = new Argument<string[]>("words") { Arity = ArgumentArity.ZeroOrMore }.PassingOptionsThrough();
        var echo = new Command("echo") { words };
        echo.SetAction(parseResult => parseResult.InvocationConfiguration.Output.WriteLine(string.Join(',', parseResult.GetValue(words) ?? [])));
        var program = new CliProgram("tool", new RootCommand { echo });

        Assert.Equal((0, "--a:b=c,--d,e\n", ""), Run(program, "echo", "--a:b=c", "--d", "e"));
    }
}
