namespace NeuralSec.RedTeam.Report;

/// <summary>
/// The published figure each attack is read beside, as its paper reports it (not re-measured here, and on the
/// paper's own models and settings: a comparison of orders of magnitude, not of digits).
/// </summary>
internal static class PublishedAnchors
{
    public static string For(string attack) => attack switch
    {
        "fgsm" => "Feature Squeezing (Xu et al., NDSS 2018): on MNIST most successful FGSM/BIM/C&W examples detected at a few % FPR; bit-depth-1 alone restores most FGSM digits",
        "pgd" => "Madry et al. (ICLR 2018), MNIST challenge: adversarially trained model ≈ 89% accurate under white-box PGD ε=0.3; a naturally trained one near 0%",
        "pgd-targeted" => "Madry et al.: targeted PGD is weaker than untargeted at the same ε (it must reach one class)",
        "cw-l2" => "Carlini & Wagner (S&P 2017): 100% success against defensive distillation at small L2; MagNet's detector falls to an adaptive C&W (Carlini & Wagner, 2017)",
        "simba" => "SimBA (Guo et al., ICML 2019): near-100% untargeted success within its query budget on undefended models; Blacklight (Li et al., USENIX Sec 2022) detects it within a handful of queries",
        "square" => "Square Attack (Andriushchenko et al., ECCV 2020): brings Madry's MNIST model to ≈ 88% at ε=0.3; Blacklight reports detecting it within a handful of queries",
        "boundary" => "Boundary attack (Brendel et al., ICLR 2018): needs thousands of label-only queries; stateful detectors (Chen et al. 2020, Blacklight) flag its near-duplicate walk",
        "hopskipjump" => "HopSkipJump (Chen, Jordan, Wainwright, S&P 2020): label-only, far fewer queries than Boundary through gradient estimates at the boundary; Blacklight reports detecting it within a handful of queries",
        "patch" => "Adversarial patch (Brown et al., 2017): a universal patch covering ~10% of the image makes a classifier answer the target class for most inputs",
        "eot" => "EOT (Athalye, Engstrom, Ilyas, Kwok, ICML 2018): examples that stay adversarial under random rotation, scale, shift and lighting for the large majority of draws",
        "adaptive" => "Athalye, Carlini, Wagner (ICML 2018): BPDA/EOT circumvent 7 of 9 ICLR 2018 defenses; Tramèr et al. (NeurIPS 2020): 13 detection/purification defenses broken by adaptive attacks",
        "jbda" => "Papernot et al. (ASIACCS 2017): 150 seeds, 6 rounds give an MNIST substitute of ≈ 81% agreement; PRADA (Juuti et al., EuroS&P 2019) detects such synthetic-query extraction",
        "knockoff" => "Knockoff Nets (Orekondy et al., CVPR 2019): natural-image queries copy a model; PRADA does not detect natural queries (its authors and Blacklight say so)",
        _ => string.Empty,
    };

    /// <summary>The training-time defenses' own anchors.</summary>
    public const string TrainingTime = "Madry et al. (ICLR 2018): PGD adversarial training at ε=0.3 keeps ≈ 89% on MNIST; Carlini & Wagner (2016/2017): defensive distillation masks gradients and falls to the C&W margin loss";
}
