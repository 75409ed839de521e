using System.Diagnostics;

namespace NeuralSec.Gateway.Tests.Monitoring;

/// <summary>Debian's <c>promtool</c> (package <c>prometheus</c>, installed by .ci/run). Never skipped: a machine
/// without it fails these tests with a message saying so.</summary>
internal static class Promtool
{
    private static readonly string[] Candidates = ["/usr/bin/promtool", "/usr/local/bin/promtool"];

    public static async Task<(int Code, string Output)> RunAsync(string workingDirectory, params string[] args)
    {
        var executable = Candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("promtool is not installed: apt-get install prometheus (.ci/run does)");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output + await error);
    }
}
