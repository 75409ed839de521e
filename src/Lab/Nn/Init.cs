namespace NeuralSec.Lab.Nn;

/// <summary>Seeded He (Kaiming) normal initialisation; biases start at zero.</summary>
public static class Init
{
    public static void He(Network network, int seed)
    {
        var rng = new Random(seed);
        foreach (var layer in network.Layers)
        {
            var (w, fanIn) = layer switch
            {
                Conv2d c => (c.Weight, c.InChannels * c.Kernel * c.Kernel),
                Dense d => (d.Weight, d.InFeatures),
                _ => (null, 0),
            };
            if (w is null)
            {
                continue;
            }

            var std = MathF.Sqrt(2f / fanIn);
            for (var i = 0; i < w.Value.Length; i++)
            {
                w.Value[i] = std * Gaussian(rng);
            }
        }
    }

    public static float Gaussian(Random rng)
    {
        // Box–Muller; 1 - NextDouble() keeps the log argument in (0,1].
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }
}
