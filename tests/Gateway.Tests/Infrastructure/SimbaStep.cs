namespace NeuralSec.Gateway.Tests.Infrastructure;

/// <summary>One SimBA step as the stream tests send it: ±0.2 on one random pixel (each candidate is a query, accepted
/// or not), clamped to [0, 1].</summary>
internal static class SimbaStep
{
    public static float[] Next(float[] image, Random random)
    {
        var next = (float[])image.Clone();
        var pixel = random.Next(next.Length);
        next[pixel] = Math.Clamp(next[pixel] + (random.Next(2) == 0 ? -0.2f : 0.2f), 0f, 1f);
        return next;
    }
}
