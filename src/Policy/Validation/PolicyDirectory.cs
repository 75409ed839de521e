using System.Security.Cryptography;
using System.Text;

namespace NeuralSec.Policy.Validation;

/// <summary>
/// The policy files of one folder: <c>*.yaml</c> and <c>*.yml</c> at its top level, hidden entries skipped. That
/// matches a mounted Kubernetes ConfigMap, whose files are symlinks through <c>..data</c> into a hidden
/// timestamped folder; following the links reads whichever version <c>..data</c> points at now.
/// </summary>
public static class PolicyDirectory
{
    public static bool IsPolicyFile(string path)
    {
        var name = Path.GetFileName(path);
        return !name.StartsWith('.')
            && (name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The policy files' paths, in ordinal order.</summary>
    public static IReadOnlyList<string> List(string directory) =>
        Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = FileAttributes.Hidden })
            .Where(IsPolicyFile)
            .Order(StringComparer.Ordinal)
            .ToArray();

    public static IReadOnlyList<PolicySource> Read(string directory) => List(directory).Select(PolicySource.FromFile).ToArray();

    /// <summary>A hash over the file names and contents: what the reload compares to tell a real change from a
    /// touched file or a watcher event for something else.</summary>
    public static string Fingerprint(IReadOnlyList<PolicySource> sources)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var source in sources)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(source.Path)));
            hash.AppendData([0]);
            hash.AppendData(SHA256.HashData(source.Content));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
