namespace NeuralSec.RedTeam.Stream;

/// <summary>The temp folder a red-team run or test keeps its policies, keys and alert file in.</summary>
internal static class WorkFolder
{
    /// <summary>Deletes it with everything in it; a sidecar still closing its alert file leaves it behind.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Left behind in the temp folder.
        }
    }
}
