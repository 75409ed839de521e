namespace NeuralSec.Policy.Editing;

/// <summary>Replaces a policy file in one step, so the sidecar's watcher (and anyone reading it) sees the old
/// file or the new one, never half of each.</summary>
public static class PolicyFile
{
    public static void ReplaceAtomically(string path, byte[] content)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? ".";

        // Hidden and not *.yaml, so a watcher of the folder never loads the temporary file as a policy.
        var temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temporary, content);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(full));
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
                // Best effort: the hidden leftover is harmless; the write error is what the operator needs.
            }

            throw new PolicyEditException($"{path}: cannot write: {ex.Message}", ex);
        }
    }
}
