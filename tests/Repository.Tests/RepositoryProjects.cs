using System.Xml.Linq;
using NeuralSec.Data;

namespace NeuralSec.Repository.Tests;

/// <summary>The repository's .csproj files, read as XML, with what these tests need of each.</summary>
internal sealed record RepositoryProject(string Path, bool IsExecutable, bool IsTest, IReadOnlyList<string> References, IReadOnlyList<string> Packages)
{
    public string Relative => System.IO.Path.GetRelativePath(RepositoryPaths.Root(), Path);

    public static IReadOnlyList<RepositoryProject> All { get; } = Load();

    private static RepositoryProject[] Load()
    {
        var root = RepositoryPaths.Root();
        return Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Split(System.IO.Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules"))
            .Order(StringComparer.Ordinal)
            .Select(Read)
            .ToArray();
    }

    private static RepositoryProject Read(string path)
    {
        var xml = XDocument.Load(path);
        var folder = System.IO.Path.GetDirectoryName(path)!;
        var relative = System.IO.Path.GetRelativePath(RepositoryPaths.Root(), path);
        var isTest = relative.StartsWith("tests" + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);
        var outputType = xml.Descendants("OutputType").Select(e => e.Value).LastOrDefault();
        var references = xml.Descendants("ProjectReference")
            .Select(e => System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, e.Attribute("Include")!.Value.Replace('\\', '/'))))
            .ToArray();
        var packages = xml.Descendants("PackageReference").Select(e => e.Attribute("Include")!.Value).ToArray();
        return new RepositoryProject(path, string.Equals(outputType, "Exe", StringComparison.OrdinalIgnoreCase), isTest, references, packages);
    }
}
