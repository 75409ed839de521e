using NeuralSec.Data;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>One STRIP configuration the diagnosis measures.</summary>
/// <param name="Model">Fixture model name (the backdoored twin, or the clean <c>mnist</c> for comparison).</param>
/// <param name="Rule">How input and overlay are superimposed.</param>
/// <param name="PoolName">How the overlay pool was chosen, for the report.</param>
/// <param name="Pool">The clean overlay digits.</param>
/// <param name="Samples">Overlays per input (N).</param>
/// <param name="CleanOnly">Score only the clean sets (a model without the backdoor has nothing to detect).</param>
internal sealed record StripDiagnosisVariant(string Model, StripBlendRule Rule, string PoolName, MnistSplit Pool, int Samples, bool CleanOnly = false);
