using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Decisions;

/// <summary>How each policy action ranks and what decision it leads to.</summary>
internal static class DefenseActions
{
    public static DecisionOutcome ToOutcome(this DefenseAction action) => action switch
    {
        DefenseAction.Block => DecisionOutcome.Block,
        DefenseAction.Throttle => DecisionOutcome.Throttle,
        DefenseAction.Degrade => DecisionOutcome.Degrade,
        DefenseAction.Repair => DecisionOutcome.Repair,
        _ => DecisionOutcome.Alert,
    };

    public static int Severity(this DefenseAction action) => (int)action.ToOutcome();
}
