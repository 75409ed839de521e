using NeuralSec.Data;
using NeuralSec.Lab.Attacks;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Attacks;

/// <summary>Runs the lab's exact-gradient FGSM/PGD against one committed model (a white-box attacker that knows the model
/// but not the defenses: non-adaptive).</summary>
internal static class AttackCrafter
{
    public static AdversarialBatch Craft(NetworkModelRunner model, MnistSplit digits, byte[] targets, AttackSpec spec, int seed)
    {
        var t = spec.Targeted ? targets : null;
        var adv = Pgd.Perturb(model.Network, digits.Images, digits.Labels, t, spec.Options(seed));
        return new AdversarialBatch(spec, adv, digits.Labels, t, Classify.Predict(model.Network, digits.Images), Classify.Predict(model.Network, adv));
    }
}
