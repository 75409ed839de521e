namespace NeuralSec.Gateway.Backends.OnnxRuntime;

/// <summary>Finds models in a Triton-style repository: <c>&lt;repo&gt;/&lt;model&gt;/&lt;version&gt;/model.onnx</c>,
/// versions being positive integers, plus an optional <c>&lt;repo&gt;/&lt;model&gt;/config.yaml</c>.</summary>
internal static class ModelRepositoryScanner
{
    public const string ModelFileName = "model.onnx";

    public sealed record Entry(string Name, string Directory, IReadOnlyList<(string Version, string Path)> Versions);

    public static IReadOnlyList<Entry> Scan(string repository, IReadOnlyCollection<string> only)
    {
        if (!Directory.Exists(repository))
        {
            throw new DirectoryNotFoundException($"model repository '{repository}' does not exist");
        }

        var entries = new List<Entry>();
        foreach (var modelDir in Directory.EnumerateDirectories(repository).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(modelDir);
            if (only.Count > 0 && !only.Contains(name))
            {
                continue;
            }

            var versions = Directory.EnumerateDirectories(modelDir)
                .Select(d => (Dir: d, Number: long.TryParse(Path.GetFileName(d), out var n) && n > 0 ? n : -1))
                .Where(v => v.Number > 0 && File.Exists(Path.Combine(v.Dir, ModelFileName)))
                .OrderBy(v => v.Number)
                .Select(v => (v.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), Path.Combine(v.Dir, ModelFileName)))
                .ToArray();
            if (versions.Length > 0)
            {
                entries.Add(new Entry(name, modelDir, versions));
            }
        }

        foreach (var wanted in only)
        {
            if (!entries.Any(e => e.Name == wanted))
            {
                throw new FileNotFoundException($"model '{wanted}' was asked for but '{repository}' has no '{wanted}/<version>/{ModelFileName}'");
            }
        }

        return entries;
    }
}
