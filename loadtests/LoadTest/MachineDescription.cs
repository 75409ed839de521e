using System.Runtime.InteropServices;

namespace NeuralSec.LoadTest;

/// <summary>What the figures were measured on: they mean little without it.</summary>
internal sealed record MachineDescription(int Cores, string? Processor, long? MemoryBytes, string OperatingSystem, string Framework, string Architecture)
{
    public static MachineDescription OfThisMachine() => new(
        Environment.ProcessorCount,
        ProcInfo("/proc/cpuinfo", "model name"),
        ProcInfo("/proc/meminfo", "MemTotal") is { } total && long.TryParse(total.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture, out var kib) ? kib * 1024 : null,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.ProcessArchitecture.ToString());

    /// <summary>"2 cores (Intel Xeon …), 8 GiB, Debian …, .NET 10.0.1, X64".</summary>
    public override string ToString()
    {
        var cores = Processor is null ? $"{Cores} cores" : $"{Cores} cores ({Processor})";
        var memory = MemoryBytes is { } bytes ? FormattableString.Invariant($", {bytes / (1024.0 * 1024 * 1024):F1} GiB") : string.Empty;
        return $"{cores}{memory}, {OperatingSystem}, {Framework}, {Architecture}";
    }

    /// <summary>The value of the first "<paramref name="key"/> : value" line of a /proc file; null off Linux.</summary>
    private static string? ProcInfo(string file, string key)
    {
        try
        {
            return File.ReadLines(file)
                .Select(line => line.Split(':', 2))
                .Where(pair => pair.Length == 2 && pair[0].Trim() == key)
                .Select(pair => pair[1].Trim())
                .FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
