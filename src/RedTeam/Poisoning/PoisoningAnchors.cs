using NeuralSec.RedTeam.Report;

namespace NeuralSec.RedTeam.Poisoning;

/// <summary>
/// The published figure each poisoning measurement is read beside, as the paper reports it (not re-measured here, and on the
/// paper's own data and models: orders of magnitude, not digits).
/// </summary>
internal static class PoisoningAnchors
{
    public const string LabelFlipping = "Rolnick, Veit, Belongie & Shavit (2017), \"Deep Learning is Robust to Massive Label Noise\": on MNIST a convolutional network stays above 90 % test accuracy even when every clean training digit is diluted with 100 uniformly mislabelled ones; uniform noise largely averages out, structured (non-uniform) noise does more harm";

    public const string FeatureCollision = "Shafahi et al. (NeurIPS 2018), \"Poison Frogs!\": transfer learning (InceptionV3 frozen, last layer retrained, dog vs fish): one poison per target gave 100 % attack success (\"one-shot kill\") at β = 0.25·(2048/dim b)² on 0–255 pixels, test accuracy essentially unchanged; end-to-end training needed ≈ 50 poisons and a watermark of the target for up to ≈ 70 %";

    public const string BadNets = "Gu, Dolan-Gavitt & Garg (2017), \"BadNets\": on MNIST a backdoored network classifies clean digits as well as an honest one and sends more than 99 % of triggered digits to the attacker's class";

    /// <summary>STRIP's own MNIST figure, from the table the STRIP diagnosis quotes.</summary>
    public static string Strip
    {
        get
        {
            var (frr, far) = StripDiagnosisReport.PublishedSquareTrigger[^1];
            return $"Gao et al. (ACSAC 2019), \"STRIP\", Table 3: MNIST with a square trigger, N = 100 overlays, normal-fit boundary: FAR {Format.Pct(far, 2)} at FRR {Format.Pct(frr, 0)} (0 % for their heart-shaped trigger)";
        }
    }
}
