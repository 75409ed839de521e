namespace NeuralSec.LoadTest;

/// <summary>Finds the external tools a run starts (nginx, h2load): the path given, else the name on PATH, else the
/// Debian location (a non-root PATH often lacks /usr/sbin). Missing is an error that says what to install.</summary>
internal static class ExecutableLocator
{
    /// <param name="given">The path from the command line, or null.</param>
    /// <param name="name">The program's name on PATH.</param>
    /// <param name="fallback">Where the Debian package puts it.</param>
    /// <param name="package">The Debian package that ships it, for the error.</param>
    /// <param name="option">The option that names another binary, for the error.</param>
    public static string Find(string? given, string name, string fallback, string package, string option)
    {
        if (given is not null)
        {
            return File.Exists(given)
                ? Path.GetFullPath(given)
                : OnPath(given) ?? throw new InvalidOperationException($"{option} '{given}': no such file");
        }

        return OnPath(name) ?? (File.Exists(fallback)
            ? fallback
            : throw new InvalidOperationException($"{name} not found on PATH nor at {fallback}: install it (Debian: apt-get install {package}) or pass {option} PATH"));
    }

    private static string? OnPath(string name)
    {
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
    }
}
