namespace NeuralSec.RedTeam.Stream;

/// <summary>What a wrong answer to an evasion attacker's query was, as the referee (who knows the served model) sees it.</summary>
internal enum SuccessClaim
{
    /// <summary>The served model misclassifies the query, and not because of its disguise: an adversarial example.</summary>
    Adversarial,

    /// <summary>The same transform of the clean digit is misclassified too: the disguise's doing, not the attack's.</summary>
    TransformAlone,

    /// <summary>The served model answers the query with the original's label: the wrong label was the defense's
    /// misinformation (a degraded client's answer). The attacker believes it and stops, holding no adversarial example.</summary>
    Misinformed,
}
