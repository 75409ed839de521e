using System.Diagnostics;

namespace NeuralSec.Gateway.Tests.Infrastructure;

/// <summary>
/// A tmpfs of a few kilobytes mounted for one test, so a write really fails with "no space left on device". Needs
/// root and a kernel that allows the mount (Linux containers usually do); <see cref="TryMount"/> returns null
/// elsewhere and the test says it did not run.
/// </summary>
internal sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    public static SmallDisk? TryMount(int kilobytes)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return null;
        }

        var path = Directory.CreateTempSubdirectory("neuralsec-smalldisk-").FullName;
        if (Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", path) != 0)
        {
            Directory.Delete(path);
            return null;
        }

        return new SmallDisk(path);
    }

    public void Dispose()
    {
        Run("umount", Path);
        Directory.Delete(Path, recursive: true);
    }

    private static int Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            process.WaitForExit(10_000);
            return process.HasExited ? process.ExitCode : -1;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
