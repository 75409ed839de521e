using System.Diagnostics;

namespace NeuralSec.Processes;

/// <summary>The two ways a tool ends a process it started: a server stopped at the end of a run (killed with
/// its tree, reaped within a bound) and a tool run to completion within a time limit.</summary>
public static class ChildProcess
{
    private static readonly TimeSpan ReapLimit = TimeSpan.FromSeconds(10);

    /// <summary>Kills <paramref name="process"/> and its children unless it has exited, and waits at most 10 s for it.</summary>
    public static async Task StopAsync(Process? process)
    {
        if (process is null || process.HasExited)
        {
            return;
        }

        process.Kill(entireProcessTree: true);
        using var limit = new CancellationTokenSource(ReapLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Killed but not reaped in time: nothing more to do from here.
        }
    }

    /// <summary>Runs <paramref name="binary"/> to its end and returns its exit code and its standard output followed by
    /// its standard error; a run past <paramref name="limit"/> is killed and its code is null.</summary>
    public static async Task<(int? Code, string Output)> RunToEndAsync(string binary, IEnumerable<string> arguments, TimeSpan limit)
    {
        var start = new ProcessStartInfo(binary, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        int? code;
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            code = process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            code = null;
        }

        return (code, (await output.ConfigureAwait(false)) + (await error.ConfigureAwait(false)));
    }
}
