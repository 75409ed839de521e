using System.Globalization;
using NeuralSec.Detectors.Calibration;

namespace NeuralSec.Gateway.Calibration;

/// <summary>The command line of <c>neuralsec calibrate</c>, parsed; nothing here touches the file system.</summary>
internal sealed record CalibrateArguments
{
    public required string Policy { get; init; }

    public required string Benign { get; init; }

    /// <summary>The MNIST fixture's split: true for test, false for train, null when not given (test).</summary>
    public bool? TestSplit { get; init; }

    public (int Start, int Count)? Range { get; init; }

    public double TargetFpr { get; init; } = 0.01;

    public ThresholdMethod Method { get; init; } = ThresholdMethod.EmpiricalQuantile;

    public IReadOnlyList<string> Adversarial { get; init; } = [];

    public bool Write { get; init; }

    public bool Patch { get; init; }

    public string? Model { get; init; }

    public string? ModelRepository { get; init; }

    /// <summary>The arguments, or null with <paramref name="problem"/> saying what is wrong (a usage error).</summary>
    public static CalibrateArguments? Parse(IReadOnlyList<string> args, out string problem)
    {
        string? policy = null, benign = null, model = null, repository = null;
        bool? testSplit = null;
        (int, int)? range = null;
        var fpr = 0.01;
        var method = ThresholdMethod.EmpiricalQuantile;
        var adversarial = new List<string>();
        bool write = false, patch = false;
        problem = string.Empty;
        for (var i = 0; i < args.Count; i++)
        {
            var option = args[i];
            if (option is "--write" or "--patch")
            {
                (write, patch) = option == "--write" ? (true, patch) : (write, true);
                continue;
            }

            if (option is not ("--policy" or "--benign" or "--split" or "--range" or "--target-fpr" or "--method" or "--adversarial" or "--model" or "--model-repository"))
            {
                problem = option.StartsWith('-') ? $"unknown option '{option}'" : $"unexpected argument '{option}'";
                return null;
            }

            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                problem = $"{option} needs a value";
                return null;
            }

            var value = args[++i];
            switch (option)
            {
                case "--policy":
                    policy = value;
                    break;
                case "--benign":
                    benign = value;
                    break;
                case "--adversarial":
                    adversarial.Add(value);
                    break;
                case "--model":
                    model = value;
                    break;
                case "--model-repository":
                    repository = value;
                    break;
                case "--split" when value is "test" or "train":
                    testSplit = value == "test";
                    break;
                case "--split":
                    problem = $"--split is test or train, not '{value}'";
                    return null;
                case "--method" when value is "quantile" or "normal":
                    method = value == "quantile" ? ThresholdMethod.EmpiricalQuantile : ThresholdMethod.NormalFit;
                    break;
                case "--method":
                    problem = $"--method is quantile or normal, not '{value}'";
                    return null;
                case "--target-fpr":
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out fpr) || !(fpr is >= 0 and < 1))
                    {
                        problem = $"--target-fpr must be a rate in [0, 1), e.g. 0.01, not '{value}'";
                        return null;
                    }

                    break;
                default: // --range
                    if (ParseRange(value) is not { } parsed)
                    {
                        problem = $"--range is START:COUNT with START >= 0 and COUNT >= 1, not '{value}'";
                        return null;
                    }

                    range = parsed;
                    break;
            }
        }

        problem = (policy, benign, write && patch) switch
        {
            (null, _, _) => "--policy is required",
            (_, null, _) => "--benign is required",
            (_, _, true) => "--write and --patch exclude each other",
            _ when method == ThresholdMethod.NormalFit && fpr == 0 => "--method normal needs a --target-fpr above 0",
            _ => string.Empty,
        };
        return problem.Length > 0
            ? null
            : new CalibrateArguments
            {
                Policy = policy!,
                Benign = benign!,
                TestSplit = testSplit,
                Range = range,
                TargetFpr = fpr,
                Method = method,
                Adversarial = adversarial,
                Write = write,
                Patch = patch,
                Model = model,
                ModelRepository = repository,
            };
    }

    private static (int, int)? ParseRange(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && int.TryParse(value.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            && int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count >= 1
                ? (start, count)
                : null;
    }
}
