namespace NeuralSec.Gateway.Backends.OnnxRuntime;

/// <summary>Where the offline commands (policy validate, calibrate) find models when not told.</summary>
internal static class ModelRepositoryLocator
{
    /// <summary>The repository to use: the one given, else the nearest <c>models/repository</c> at or above the
    /// current folder (a checkout), else the <c>models</c> folder shipped beside the executable.</summary>
    public static string? Locate(string? given)
    {
        if (given is not null)
        {
            return given;
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models", "repository");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        var shipped = Path.Combine(AppContext.BaseDirectory, "models");
        return Directory.Exists(shipped) ? shipped : null;
    }
}
