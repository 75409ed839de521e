namespace NeuralSec.RedTeam.Live;

/// <summary>
/// One column of the comparison: which policy (selected by the caller's key) and which model an attack is sent to —
/// the undefended baseline (a pass-through policy), the defended target (the shipped policy, or the caller's), and the
/// training-time defenses (the adversarially trained and distilled fixtures, served behind the pass-through).
/// </summary>
internal sealed record TargetSide(string Name, string Description, string Model, bool Firewall)
{
    public const string UndefendedName = "undefended";
    public const string DefendedName = "firewall";
    public const string AdversarialName = "mnist-adv";
    public const string DistilledName = "mnist-distilled";

    /// <summary>The client group whose policy is the pass-through on a started sidecar.</summary>
    public const string BaselineGroup = "redteam-baseline";

    public bool TrainingTime => Name is AdversarialName or DistilledName;
}
