using System.CommandLine;
using System.Text;
using NeuralSec.CommandLine;
using NeuralSec.Detectors.Calibration;
using NeuralSec.Gateway.Backends.OnnxRuntime;
using NeuralSec.Policy.Editing;
using NeuralSec.Policy.Model;
using NeuralSec.Policy.Validation;

namespace NeuralSec.Gateway.Calibration;

/// <summary>
/// <c>neuralsec calibrate</c>: sets each detector's threshold from benign data at a target false-positive rate,
/// reports what the thresholds do on benign and adversarial sets, and writes them into the policy file (or prints
/// the change as a patch). Thresholds come from this command, never from constants in code.
/// Exit codes: 0 done, 1 failure (a file, an invalid policy, a model or detector error), 2 usage error.
/// </summary>
internal static class CalibrateCommand
{
    public const int Ok = ExitCodes.Success;
    public const int Failed = ExitCodes.Failure;
    public const int UsageError = ExitCodes.UsageError;

    /// <summary><c>neuralsec calibrate</c> with its writers passed in, so tests need not swap the process's console.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
        => NeuralsecCommandLine.RunAsync(["calibrate", .. args], output, error, cancellationToken);

    public static Command Create()
    {
        var options = new CalibrateArguments.Options();
        var command = new Command("calibrate", "Set detector thresholds from benign data at a target false-positive rate, report them on adversarial sets, write them into the policy");
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }

        command.Validators.Add(options.Validate);
        command.SetAction((parseResult, cancellationToken) =>
            RunAsync(options.Bind(parseResult), parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error, cancellationToken));
        return command
            .WithHelpNotes("""
                Example: neuralsec calibrate --policy policies/mnist.yaml --benign data/mnist/mnist-10k.bin.gz --split test \
                             --range 0:1000 --target-fpr 0.0033 --write
                Without --write or --patch the thresholds are reported, not written (docs/calibration.md).
                """)
            .WithExitCodes("0 done, 1 failure (a file, an invalid policy, a model or detector error), 2 usage error");
    }

    private static async Task<int> RunAsync(CalibrateArguments arguments, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (arguments.Adversarial.Prepend(arguments.Benign).Prepend(arguments.Policy).FirstOrDefault(f => !File.Exists(f)) is { } missing)
        {
            throw new CalibrationException($"'{missing}' does not exist");
        }

        if (arguments.ModelRepository is { } given && !Directory.Exists(given))
        {
            throw new CalibrationException($"model repository '{given}' does not exist");
        }

        var repository = NeuralSec.Data.RepositoryPaths.LocateModelRepository(arguments.ModelRepository)
            ?? throw new CalibrationException("no model repository found (no models/repository above this folder); give --model-repository DIR");
        var validator = new PolicyValidator(modelRepository: repository);
        var source = Read(arguments.Policy);
        var (policy, text, errors) = Load(validator, source);
        if (policy is null)
        {
            foreach (var problem in errors)
            {
                await error.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
            }

            return Failed;
        }

        if (policy.Detect.Count == 0)
        {
            throw new CalibrationException($"{arguments.Policy}: the policy has no detect entries; there is nothing to calibrate");
        }

        var modelName = arguments.Model ?? (policy.IsDefault
            ? throw new CalibrationException($"{arguments.Policy} is the default policy (models: [\"*\"]); name the model to calibrate with --model")
            : policy.Models[0]);
        var benign = CalibrationData.Read(arguments.Benign, arguments.TestSplit, arguments.Range);
        var adversarial = arguments.Adversarial.Select(path => CalibrationData.Read(path, testSplit: null, range: null)).ToArray();

        using var models = new CalibrationModels(repository);
        var detectors = await PolicyCalibrator.RunAsync(policy, modelName, models, benign, adversarial, arguments.TargetFpr, arguments.Method, cancellationToken).ConfigureAwait(false);

        // With --patch stdout carries the diff alone (`… --patch > thresholds.patch`); the numbers go to stderr.
        var report = arguments.Patch ? error : output;
        var method = arguments.Method == ThresholdMethod.NormalFit ? "normal fit" : "quantile";
        await report.WriteLineAsync($"{arguments.Policy}: model '{modelName}', target FPR {PolicyRewriter.Number(arguments.TargetFpr)} ({method})").ConfigureAwait(false);
        await report.WriteAsync(CalibrationTable.Format(detectors, benign, adversarial)).ConfigureAwait(false);
        if (!arguments.Write && !arguments.Patch)
        {
            await report.WriteLineAsync("(not written: --write updates the policy, --patch prints the change)").ConfigureAwait(false);
            return Ok;
        }

        var updated = PolicyRewriter.Apply(text.Body, detectors.Select(d => d.ToUpdate()).ToArray());
        var bytes = text.Encode(updated);
        var check = validator.ValidateFile(new PolicySource(arguments.Policy, bytes));
        if (check.Policy is null)
        {
            // Never leave a policy the sidecar would refuse: report and keep the file as it was.
            await error.WriteLineAsync($"neuralsec calibrate: the updated policy does not validate; {arguments.Policy} is unchanged").ConfigureAwait(false);
            foreach (var problem in check.Errors)
            {
                await error.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
            }

            return Failed;
        }

        // Read back what was written: an edit in the wrong place would still validate but carry other numbers.
        if (detectors.FirstOrDefault(d => check.Policy.Detect[d.Index].Threshold != d.Threshold) is { } misplaced)
        {
            throw new CalibrationException($"the rewritten policy does not read back threshold {PolicyRewriter.Number(misplaced.Threshold)} for detect[{misplaced.Index}]; {arguments.Policy} is unchanged");
        }

        if (arguments.Patch)
        {
            await output.WriteAsync(UnifiedDiff.Create(PatchPath.For(arguments.Policy), text.Body, updated)).ConfigureAwait(false);
            return Ok;
        }

        if (bytes.AsSpan().SequenceEqual(source.Content))
        {
            await report.WriteLineAsync($"{arguments.Policy}: thresholds already up to date").ConfigureAwait(false);
            return Ok;
        }

        PolicyFile.ReplaceAtomically(arguments.Policy, bytes);
        await report.WriteLineAsync($"{arguments.Policy}: thresholds written (revision {source.Revision} -> {new PolicySource(arguments.Policy, bytes).Revision})").ConfigureAwait(false);
        return Ok;
    }

    private static PolicySource Read(string path)
    {
        try
        {
            return PolicySource.FromFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CalibrationException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The policy to calibrate. A policy that is only missing what calibration writes (a first calibration: no
    /// <c>threshold</c> yet, no benign statistics) is loaded with placeholders for those; any other error is reported
    /// as the validator reports it on the file itself, positions included.
    /// </summary>
    private static (FirewallPolicy? Policy, PolicyText Text, IReadOnlyList<PolicyError> Errors) Load(PolicyValidator validator, PolicySource source)
    {
        var result = validator.ValidateFile(source);
        if (!PolicyText.TryDecode(source.Content, out var text) || result.Policy is not null)
        {
            return (result.Policy, text, result.Errors);
        }

        var filled = PolicyRewriter.FillMissing(text.Body);
        if (filled is null)
        {
            return (null, text, result.Errors);
        }

        var provisional = validator.ValidateFile(new PolicySource(source.Path, text.Encode(filled)));
        if (provisional.Policy is not null)
        {
            return (provisional.Policy, text, []);
        }

        // Leave out what calibration would have filled in (the provisional text no longer has those messages);
        // positions come from the file itself, never from the provisional text.
        var remaining = result.Errors.Where(e => provisional.Errors.Any(p => p.Message == e.Message)).ToArray();
        return (null, text, remaining.Length > 0 ? remaining : result.Errors);
    }
}
