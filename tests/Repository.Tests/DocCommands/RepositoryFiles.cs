using System.Diagnostics;
using NeuralSec.Data;

namespace NeuralSec.Repository.Tests.DocCommands;

/// <summary>
/// The files a fresh clone has: Git's index (<c>git ls-files</c>), not the work tree, where build outputs, artifacts/
/// and a developer's leftovers would hide a doc naming a file nobody committed. Paths from the root, with '/'.
/// </summary>
internal sealed class RepositoryFiles
{
    private readonly HashSet<string> _files;
    private readonly HashSet<string> _folders = new(StringComparer.Ordinal);

    public RepositoryFiles(IEnumerable<string> files)
    {
        _files = new HashSet<string>(files, StringComparer.Ordinal);
        foreach (var file in _files)
        {
            for (var slash = file.LastIndexOf('/'); slash > 0; slash = file.LastIndexOf('/', slash - 1))
            {
                _folders.Add(file[..slash]);
            }
        }
    }

    public static RepositoryFiles Tracked()
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = RepositoryPaths.Root(), RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "ls-files", "-z" })
        {
            start.ArgumentList.Add(arg);
        }

        using var git = Process.Start(start) ?? throw new InvalidOperationException("cannot start git");
        var error = git.StandardError.ReadToEndAsync();
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        return git.ExitCode == 0
            ? new RepositoryFiles(output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
            : throw new InvalidOperationException($"git ls-files failed ({git.ExitCode}): {error.Result}");
    }

    /// <summary>A tracked file, or a folder holding one.</summary>
    public bool Exists(string path) => _files.Contains(path) || _folders.Contains(path);

    /// <summary>A tracked .csproj, or a folder holding one directly (what <c>dotnet run --project</c> takes).</summary>
    public bool IsProject(string path) =>
        (path.EndsWith(".csproj", StringComparison.Ordinal) && _files.Contains(path))
        || _files.Any(f => f.EndsWith(".csproj", StringComparison.Ordinal) && f.LastIndexOf('/') == path.Length && f.StartsWith(path + "/", StringComparison.Ordinal));
}
