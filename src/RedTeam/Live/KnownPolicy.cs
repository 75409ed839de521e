using NeuralSec.Policy.Model;
using NeuralSec.Policy.Validation;
using NeuralSec.RedTeam.Evaluation;

namespace NeuralSec.RedTeam.Live;

/// <summary>
/// The defended policy as the adaptive attacker reads it (Kerckhoffs: the policy file and the open-source detectors
/// are known; only the sidecar's secrets are not): for each member of the default combination its flag, repair and
/// refuse thresholds, and whether every answer comes from the bit-depth-1 view — the rule
/// <see cref="Attacks.JointAdaptiveAttack"/> must beat, as a <see cref="ResponsePolicy"/>.
/// </summary>
internal sealed record KnownPolicy(string Name, bool Purifies, ResponsePolicy Rule, IReadOnlyList<double> Flag, IReadOnlyList<double>? StatisticsMean, IReadOnlyList<double>? StatisticsStd)
{
    /// <summary>The default combination's members, in <see cref="ResponsePolicy"/>'s order.</summary>
    public static readonly IReadOnlyList<string> Members = ["featureSqueezing", "reconstructionError", "statistics"];

    /// <summary>Reads and validates <paramref name="file"/> with the sidecar's own validator.</summary>
    public static KnownPolicy Read(string file, string modelRepository)
    {
        var result = new PolicyValidator(modelRepository: modelRepository).ValidateFile(PolicySource.FromFile(file));
        if (result.Policy is not { } policy)
        {
            throw new RedTeamException($"{file} is not a valid policy: {(result.Errors.Count > 0 ? result.Errors[0].ToString() : "no policy")}");
        }

        var purifies = policy.Preprocess.Any(p => p.Type == "bitDepth" && p.Options.TryGetValue("bits", out var b) && Convert.ToInt64(b, System.Globalization.CultureInfo.InvariantCulture) == 1);
        var repair = new double[Members.Count];
        var refuse = new double[Members.Count];
        var flag = new double[Members.Count];
        var anyRepair = purifies;
        IReadOnlyList<double>? mean = null, std = null;
        for (var m = 0; m < Members.Count; m++)
        {
            var spec = policy.Detect.FirstOrDefault(d => d.Type == Members[m]);
            (repair[m], refuse[m], flag[m]) = (double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity);
            if (spec is null)
            {
                continue;
            }

            flag[m] = spec.Threshold ?? double.PositiveInfinity;

            foreach (var (threshold, action) in new[] { (spec.Threshold ?? double.PositiveInfinity, spec.Action) }.Concat(spec.Grades.Select(g => (g.Threshold, g.Action))))
            {
                if (action is DefenseAction.Block or DefenseAction.Throttle)
                {
                    refuse[m] = Math.Min(refuse[m], threshold);
                }
                else if (action == DefenseAction.Repair)
                {
                    repair[m] = Math.Min(repair[m], threshold);
                    anyRepair = true;
                }
            }

            if (Members[m] == "statistics")
            {
                mean = Numbers(spec, "benignMean");
                std = Numbers(spec, "benignStd");
            }
        }

        var rule = new ResponsePolicy(policy.Name, purifies ? "every answer from the bit-depth-1 view" : "as the detect entries say",
            purifies ? Members.Select(_ => double.NegativeInfinity).ToArray() : anyRepair ? repair : null, refuse);
        return new KnownPolicy(policy.Name, purifies, rule, flag, mean, std);
    }

    private static double[]? Numbers(DefenseSpec spec, string option) =>
        spec.Options.TryGetValue(option, out var value) && value is System.Collections.IEnumerable list and not string
            ? list.Cast<object>().Select(v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()
            : null;
}
