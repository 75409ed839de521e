using System.Diagnostics;

namespace NeuralSec.Tests.Shared;

/// <summary>Runs a built .NET program (<c>dotnet exec some.dll args</c>) as a user would, and returns its exit code
/// and output. Shared by the test projects that check a real executable (linked into each).</summary>
internal static class DotnetProgram
{
    /// <summary>The first of <paramref name="candidates"/> that exists.</summary>
    public static string Find(params string[] candidates) =>
        candidates.FirstOrDefault(File.Exists) ?? throw new FileNotFoundException($"none of: {string.Join(", ", candidates)}");

    /// <summary>Runs <paramref name="dll"/> to its end; a program still running after <paramref name="limit"/> is
    /// killed and the test fails — a hang guard, not a timing assertion.</summary>
    public static async Task<(int Code, string Output, string Error)> RunAsync(string dll, IEnumerable<string> args, TimeSpan limit, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(dll)} {string.Join(' ', args)} did not exit within {limit.TotalSeconds:F0} s: {await output}");
        }

        return (process.ExitCode, await output, await error);
    }
}
