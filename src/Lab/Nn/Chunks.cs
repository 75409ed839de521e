namespace NeuralSec.Lab.Nn;

/// <summary>
/// Fixed work partitioning. Reductions are summed per chunk and then in chunk order, and the chunk
/// boundaries depend only on the batch size, so results are bit-identical whatever the core count.
/// </summary>
internal static class Chunks
{
    public const int Count = 8;

    public static (int Start, int End) Range(int chunk, int total, int chunks)
        => ((int)((long)chunk * total / chunks), (int)((long)(chunk + 1) * total / chunks));

    public static int For(int total) => Math.Min(Count, Math.Max(1, total));

    public static void Run(int total, Action<int, int, int> body)
    {
        var chunks = For(total);
        if (chunks == 1)
        {
            body(0, 0, total);
            return;
        }

        Parallel.For(0, chunks, c =>
        {
            var (s, e) = Range(c, total, chunks);
            body(c, s, e);
        });
    }
}
