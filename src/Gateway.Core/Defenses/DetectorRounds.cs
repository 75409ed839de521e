using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Gateway.Defenses;

/// <summary>
/// The rounds of <c>spec.detectOrder: cheapFirst</c>: a policy's detectors grouped by their catalog
/// <see cref="DetectorCost"/>, cheapest group first, policy order within a group. One rule for the request path
/// (<see cref="PolicyDefenses.DetectorRounds"/>) and for <c>policy explain</c>.
/// </summary>
internal static class DetectorRounds
{
    /// <summary>Indices into <paramref name="costs"/> (the policy's detectors, in policy order), a round each.</summary>
    public static int[][] Of(IReadOnlyList<DetectorCost> costs)
    {
        ArgumentNullException.ThrowIfNull(costs);
        return costs
            .Select((cost, index) => (Cost: cost, Index: index))
            .GroupBy(d => d.Cost)
            .OrderBy(g => g.Key)
            .Select(g => g.Select(d => d.Index).ToArray())
            .ToArray();
    }
}
