using NeuralSec.Data;

namespace NeuralSec.Repository.Tests;

/// <summary>
/// There is no Docker engine here, so the images are checked by construction: both Dockerfiles restore the sidecar
/// from its project files alone (a layer that survives source edits) and then publish with <c>--no-restore</c>, which
/// only works when every project the sidecar references, directly or not, had its .csproj copied before that restore;
/// and the build context (.dockerignore) must keep every one of their folders, the proto and the files the projects
/// link in.
/// </summary>
public sealed class DockerfileTests
{
    public static TheoryData<string> Dockerfiles => new() { "Dockerfile", "Dockerfile.gpu" };

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void The_restore_layer_copies_every_project_the_sidecar_builds_from_and_their_build_files(string dockerfile)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Root(), dockerfile));
        var restore = Array.FindIndex(lines, l => l.Contains("dotnet restore", StringComparison.Ordinal));
        Assert.True(restore > 0, $"{dockerfile} restores before it copies the sources");
        var copied = lines[..restore].SelectMany(Copied).ToArray();

        var missing = Closure().SelectMany(p => BuildFiles(p).Append(p)).Distinct(StringComparer.Ordinal)
            .Where(file => !copied.Any(c => c == file || (c.EndsWith('/') && file.StartsWith(c, StringComparison.Ordinal))))
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.True(missing.Length == 0, $"{dockerfile}: the restore layer does not copy {string.Join(", ", missing)}; a publish with --no-restore then fails");
        Assert.Contains(lines[(restore + 1)..], l => l.TrimStart().StartsWith("COPY . .", StringComparison.Ordinal));
    }

    [Fact]
    public void The_build_context_keeps_every_folder_the_sidecar_builds_from()
    {
        var ignored = File.ReadAllLines(Path.Combine(RepositoryPaths.Root(), ".dockerignore"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.TrimEnd('/'))
            .ToArray();
        string[] needed = [.. Closure().Select(p => Path.GetDirectoryName(p)!), "protos", "models/repository", "policies"];

        var dropped = needed.Where(folder => ignored.Any(pattern => folder == pattern || folder.StartsWith(pattern + "/", StringComparison.Ordinal))).ToArray();

        Assert.Empty(dropped);
    }

    /// <summary>The sidecar's project and every project it references, directly or not, relative to the root.</summary>
    private static string[] Closure()
    {
        var byPath = RepositoryProject.All.ToDictionary(p => p.Path, StringComparer.Ordinal);
        var gateway = RepositoryProject.All.Single(p => p.Relative == Path.Combine("src", "Gateway", "NeuralSec.Gateway.csproj"));
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<RepositoryProject>([gateway]);
        while (pending.TryPop(out var project))
        {
            if (seen.Add(project.Relative.Replace(Path.DirectorySeparatorChar, '/')))
            {
                foreach (var reference in project.References)
                {
                    pending.Push(byPath[reference]);
                }
            }
        }

        return seen.ToArray();
    }

    /// <summary>The Directory.Build.props/.targets that MSBuild imports for a project: its folder's and every one above it
    /// (each imports the next one up), relative to the root.</summary>
    private static IEnumerable<string> BuildFiles(string project)
    {
        var root = RepositoryPaths.Root();
        for (var folder = Path.GetDirectoryName(Path.Combine(root, project)); folder is not null && folder.Length >= root.Length; folder = Path.GetDirectoryName(folder))
        {
            foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            {
                if (File.Exists(Path.Combine(folder, name)))
                {
                    yield return Path.GetRelativePath(root, Path.Combine(folder, name)).Replace(Path.DirectorySeparatorChar, '/');
                }
            }
        }
    }

    /// <summary>The files and folders (ending in /) one COPY line takes from the context, each only where it lands at
    /// the same path under the work folder (files into their own folder, or ./ for the root's).</summary>
    private static IEnumerable<string> Copied(string line)
    {
        var words = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 3 || words[0] != "COPY" || words[1].StartsWith("--", StringComparison.Ordinal))
        {
            return [];
        }

        var destination = words[^1] == "./" ? string.Empty : words[^1];
        return words[1..^1].Where(source => source.EndsWith('/')
            ? source == destination
            : (Path.GetDirectoryName(source) is { Length: > 0 } folder ? folder + "/" : string.Empty) == destination);
    }
}
