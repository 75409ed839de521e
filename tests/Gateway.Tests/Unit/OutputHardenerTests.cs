using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Hardening;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Tests.Unit;

public sealed class OutputHardenerTests
{
    private static readonly InferenceTensor Logits = InferenceTensor.FromFloats(
        "logits", [2, 4], [0.1234f, -2f, 3.5f, 1.2f, /* row 2 */ 5f, 5f, -1f, 0f]);

    [Fact]
    public void TopK_keeps_the_k_largest_and_floors_the_rest()
    {
        var hardened = OutputHardener.Harden(Logits, new OutputPolicy { TopK = 2 }, degrade: false);
        Assert.Equal([-2f, -2f, 3.5f, 1.2f, 5f, 5f, -1f, -1f], hardened.AsSpan<float>().ToArray());
        Assert.Equal(Logits.Shape, hardened.Shape);
        Assert.Equal("logits", hardened.Name);
    }

    [Fact]
    public void TopK_keeps_exactly_k_on_ties()
    {
        var hardened = OutputHardener.Harden(Logits, new OutputPolicy { TopK = 1 }, degrade: false);
        Assert.Equal([5f, -1f, -1f, -1f], hardened.AsSpan<float>()[4..].ToArray());
    }

    [Fact]
    public void Decimals_round()
    {
        var hardened = OutputHardener.Harden(Logits, new OutputPolicy { Decimals = 1 }, degrade: false);
        Assert.Equal([0.1f, -2f, 3.5f, 1.2f], hardened.AsSpan<float>()[..4].ToArray());
    }

    [Fact]
    public void LabelOnly_and_degrade_answer_one_hot()
    {
        float[] expected = [0, 0, 1, 0, 1, 0, 0, 0];
        Assert.Equal(expected, OutputHardener.Harden(Logits, new OutputPolicy { LabelOnly = true }, degrade: false).AsSpan<float>().ToArray());
        Assert.Equal(expected, OutputHardener.Harden(Logits, new OutputPolicy(), degrade: true).AsSpan<float>().ToArray());
    }

    [Fact]
    public void A_degraded_unsure_answer_is_misinformed_and_a_confident_one_stays_right()
    {
        // Row 1: softmax top ≈ 0.87 (unsure at 0.9) → the least likely class (1); row 2: a tie, top 0.49 → class 2.
        var policy = new OutputPolicy { MisinformBelow = 0.9 };
        Assert.Equal([0, 1, 0, 0, 0, 0, 1, 0], OutputHardener.Harden(Logits, policy, degrade: true).AsSpan<float>().ToArray());

        var confident = InferenceTensor.FromFloats("logits", [1, 3], [9f, 0f, 0f]);
        Assert.Equal([1f, 0f, 0f], OutputHardener.Harden(confident, policy, degrade: true).AsSpan<float>().ToArray());

        // Only degraded answers are misinformed; label-only for everyone else stays right.
        Assert.Equal([0, 0, 1, 0, 1, 0, 0, 0], OutputHardener.Harden(Logits, policy with { LabelOnly = true }, degrade: false).AsSpan<float>().ToArray());
    }

    [Fact]
    public void A_disguised_degraded_answer_is_shaped_like_an_ordinary_one_and_misinformed_where_unsure()
    {
        var ordinary = new OutputPolicy { TopK = 1, Decimals = 1, MisinformBelow = 0.9 };
        var disguised = ordinary with { DegradedAnswer = DegradedAnswer.Disguised };

        // Row 1 is unsure (top ≈ 0.87): class 1, the least likely, takes the top score 3.5 and class 2 the floor −2;
        // row 2 (a tie of classes 0 and 1, unsure): class 0 trades with class 2, and class 1 stays on top. The values are those of an ordinary top-1 answer, at another class.
        Assert.Equal([-2f, 3.5f, -2f, -2f, -1f, 5f, -1f, -1f], OutputHardener.Harden(Logits, disguised, degrade: true).AsSpan<float>().ToArray());
        Assert.Equal([-2f, -2f, 3.5f, -2f, 5f, -1f, -1f, -1f], OutputHardener.Harden(Logits, ordinary, degrade: false).AsSpan<float>().ToArray());

        // A confident answer is the ordinary one, scores and all; clients that are not degraded are never misinformed.
        var confident = InferenceTensor.FromFloats("logits", [1, 3], [9.04f, 0f, 1f]);
        Assert.Equal([9f, 0f, 0f], OutputHardener.Harden(confident, disguised, degrade: true).AsSpan<float>().ToArray());
        Assert.Equal(OutputHardener.Harden(Logits, ordinary, degrade: false).AsSpan<float>().ToArray(), OutputHardener.Harden(Logits, disguised, degrade: false).AsSpan<float>().ToArray());

        // Where every answer is label-only, the disguised one is too, at the misinformed class.
        Assert.Equal([0, 1, 0, 0, 0, 1, 0, 0], OutputHardener.Harden(Logits, disguised with { LabelOnly = true }, degrade: true).AsSpan<float>().ToArray());
    }

    [Fact]
    public void Non_score_tensors_pass_untouched()
    {
        var image = InferenceTensor.FromFloats("reconstruction", [1, 1, 2, 2], [0.5f, 0.25f, 0.125f, 1f]);
        Assert.Same(image, OutputHardener.Harden(image, new OutputPolicy { TopK = 1, Decimals = 0 }, degrade: true));
    }
}
