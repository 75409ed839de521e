using System.CommandLine;
using System.Globalization;
using NeuralSec.CommandLine;

namespace NeuralSec.Lab.Cli;

/// <summary>The options several lab commands share, spelled and checked alike.</summary>
internal static class LabOptions
{
    public const int DefaultSeed = 1;

    public static Option<string> Data() => new("--data")
    {
        Description = "the MNIST fixture (default: data/mnist/mnist-10k.bin.gz of this checkout)",
        HelpName = "FILE",
    };

    public static Option<int> Seed() => Values.Integer("--seed", "random seed", DefaultSeed, int.MinValue, int.MaxValue);

    public static Option<int> Steps() => Values.Integer("--steps", "PGD steps", 40, 1, int.MaxValue);

    /// <summary>A model file given as the command's argument.</summary>
    public static Argument<string> Model() => new("model.onnx") { Description = "an ONNX model taking [batch,1,28,28]" };

    /// <summary><c>--eps 0.05,0.1</c>: L∞ budgets, each accepted by <paramref name="accept"/> (described by <paramref name="expected"/>).</summary>
    public static Option<float[]?> Epsilons(Func<float, bool> accept, string expected) => new("--eps")
    {
        Description = $"comma-separated L∞ budgets (default {string.Join(',', Training.ModelZoo.ReportEpsilons.Select(e => e.ToString(CultureInfo.InvariantCulture)))})",
        HelpName = "LIST",
        CustomParser = result =>
        {
            var text = result.Tokens[^1].Value;
            var values = new List<float>();
            foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!float.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
                {
                    result.AddError($"--eps must be a list of numbers, got '{part}'");
                    return null;
                }

                if (!accept(value))
                {
                    result.AddError($"--eps values must be {expected}, got '{part}'");
                    return null;
                }

                values.Add(value);
            }

            if (values.Count == 0)
            {
                result.AddError("--eps needs at least one number");
                return null;
            }

            return values.ToArray();
        },
    };
}
