using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using NeuralSec.Detectors;
using NeuralSec.Detectors.Calibration;
using NeuralSec.Detectors.Images;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Policy.Validation;

namespace NeuralSec.Gateway.Tests.Calibration;

/// <summary><c>neuralsec calibrate</c> on the real fixture classifier (models/repository/mnist) and real MNIST digits.</summary>
public sealed partial class CalibrateCommandTests : IDisposable
{
    private const string Policy = """
        # Calibration test policy: this comment must survive.
        apiVersion: neuralsec.io/v1
        kind: FirewallPolicy
        metadata:
          name: calibrated   # and this one
        spec:
          models: [mnist]
          input:
            image: { tensor: input }
          detect:
            - { type: featureSqueezing, action: alert }   # threshold comes from calibrate
          output: { topK: 1 }

        """;

    private readonly CalibrationFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task Write_sets_the_rank_rule_threshold_keeps_every_other_byte_and_validates()
    {
        var path = _fixture.Write("policy.yaml", Policy);

        var (code, output, error) = await Run(path, "--write");

        Assert.True(code == 0, error);
        var written = File.ReadAllText(path);
        var threshold = WrittenThreshold(written);
        var scores = await CalibrationFixture.ScoreAsync(DefenseFactory.CreateDetector("featureSqueezing"), CalibrationFixture.Digits(0, CalibrationFixture.BenignCount));
        Assert.Equal(ThresholdCalibrator.ForHighScores(scores, 0.01), threshold);
        Assert.Equal(Policy.Replace("action: alert }", $"threshold: {threshold.ToString("R", CultureInfo.InvariantCulture)}, action: alert }}", StringComparison.Ordinal), written);

        var revalidated = new PolicyValidator(modelRepository: RepoPaths.ModelRepository).ValidateFile(PolicySource.FromFile(path));
        Assert.Empty(revalidated.Errors);
        Assert.Equal(threshold, revalidated.Policy!.Detect[0].Threshold);

        // Expected FPR on the calibration set: ⌊200 · 0.01⌋ = 2 benign digits above the threshold, no more.
        Assert.True(scores.Count(s => s > threshold) <= 0.01 * scores.Length);
        Assert.Matches(@"detect\[0\] featureSqueezing\s+score > t\s+200\s+\S+\s+(0\.50|1\.00)% \(\d/200\)", output);
        Assert.Contains("thresholds written", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_grade_with_a_target_rate_gets_its_own_threshold_beyond_the_entry_threshold()
    {
        var path = _fixture.Write("policy.yaml", Policy.Replace(
            "- { type: featureSqueezing, action: alert }",
            "- { type: featureSqueezing, action: alert, grades: [{ threshold: 2, action: block, fpr: 0.005 }] }",
            StringComparison.Ordinal));

        var (code, output, error) = await Run(path, "--write");

        Assert.True(code == 0, error);
        var revalidated = new PolicyValidator(modelRepository: RepoPaths.ModelRepository).ValidateFile(PolicySource.FromFile(path));
        Assert.Empty(revalidated.Errors);
        var entry = revalidated.Policy!.Detect[0];
        var scores = await CalibrationFixture.ScoreAsync(DefenseFactory.CreateDetector("featureSqueezing"), CalibrationFixture.Digits(0, CalibrationFixture.BenignCount));
        Assert.Equal(ThresholdCalibrator.ForHighScores(scores, 0.01), entry.Threshold);
        var grade = Assert.Single(entry.Grades);
        Assert.Equal(ThresholdCalibrator.ForHighScores(scores, 0.005), grade.Threshold);
        Assert.Equal(0.005, grade.TargetFpr);
        Assert.True(grade.Threshold > entry.Threshold, $"grade {grade.Threshold} should lie beyond the entry's {entry.Threshold}");
        Assert.Matches(@"grades\[0\] block\s+score > t\s+200\s+\S+\s+0\.50% \(1/200\)", output);
    }

    [Fact]
    public async Task Patch_prints_a_unified_diff_and_leaves_the_file_alone()
    {
        var path = _fixture.Write("policy.yaml", Policy);

        var (code, output, error) = await Run(path, "--patch");

        Assert.True(code == 0, error);
        Assert.Equal(Policy, File.ReadAllText(path));
        var threshold = WrittenThreshold(output);
        var line = $"    - {{ type: featureSqueezing, threshold: {threshold.ToString("R", CultureInfo.InvariantCulture)}, action: alert }}   # threshold comes from calibrate";
        // Outside a Git work tree (the fixture's temp folder, not below the test's current folder) the file name alone.
        Assert.Equal(
            $$"""
            diff --git a/policy.yaml b/policy.yaml
            --- a/policy.yaml
            +++ b/policy.yaml
            @@ -8,5 +8,5 @@
               input:
                 image: { tensor: input }
               detect:
            -    - { type: featureSqueezing, action: alert }   # threshold comes from calibrate
            +{{line}}
               output: { topK: 1 }

            """,
            output);

        // The numbers go to stderr so that stdout is the patch alone.
        Assert.Contains("detect[0] featureSqueezing", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_patch_applies_with_a_plain_git_apply_from_the_repository_root()
    {
        // A policy two folders down in a real Git repository, calibrated from somewhere else entirely: the patch
        // names it from the repository root, so `git apply` there needs no -p or --directory.
        var repository = Path.Combine(_fixture.Folder, "repo");
        var policy = Path.Combine(repository, "deploy", "policies", "mnist.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(policy)!);
        File.WriteAllText(policy, Policy);
        Assert.Equal(0, (await Git(repository, "init", "-q")).Code);
        var written = _fixture.Write("written.yaml", Policy);

        var (code, patch, error) = await Run(policy, "--patch");
        Assert.True(code == 0, error);
        Assert.True((await Run(written, "--write")).Code == 0);
        var patchFile = Path.Combine(repository, "thresholds.patch");
        File.WriteAllText(patchFile, patch);

        Assert.StartsWith("diff --git a/deploy/policies/mnist.yaml b/deploy/policies/mnist.yaml\n", patch, StringComparison.Ordinal);
        var applied = await Git(repository, "apply", "thresholds.patch");
        Assert.True(applied.Code == 0, applied.Error);
        Assert.Equal(File.ReadAllText(written), File.ReadAllText(policy));
        Assert.NotEqual(Policy, File.ReadAllText(policy));
    }

    [Fact]
    public async Task Statistics_gets_its_benign_baseline_and_the_report_covers_adversarial_sets()
    {
        var path = _fixture.Write("policy.yaml", Policy.Replace(
            "    - { type: featureSqueezing, action: alert }   # threshold comes from calibrate\n",
            "    - type: statistics   # cheap first line\n      action: block\n",
            StringComparison.Ordinal));

        // L∞ noise lifts the black background into the grey band: the statistics detector must see every image.
        var noisy = CalibrationFixture.Digits(1000, 50);
        var random = new Random(7);
        var pixels = noisy.Span;
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = Math.Clamp(pixels[i] + ((random.NextSingle() * 2) - 1) * 0.3f, 0f, 1f);
        }

        var adversarial = Path.Combine(_fixture.Folder, "noise.bin.gz");
        await using (var stream = File.Create(adversarial))
        {
            ImageSetFormat.Write(stream, noisy, exact: true);
        }

        var (code, output, error) = await Run(path, "--adversarial", adversarial, "--write");

        Assert.True(code == 0, error);
        var written = File.ReadAllText(path);
        Assert.Matches(@"    - type: statistics   # cheap first line\n      threshold: [0-9.eE-]+\n      benignMean: \[[^\]]+\]\n      benignStd: \[[^\]]+\]\n      action: block\n", written);
        var policy = new PolicyValidator(modelRepository: RepoPaths.ModelRepository).ValidateFile(PolicySource.FromFile(path)).Policy!;
        var baseline = StatisticsBaseline.Fit(CalibrationFixture.Digits(0, CalibrationFixture.BenignCount));
        Assert.Equal(baseline.Mean, (double[])policy.Detect[0].Options["benignMean"]);
        Assert.Equal(baseline.Std, (double[])policy.Detect[0].Options["benignStd"]);
        Assert.Matches(@"detect\[0\] statistics .* 100\.00% \(50/50\)", output);
        Assert.Matches(@"any detector .* 100\.00% \(50/50\)", output);
        Assert.Contains($"[1] adversarial: {adversarial}, 50 images", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_MNIST_fixture_is_accepted_as_benign_data_with_a_split_and_a_range()
    {
        var path = _fixture.Write("policy.yaml", Policy);

        var (code, output, error) = await CalibrationFixture.RunAsync(
            "--policy", path, "--benign", RepoPaths.MnistData, "--split", "test", "--range", "0:200", "--model-repository", RepoPaths.ModelRepository);

        // Same 200 test digits as the image set: the same threshold.
        Assert.True(code == 0, error);
        var (_, fromSet, _) = await Run(path);
        Assert.Equal(Row(fromSet), Row(output));
        Assert.Contains("(test split) [0:200], 200 images", output, StringComparison.Ordinal);
        Assert.Equal(Policy, File.ReadAllText(path));
    }

    [Fact]
    public async Task A_missing_file_fails_with_one_line()
    {
        var (code, output, error) = await CalibrationFixture.RunAsync("--policy", Path.Combine(_fixture.Folder, "nope.yaml"), "--benign", _fixture.BenignPath);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Equal($"neuralsec calibrate: '{Path.Combine(_fixture.Folder, "nope.yaml")}' does not exist\n", error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task An_invalid_policy_fails_with_its_compiler_style_errors()
    {
        var path = _fixture.Write("policy.yaml", Policy.Replace("topK: 1", "topK: 0", StringComparison.Ordinal));

        var (code, _, error) = await Run(path, "--write");

        Assert.Equal(1, code);
        Assert.Equal($"{path}:12:19: error: output.topK must be between 1 and 1000, not 0\n", error.ReplaceLineEndings("\n"));
        Assert.Equal(Policy.Replace("topK: 1", "topK: 0", StringComparison.Ordinal), File.ReadAllText(path));
    }

    [Fact]
    public async Task A_split_for_an_image_set_and_a_policy_without_detectors_are_failures()
    {
        var path = _fixture.Write("policy.yaml", Policy);
        var (splitCode, _, splitError) = await Run(path, "--split", "train");
        var bare = _fixture.Write("bare.yaml", Policy.Replace("    - { type: featureSqueezing, action: alert }   # threshold comes from calibrate\n", "", StringComparison.Ordinal).Replace("  detect:\n", "", StringComparison.Ordinal));
        var (bareCode, _, bareError) = await Run(bare);

        Assert.Equal(1, splitCode);
        Assert.Equal($"neuralsec calibrate: --split applies to the MNIST fixture only; {_fixture.BenignPath} is an image set\n", splitError.ReplaceLineEndings("\n"));
        Assert.Equal(1, bareCode);
        Assert.Equal($"neuralsec calibrate: {bare}: the policy has no detect entries; there is nothing to calibrate\n", bareError.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("--policy", "p.yaml")]
    [InlineData("--policy", "p.yaml", "--benign", "b", "--frobnicate")]
    [InlineData("--policy", "p.yaml", "--benign", "b", "--target-fpr", "1.5")]
    [InlineData("--policy", "p.yaml", "--benign", "b", "--range", "10")]
    [InlineData("--policy", "p.yaml", "--benign", "b", "--split", "validation")]
    [InlineData("--policy", "p.yaml", "--benign", "b", "--write", "--patch")]
    public async Task Bad_arguments_are_usage_errors(params string[] args)
    {
        var (code, output, error) = await CalibrationFixture.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Empty(output);
        var line = Assert.Single(error.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("neuralsec calibrate: ", line, StringComparison.Ordinal);
        Assert.EndsWith("(see 'neuralsec calibrate --help')", line, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Error)> Git(string folder, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var git = Process.Start(start)!;
        var error = await git.StandardError.ReadToEndAsync();
        await git.WaitForExitAsync();
        return (git.ExitCode, error);
    }

    private Task<(int Code, string Output, string Error)> Run(string policy, params string[] more) =>
        CalibrationFixture.RunAsync(["--policy", policy, "--benign", _fixture.BenignPath, "--target-fpr", "0.01", "--model-repository", RepoPaths.ModelRepository, .. more]);

    private static double WrittenThreshold(string text) =>
        double.Parse(ThresholdPattern().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);

    private static string Row(string output) => output.Split('\n').Single(l => l.StartsWith("detect[0]", StringComparison.Ordinal));

    [GeneratedRegex(@"\+?\s*- \{ type: featureSqueezing, threshold: ([^,]+),")]
    private static partial Regex ThresholdPattern();
}
