using System.Xml.Linq;
using NeuralSec.Data;

namespace NeuralSec.Repository.Tests;

/// <summary>
/// Shared code lives in libraries: no project references an executable, except a test project referencing the
/// executable it tests (the one way to test an ASP.NET host or a command line in-process). Every package pinned in
/// Directory.Packages.props is used by some project.
/// </summary>
public sealed class ProjectGraphTests
{
    [Fact]
    public void No_project_but_a_test_references_an_executable()
    {
        var executables = RepositoryProject.All.Where(p => p.IsExecutable).Select(p => p.Path).ToHashSet(StringComparer.Ordinal);
        Assert.Contains(executables, p => p.EndsWith(Path.Combine("src", "Gateway", "NeuralSec.Gateway.csproj"), StringComparison.Ordinal));

        var offending = RepositoryProject.All
            .Where(p => !p.IsTest)
            .SelectMany(p => p.References.Where(executables.Contains).Select(r => $"{p.Relative} -> {Path.GetRelativePath(RepositoryPaths.Root(), r)}"))
            .ToArray();

        Assert.Empty(offending);
    }

    [Fact]
    public void Every_project_reference_points_at_a_project_of_the_repository()
    {
        var known = RepositoryProject.All.Select(p => p.Path).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(RepositoryProject.All.SelectMany(p => p.References.Where(r => !known.Contains(r)).Select(r => $"{p.Relative} -> {r}")));
    }

    [Fact]
    public void Every_pinned_package_is_used()
    {
        var root = RepositoryPaths.Root();
        var pinned = XDocument.Load(Path.Combine(root, "Directory.Packages.props")).Descendants("PackageVersion").Select(e => e.Attribute("Include")!.Value);
        var props = Directory.EnumerateFiles(root, "Directory.Build.props", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(p => XDocument.Load(p).Descendants("PackageReference").Select(e => e.Attribute("Include")!.Value));
        var used = RepositoryProject.All.SelectMany(p => p.Packages).Concat(props).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var unused = pinned.Where(p => !used.Contains(p)).ToArray();
        Assert.Empty(unused);
    }
}
