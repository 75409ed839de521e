using NeuralSec.Data;
using NeuralSec.Detectors.Images;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>STRIP's clean overlay pool: the first <see cref="CommittedSize"/> digits of <see cref="MnistDataset.StripPool"/>
/// (train indices 7,500–7,599: never tested on, held out from the test split), committed next to the backdoored model.</summary>
internal static class StripPool
{
    public const int CommittedSize = 100;

    public static string CommittedPath(string modelRepository) => Path.Combine(modelRepository, "mnist-backdoor", "strip-pool.nsimg.gz");

    public static ImageBatch FromDataset(MnistDataset dataset, int size)
    {
        var pool = dataset.StripPool.Slice(0, size);
        return new ImageBatch(pool.Images, pool.Count, 1, MnistSplit.Rows, MnistSplit.Cols);
    }
}
