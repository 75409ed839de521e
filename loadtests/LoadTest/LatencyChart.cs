using System.Globalization;
using ScottPlot;
using SkiaSharp;

namespace NeuralSec.LoadTest;

/// <summary>
/// <c>--chart</c>: the latency percentile spectrum of every path, one panel per level, as PNG or SVG (ScottPlot). The
/// x axis is log-scaled in 1/(1 − p), so p50, p90, p99 and p99.9 are equally spaced and the tail is not squeezed
/// into the right edge; the y axis is log-scaled too, so a 300 µs median and a 10 ms tail both read.
/// </summary>
internal static class LatencyChart
{
    private const int Width = 960;
    private const int PanelHeight = 380;

    /// <summary>The percentiles drawn; the last two only with enough calls for them to differ from the maximum.</summary>
    private static readonly double[] Spectrum = [50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99];

    private static readonly double[] Ticks = [50, 90, 99, 99.9, 99.99];

    public enum Format
    {
        Png,
        Svg,
    }

    /// <summary>The format a file name asks for; null for any other extension.</summary>
    public static Format? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => Format.Png,
        ".svg" => Format.Svg,
        _ => null,
    };

    public static void Save(string path, RunResult run)
    {
        var format = FormatOf(path) ?? throw new InvalidOperationException($"--chart draws .png or .svg, not '{Path.GetExtension(path)}'");
        var multiplot = new Multiplot();
        multiplot.AddPlots(run.Levels.Count);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Rows();
        for (var i = 0; i < run.Levels.Count; i++)
        {
            Draw(multiplot.GetPlot(i), run.Levels[i], run);
        }

        var height = PanelHeight * run.Levels.Count;
        if (format == Format.Png)
        {
            multiplot.SavePng(path, Width, height);
            return;
        }

        using var file = File.Create(path);
        using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, height), file))
        {
            multiplot.Render(canvas, new PixelRect(0, Width, height, 0));
        }
    }

    private static void Draw(Plot plot, LevelResult level, RunResult run)
    {
        var highest = double.MinValue;
        var lowest = double.MaxValue;
        var last = 99.9;
        foreach (var path in level.Paths.Where(p => p.Result.Successes > 0))
        {
            var percentiles = Spectrum.Where(p => p <= 99.9 || path.Result.Successes * (100 - p) / 100 >= 1).ToArray();
            var micros = percentiles.Select(p => Figures.Micros(path.Result, p)!.Value).ToArray();
            var line = plot.Add.Scatter(percentiles.Select(X).ToArray(), micros.Select(Math.Log10).ToArray());
            line.LegendText = path.Target.Description;
            line.LineWidth = 2;
            line.MarkerSize = 6;
            highest = Math.Max(highest, micros.Max());
            last = Math.Max(last, percentiles[^1]);
            lowest = Math.Min(lowest, micros.Min());
        }

        var what = run.Options.Rate > 0 ? run.Mode : $"closed loop, {level.Level.Concurrency} worker{(level.Level.Concurrency == 1 ? string.Empty : "s")}";
        plot.Title($"{level.Label}: latency by percentile ({what}, {level.Level.Requests} requests per path)");
        plot.XLabel("percentile");
        plot.YLabel("latency (µs, log scale)");
        var ticks = Ticks.Where(t => t <= last).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks.Select(X)], [.. ticks.Select(Figures.PercentileName)]);
        if (lowest <= highest)
        {
            var (positions, labels) = LogTicks(lowest, highest);
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, labels);
            plot.Axes.SetLimitsY(Math.Log10(lowest) - 0.1, Math.Log10(highest) + 0.1);
        }

        plot.Axes.SetLimitsX(X(50) - 0.1, X(last) + 0.1);

        // The tails rise to the right: the lower right corner is where the lines are not.
        plot.ShowLegend(Alignment.LowerRight);
    }

    /// <summary>Where percentile <paramref name="p"/> sits on the x axis: log10 of 1/(1 − p).</summary>
    private static double X(double p) => Math.Log10(100 / (100 - p));

    /// <summary>Ticks at 1, 2 and 5 of each decade between <paramref name="lowest"/> and <paramref name="highest"/> µs,
    /// at their log10 positions, labelled in µs.</summary>
    private static (double[] Positions, string[] Labels) LogTicks(double lowest, double highest)
    {
        var values = new List<double>();
        for (var decade = Math.Floor(Math.Log10(Math.Max(lowest, 1))); decade <= Math.Ceiling(Math.Log10(highest)); decade++)
        {
            foreach (var step in (double[])[1, 2, 5])
            {
                var value = step * Math.Pow(10, decade);
                if (value >= lowest / 1.3 && value <= highest * 1.3)
                {
                    values.Add(value);
                }
            }
        }

        return ([.. values.Select(Math.Log10)], [.. values.Select(v => v.ToString("#,0", CultureInfo.InvariantCulture))]);
    }
}
