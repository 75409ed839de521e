using System.Runtime.InteropServices;

namespace NeuralSec.Gateway.Backends.OnnxRuntime;

/// <summary>
/// Sleeps for tens of microseconds, which .NET cannot: <c>Thread.Sleep</c> and timers count in whole milliseconds (a
/// shorter wait returns at once, a longer one wakes up to several ms late), and spinning with <c>Thread.Yield</c> hands
/// the core to every other runnable thread first — on a busy two-core machine, milliseconds. POSIX <c>usleep</c> is
/// served by the kernel's high-resolution timers (about 50 µs of slack on Linux) and a thread waking from it is
/// scheduled promptly. Where it is missing the caller spins.
/// </summary>
internal static class MicroSleep
{
    private static volatile bool Supported = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

    public static bool IsSupported => Supported;

    /// <summary>Blocks the calling thread for about <paramref name="microseconds"/> (at least 1); false, having slept
    /// not at all, where <c>usleep</c> cannot be called (and never tried again).</summary>
    public static bool TrySleep(int microseconds)
    {
        if (!Supported)
        {
            return false;
        }

        try
        {
            _ = USleep((uint)Math.Max(1, microseconds));
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            Supported = false;
            return false;
        }
    }

    // DllImport rather than LibraryImport: the source-generated form needs unsafe code, and this signature is
    // blittable, so the runtime marshals nothing either way.
    [DllImport("libc", EntryPoint = "usleep")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int USleep(uint microseconds);
}
