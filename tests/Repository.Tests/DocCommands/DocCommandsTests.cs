using NeuralSec.Data;

namespace NeuralSec.Repository.Tests.DocCommands;

/// <summary>
/// Every command in README.md and docs/*.md runs as written from a fresh clone: the shell blocks are checked with
/// <see cref="DocCommandChecker"/> against the built executables and Git's index (docs/command-line.md, "Commands in
/// the docs", gives the convention). The other tests show the check failing where a doc is wrong.
/// </summary>
public sealed class DocCommandsTests
{
    private static readonly Lazy<RepositoryFiles> Files = new(RepositoryFiles.Tracked);

    [Fact]
    public async Task Every_command_of_the_readme_and_the_docs_checks_out()
    {
        var root = RepositoryPaths.Root();
        var docs = Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md")
            .Select(p => Path.GetRelativePath(root, p).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .Prepend("README.md")
            .ToArray();
        var checker = new DocCommandChecker(Files.Value);
        var problems = new List<string>();
        foreach (var doc in docs)
        {
            problems.AddRange(await checker.CheckAsync(doc, await File.ReadAllTextAsync(Path.Combine(root, doc))));
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        // A parser that found no blocks would pass everything: the docs hold more than 20 commands, some quick.
        Assert.True(checker.Checked > 20, $"{checker.Checked} commands checked");
        Assert.True(checker.Ran >= 5, $"{checker.Ran} commands run");
    }

    [Fact]
    public async Task A_misspelt_option_fails()
    {
        var problems = await CheckAsync("neuralsec policy validate --model-repostory models/repository policies");

        Assert.Contains(problems, p => p.Contains("'neuralsec policy validate' has no option '--model-repostory'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_file_fails_and_so_does_its_run()
    {
        var problems = await CheckAsync("neuralsec policy explain policies/mnist-defended.yaml");

        // Reported once: a command with a problem is not run as well.
        Assert.Contains("'policies/mnist-defended.yaml' is not in the repository and no earlier command of test.md writes it", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quick_command_that_exits_non_zero_fails()
    {
        var problems = await CheckAsync("neuralsec policy explain README.md");

        Assert.Contains(problems, p => p.Contains("exited 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_an_earlier_command_writes_may_be_read_but_not_before()
    {
        const string Export = "dotnet run -c Release --project src/RedTeam -- export-sets --out artifacts/sets";
        const string Calibrate = "neuralsec calibrate --policy policies/mnist.yaml --benign data/mnist/mnist-10k.bin.gz \\\n"
            + "    --adversarial artifacts/sets/adversarial-pgd-eps0.2.nsimg.gz --patch > thresholds.patch";

        Assert.Empty(await CheckAsync($"{Export}\n{Calibrate}\ngit apply thresholds.patch"));
        Assert.Contains(
            await CheckAsync($"{Calibrate}\ngit apply thresholds.patch\n{Export}"),
            p => p.Contains("'artifacts/sets/adversarial-pgd-eps0.2.nsimg.gz' is not in the repository", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_commands_programs_and_unclassified_commands_fail()
    {
        Assert.Contains(await CheckAsync("neuralsec polcy validate policies"), p => p.Contains("'neuralsec' has no command 'polcy'", StringComparison.Ordinal));
        Assert.Contains(await CheckAsync("curl -s http://127.0.0.1:8000/v2/health/ready"), p => p.Contains("'curl' is no NeuralSec tool", StringComparison.Ordinal));
        Assert.Contains(await CheckAsync("dotnet run --project src/Nope -- --help"), p => p.Contains("needs --project with a tracked project", StringComparison.Ordinal));
        Assert.Contains(await CheckAsync("neuralsec-lab eval models/repository/mnist/1/model.onnx"), p => p.Contains("'neuralsec-lab eval' is in neither", StringComparison.Ordinal));
        Assert.Contains(await CheckAsync("neuralsec calibrate --policy policies/mnist.yaml --benign"), p => p.Contains("'--benign' needs a value", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_not_run_block_is_not_run_but_must_say_why_and_still_parse()
    {
        Assert.Empty(await CheckAsync("curl -s http://127.0.0.1:8000/v2/health/ready\nneuralsec healthcheck --url http://127.0.0.1:8000/v2/health/ready", notRun: "needs a running sidecar"));
        Assert.Contains(await CheckAsync("curl -s http://127.0.0.1:8000/", notRun: ""), p => p.Contains("must say why", StringComparison.Ordinal));
        Assert.Contains(await CheckAsync("neuralsec healthcheck [--url http://127.0.0.1:8000/v2/health/ready]", notRun: "needs a running sidecar"), p => p.Contains("'neuralsec healthcheck' takes no arguments, not '[--url'", StringComparison.Ordinal));
    }

    private static async Task<IReadOnlyList<string>> CheckAsync(string commands, string? notRun = null)
    {
        var comment = notRun is null ? string.Empty : $"<!-- not-run: {notRun} -->\n";
        return await new DocCommandChecker(Files.Value).CheckAsync("test.md", $"# A doc\n\n{comment}```sh\n{commands}\n```\n");
    }
}
