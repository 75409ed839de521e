using NeuralSec.Detectors.Images;
using NeuralSec.Detectors.Preprocessing;
using NeuralSec.Lab.Nn;

namespace NeuralSec.RedTeam.Attacks;

/// <summary>An image batch and its squeezed copies through the network as one batch [x; s₁(x); …], so one backward pass
/// gives every copy's input gradient (BPDA's straight-through sums them).</summary>
internal static class SqueezedViews
{
    private const int Classes = 10;

    /// <summary>Logits of the 1 + |squeezers| copies of the <paramref name="count"/> images in <paramref name="x"/>, and
    /// their softmax, row for row.</summary>
    public static (Tensor Logits, float[] Probabilities) Forward(Network net, IReadOnlyList<IPreprocessor> squeezers, float[] x, int count)
    {
        const int item = AdversarialBatch.Pixels;
        var copies = 1 + squeezers.Count;
        var input = new float[copies * count * item];
        x.CopyTo(input, 0);
        var deterministic = new Random(0);
        for (var k = 0; k < squeezers.Count; k++)
        {
            var view = new ImageBatch(input.AsMemory((k + 1) * count * item, count * item), count, 1, 28, 28);
            x.CopyTo(view.Span);
            squeezers[k].Apply(view, deterministic);
        }

        var logits = net.Forward(new Tensor(Tensor.WithBatch(copies * count, net.InputShape), input));
        var p = new float[logits.Data.Length];
        for (var r = 0; r < copies * count; r++)
        {
            Losses.Softmax(logits.Item(r), p.AsSpan(r * Classes, Classes));
        }

        return (logits, p);
    }
}
