namespace NeuralSec.LoadTest.Fuzz;

/// <summary>
/// The generator: request number <c>i</c> of seed <c>s</c> is drawn from a <see cref="Random"/> seeded from (s, i)
/// alone, so any request of a run — the one a failure names — is built again, byte for byte, without the rest.
/// About half the requests go over gRPC (typed calls, damaged bytes, hand-made HTTP/2) and half over REST.
/// </summary>
internal sealed class HostileRequests(int seed, WellFormed wellFormed)
{
    private static readonly (int Weight, Func<Random, WellFormed, FuzzCase> Create)[] Generators =
    [
        (26, GrpcCases.Infer),
        (6, GrpcCases.OtherCall),
        (10, RawGrpcCases.DamagedMessage),
        (8, RawGrpcCases.HandMade),
        (38, RestCases.Infer),
        (12, RestCases.Other),
    ];

    private static readonly int TotalWeight = Generators.Sum(g => g.Weight);

    public FuzzCase Create(long index)
    {
        var random = new Random(SeedOf(seed, index));
        var pick = random.Next(TotalWeight);
        foreach (var (weight, create) in Generators)
        {
            if (pick < weight)
            {
                return create(random, wellFormed);
            }

            pick -= weight;
        }

        throw new InvalidOperationException("unreachable: the weights cover the range");
    }

    /// <summary>SplitMix64 of (seed, index): neighbouring numbers get unrelated streams.</summary>
    private static int SeedOf(int seed, long index)
    {
        var z = unchecked(((ulong)(uint)seed << 40) ^ (ulong)index) + 0x9E3779B97F4A7C15UL;
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(z ^ (z >> 31));
    }
}
