using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.Alerts;

/// <summary>Compares output with a file under tests/Gateway.Tests/Alerts/Golden. Set NEURALSEC_UPDATE_GOLDEN=1 to
/// rewrite the files from the current output (then review the diff before committing).</summary>
internal static class GoldenFile
{
    public static string Folder => Path.Combine(RepoPaths.Root, "tests", "Gateway.Tests", "Alerts", "Golden");

    public static void Verify(string fileName, string actual)
    {
        var path = Path.Combine(Folder, fileName);
        if (Environment.GetEnvironmentVariable("NEURALSEC_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Folder);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"Golden file {path} is missing; run with NEURALSEC_UPDATE_GOLDEN=1 to create it.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual.ReplaceLineEndings("\n"));
    }
}
