using System.ComponentModel;
using System.Globalization;
using System.Runtime.InteropServices;

namespace NeuralSec.LoadTest;

/// <summary>
/// Splits the machine's cores between the sidecar and the load generator, as a pod's CPU limits would: the sidecar
/// is started under a CPU set (<c>taskset</c>), and this process pins each of its own threads (new threads inherit
/// the mask of the thread that makes them). Linux only; elsewhere a split is refused, not ignored.
/// </summary>
internal static class CpuAffinity
{
    /// <summary>The default split: the first half of the cores (at least one) to the sidecar, the rest to the load;
    /// null on a one-core machine, where there is nothing to split.</summary>
    public static (int[] Sidecar, int[] Load)? DefaultSplit(int cores)
    {
        if (cores < 2)
        {
            return null;
        }

        var sidecar = Math.Max(1, cores / 2);
        return ([.. Enumerable.Range(0, sidecar)], [.. Enumerable.Range(sidecar, cores - sidecar)]);
    }

    /// <summary>A <c>taskset -c</c> CPU list: "0,2,3".</summary>
    public static string List(IEnumerable<int> cores) => string.Join(',', cores.Select(c => c.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Pins every thread of this process to <paramref name="cores"/>.</summary>
    public static void PinThisProcess(IReadOnlyCollection<int> cores)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("splitting cores between the sidecar and the load needs Linux");
        }

        ulong mask = 0;
        foreach (var core in cores)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(core, 63);
            mask |= 1UL << core;
        }

        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            var thread = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);

            // A thread that ended since the listing is not an error (ESRCH).
            if (SchedSetAffinity(thread, sizeof(ulong), ref mask) != 0 && Marshal.GetLastPInvokeError() is var error and not 3)
            {
                throw new Win32Exception(error, $"sched_setaffinity({thread}) failed");
            }
        }
    }

    [DllImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SchedSetAffinity(int pid, nint size, ref ulong mask);
}
