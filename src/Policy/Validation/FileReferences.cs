namespace NeuralSec.Policy.Validation;

/// <summary>
/// Resolves a file named by a policy (an autoencoder, a clean-sample pool): absolute as written, else relative to
/// the policy file's folder, else relative to the model repository. Checked at validation so a typo fails the
/// reload, not the first request.
/// </summary>
internal sealed class FileReferences(string policyFile, string? modelRepository)
{
    public IReadOnlyList<string> SearchFolders { get; } = Folders(policyFile, modelRepository);

    public string? Resolve(string reference)
    {
        if (Path.IsPathRooted(reference))
        {
            return Path.Exists(reference) ? reference : null;
        }

        foreach (var folder in SearchFolders)
        {
            var candidate = Path.GetFullPath(Path.Combine(folder, reference));
            if (Path.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string[] Folders(string policyFile, string? modelRepository)
    {
        var policyFolder = Path.GetDirectoryName(Path.GetFullPath(policyFile)) ?? Directory.GetCurrentDirectory();
        return modelRepository is null ? [policyFolder] : [policyFolder, Path.GetFullPath(modelRepository)];
    }
}
