using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using NeuralSec.CommandLine;
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

    /// <summary>
    /// The options of <c>neuralsec calibrate</c>. Every value is checked while parsing, so a bad one is a usage error
    /// (exit 2) before any file is read.
    /// </summary>
    internal sealed class Options
    {
        public Option<string> Policy { get; } = new("--policy")
        {
            Description = "the policy file whose detect thresholds are calibrated",
            HelpName = "FILE",
            Required = true,
        };

        public Option<string> Benign { get; } = new("--benign")
        {
            Description = "clean images: an image set (NSIMAGE1/NSIMAGF1) or the MNIST fixture (data/mnist/mnist-10k.bin.gz)",
            HelpName = "FILE",
            Required = true,
        };

        public Option<string> Split { get; } = Values.Choice("--split", "with the MNIST fixture: its test (default) or train digits", null, "test", "train");

        public Option<(int Start, int Count)?> Range { get; } = new("--range")
        {
            Description = "use images [START, START+COUNT) of the benign set",
            HelpName = "START:COUNT",
            CustomParser = result =>
            {
                var value = result.Tokens[^1].Value;
                if (ParseRange(value) is { } range)
                {
                    return range;
                }

                result.AddError($"--range is START:COUNT with START >= 0 and COUNT >= 1, not '{value}'");
                return null;
            },
        };

        public Option<double> TargetFpr { get; } = Values.Number(
            "--target-fpr", "share of benign inputs each detector may flag (for STRIP: clean inputs rejected)", 0.01, fpr => fpr is >= 0 and < 1, "a rate in [0, 1), e.g. 0.01");

        public Option<string> Method { get; } = Values.Choice(
            "--method", "quantile: order statistic of the benign scores; normal: normal-fit quantile", "quantile", "quantile", "normal");

        public Option<string[]> Adversarial { get; } = new("--adversarial")
        {
            Description = "an image set to report the detection rate on (repeatable)",
            HelpName = "FILE",
        };

        public Option<bool> Write { get; } = new("--write") { Description = "write the thresholds into the policy file (comments and layout kept)" };

        public Option<bool> Patch { get; } = new("--patch") { Description = "print the change as a unified diff on stdout (the table goes to stderr)" };

        public Option<string> Model { get; } = new("--model")
        {
            Description = "the protected model (default: the policy's first model)",
            HelpName = "NAME",
        };

        public Option<string> ModelRepository { get; } = new("--model-repository")
        {
            Description = "<model>/<version>/model.onnx folders (default: the nearest models/repository)",
            HelpName = "DIR",
        };

        public IEnumerable<Option> All => [Policy, Benign, Split, Range, TargetFpr, Method, Adversarial, Write, Patch, Model, ModelRepository];

        /// <summary>The rules between options.</summary>
        public void Validate(CommandResult result)
        {
            if (result.TryGetValue(Write, out var write) && write && result.TryGetValue(Patch, out var patch) && patch)
            {
                result.AddError("--write and --patch exclude each other");
            }
            else if (result.TryGetValue(Method, out var method) && method == "normal" && result.TryGetValue(TargetFpr, out var fpr) && fpr == 0)
            {
                result.AddError("--method normal needs a --target-fpr above 0");
            }
        }

        public CalibrateArguments Bind(ParseResult parseResult) => new()
        {
            Policy = parseResult.GetRequiredValue(Policy),
            Benign = parseResult.GetRequiredValue(Benign),
            TestSplit = parseResult.GetValue(Split) is { } split ? split == "test" : null,
            Range = parseResult.GetValue(Range),
            TargetFpr = parseResult.GetValue(TargetFpr),
            Method = parseResult.GetValue(Method) == "normal" ? ThresholdMethod.NormalFit : ThresholdMethod.EmpiricalQuantile,
            Adversarial = parseResult.GetValue(Adversarial) ?? [],
            Write = parseResult.GetValue(Write),
            Patch = parseResult.GetValue(Patch),
            Model = parseResult.GetValue(Model),
            ModelRepository = parseResult.GetValue(ModelRepository),
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
