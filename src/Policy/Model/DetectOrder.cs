namespace NeuralSec.Policy.Model;

/// <summary><c>spec.detectOrder</c>: how the <c>spec.detect</c> entries are run for a request.</summary>
public enum DetectOrder
{
    /// <summary><c>concurrent</c>: all at once; the request waits for the slowest. Every verdict is in the alert.</summary>
    Concurrent,

    /// <summary><c>cheapFirst</c>: in rounds of rising cost (the catalog's <see cref="Detectors.Catalog.DetectorCost"/>),
    /// each round's entries at once; when an enforced round already blocks the request, the dearer rounds are not run.
    /// Only a block stops the rounds — the strongest action, which no later verdict can change — never a benign score,
    /// which an adaptive attacker would aim at the cheapest detector to switch off the dear ones.</summary>
    CheapFirst,
}
