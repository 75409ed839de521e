namespace NeuralSec.Gateway.Calibration;

/// <summary>
/// The name a policy file carries in <c>calibrate --patch</c>'s diff, so that a plain <c>git apply</c> (which strips
/// one leading component, <c>a/</c> or <c>b/</c>, and reads the rest from the work tree's root) applies it from the
/// repository root: the path from the root of the Git work tree holding the file. Outside a work tree, the path from
/// the current folder when the file lies below it, else the file name alone (apply it in the file's folder).
/// </summary>
internal static class PatchPath
{
    public static string For(string policyPath)
    {
        var full = Path.GetFullPath(policyPath);
        var root = WorkTreeRoot(Path.GetDirectoryName(full)!);
        var relative = Path.GetRelativePath(root ?? Directory.GetCurrentDirectory(), full);
        if (root is null && (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)))
        {
            relative = Path.GetFileName(full);
        }

        // Diffs name paths with '/', whatever the platform.
        return relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    /// <summary>The nearest folder at or above <paramref name="folder"/> with a <c>.git</c> entry: a folder in a
    /// clone, a file in a worktree or submodule. No git process is needed for that.</summary>
    private static string? WorkTreeRoot(string folder)
    {
        for (var dir = new DirectoryInfo(folder); dir is not null; dir = dir.Parent)
        {
            var marker = Path.Combine(dir.FullName, ".git");
            if (Directory.Exists(marker) || File.Exists(marker))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
