using System.Globalization;

namespace NeuralSec.RedTeam.Report;

/// <summary>Invariant number formatting for the report (the same text on every machine and culture).</summary>
internal static class Format
{
    public static string Pct(double fraction, int decimals = 1) =>
        double.IsNaN(fraction) ? "n/a" : (fraction * 100).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "%";

    public static string Num(double value, string format = "G4") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Int(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s";

    /// <summary>Wilson score 95 % interval of k successes in n trials, as "[lo, hi]" percentages.</summary>
    public static string Wilson(double fraction, int n)
    {
        if (n == 0 || double.IsNaN(fraction))
        {
            return "n/a";
        }

        const double z = 1.959963984540054;
        var centre = (fraction + (z * z / (2 * n))) / (1 + (z * z / n));
        var half = z * Math.Sqrt((fraction * (1 - fraction) / n) + (z * z / (4.0 * n * n))) / (1 + (z * z / n));
        return $"[{Pct(Math.Max(0, centre - half))}, {Pct(Math.Min(1, centre + half))}]";
    }
}
