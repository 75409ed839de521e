using NeuralSec.RedTeam.Live;
using ScottPlot;

namespace NeuralSec.RedTeam.Report;

/// <summary>The report's figures (PNG, ScottPlot): success by attack and side, success against ε, queries until the
/// sidecar flagged the client, and the round trip per request by side. Returns the files written.</summary>
internal static class RedTeamCharts
{
    public const string Success = "success.png";
    public const string Epsilon = "success-vs-epsilon.png";
    public const string Queries = "queries-until-detection.png";
    public const string Latency = "latency.png";
    public const string RocFigure = "roc.png";

    private static readonly ScottPlot.Palettes.Category10 Palette = new();

    public static IReadOnlyList<string> Save(LiveResults r, string folder)
    {
        var written = new List<string>();
        if (r.Results.Any(x => x.Kind != "extraction"))
        {
            SuccessBars(r, Path.Combine(folder, Success));
            written.Add(Success);
        }

        if (r.Results.Any(x => x.Attack is "pgd" or "fgsm"))
        {
            EpsilonLines(r, Path.Combine(folder, Epsilon));
            written.Add(Epsilon);
        }

        if (r.Results.Any(x => x.Side == TargetSide.DefendedName && x.FirstFlagAt is not null && x.Kind is "score-based" or "decision-based" or "extraction"))
        {
            QueryBars(r, Path.Combine(folder, Queries));
            written.Add(Queries);
        }

        if (r.Roc.Count > 0)
        {
            RocPanels(r, Path.Combine(folder, RocFigure));
            written.Add(RocFigure);
        }

        if (r.Latency.Count > 0)
        {
            LatencyBars(r, Path.Combine(folder, Latency));
            written.Add(Latency);
        }

        return written;
    }

    private static void SuccessBars(LiveResults r, string path)
    {
        var rows = r.Results.Where(x => x.Kind != "extraction").Select(x => (x.Attack, x.Setting, x.Title)).Distinct().ToArray();
        var plot = new Plot();
        var bars = new List<Bar>();
        var width = 0.8 / r.Sides.Count;
        for (var i = 0; i < rows.Length; i++)
        {
            for (var s = 0; s < r.Sides.Count; s++)
            {
                var x = r.Results.FirstOrDefault(v => v.Attack == rows[i].Attack && v.Setting == rows[i].Setting && v.Side == r.Sides[s].Name);
                if (x is { Attempts: > 0 })
                {
                    bars.Add(new Bar { Position = i - 0.4 + (width * (s + 0.5)), Value = 100 * x.SuccessRate, Size = width, FillColor = Palette.GetColor(s), LineWidth = 0 });
                }
            }
        }

        plot.Add.Bars(bars);
        Legend(plot, r.Sides.Select(s => s.Name));
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, rows.Length).Select(i => (double)i).ToArray(),
            rows.Select(x => $"{x.Attack} {x.Setting}").Select(t => t.Length > 34 ? t[..34] + "…" : t).ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 60;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 220;
        plot.Axes.Right.MinimumSize = 160;
        plot.Axes.SetLimits(-0.6, rows.Length - 0.4, 0, 105);
        plot.YLabel("attack success through the API (%)");
        plot.Title("What got through, by side");
        plot.SavePng(path, Math.Max(900, 46 * rows.Length), 640);
    }

    private static void EpsilonLines(LiveResults r, string path)
    {
        var plot = new Plot();
        for (var s = 0; s < r.Sides.Count; s++)
        {
            foreach (var (attack, dashed) in new[] { ("pgd", false), ("fgsm", true) })
            {
                var points = r.Results.Where(x => x.Attack == attack && x.Side == r.Sides[s].Name && x.Budget is not null && x.Attempts > 0).OrderBy(x => x.Budget).ToArray();
                if (points.Length == 0)
                {
                    continue;
                }

                var line = plot.Add.Scatter(points.Select(p => p.Budget!.Value).ToArray(), points.Select(p => 100 * p.SuccessRate).ToArray());
                line.Color = Palette.GetColor(s);
                line.LineWidth = 2;
                line.MarkerSize = 7;
                line.LinePattern = dashed ? LinePattern.Dashed : LinePattern.Solid;
                line.LegendText = $"{attack.ToUpperInvariant()} · {r.Sides[s].Name}";
            }
        }

        plot.ShowLegend(Alignment.UpperLeft);
        plot.Axes.SetLimits(0.05, 0.35, 0, 105);
        plot.XLabel("ε (L∞)");
        plot.YLabel("attack success through the API (%)");
        plot.Title("Success against ε: PGD-40 (solid), FGSM (dashed)");
        plot.SavePng(path, 900, 560);
    }

    private static void QueryBars(LiveResults r, string path)
    {
        var rows = r.Results.Where(x => x.Side == TargetSide.DefendedName && x.FirstFlagAt is not null && x.Kind is "score-based" or "decision-based" or "extraction").ToArray();
        var plot = new Plot();
        plot.Add.Bars(rows.Select((x, i) => new Bar { Position = i, Value = x.FirstFlagAt!.Value, FillColor = Palette.GetColor(1), LineWidth = 0, Label = $"{x.FirstFlagAt:0}" }).ToArray());
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, rows.Length).Select(i => (double)i).ToArray(), rows.Select(x => x.Attack).ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.YLabel("median queries until the first flag");
        plot.Title("When the sidecar noticed (defended side)");
        plot.SavePng(path, Math.Max(600, 120 * rows.Length), 480);
    }

    private static void LatencyBars(LiveResults r, string path)
    {
        var plot = new Plot();
        var bars = new List<Bar>();
        for (var i = 0; i < r.Latency.Count; i++)
        {
            bars.Add(new Bar { Position = i - 0.2, Value = r.Latency[i].P50, Size = 0.4, FillColor = Palette.GetColor(0), LineWidth = 0 });
            bars.Add(new Bar { Position = i + 0.2, Value = r.Latency[i].P99, Size = 0.4, FillColor = Palette.GetColor(3), LineWidth = 0 });
        }

        plot.Add.Bars(bars);
        Legend(plot, ["p50", "p99"], [0, 3]);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, r.Latency.Count).Select(i => (double)i).ToArray(), r.Latency.Select(l => l.Side).ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.YLabel("client round trip (ms)");
        plot.Title("Round trip per request by side (attack traffic, loopback)");
        plot.SavePng(path, 800, 480);
    }

    private static void RocPanels(LiveResults r, string path)
    {
        var detectors = r.Roc.Select(c => c.Detector).Distinct().ToArray();
        var sets = r.Roc.Select(c => c.Set).Distinct().ToArray();
        var multiplot = new Multiplot();
        multiplot.AddPlots(detectors.Length);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        for (var d = 0; d < detectors.Length; d++)
        {
            var plot = multiplot.GetPlot(d);
            for (var s = 0; s < sets.Length; s++)
            {
                if (r.Roc.FirstOrDefault(c => c.Detector == detectors[d] && c.Set == sets[s]) is not { Positives: > 0 } curve)
                {
                    continue;
                }

                var line = plot.Add.Scatter(curve.Points.Select(p => p[0]).ToArray(), curve.Points.Select(p => p[1]).ToArray());
                line.Color = Palette.GetColor(s);
                line.LineWidth = 2;
                line.MarkerSize = 0;
                line.LegendText = $"{sets[s]} (AUC {curve.Auc:0.000})";
                if (!double.IsNaN(curve.FprAtThreshold))
                {
                    var point = plot.Add.Marker(curve.FprAtThreshold, curve.TprAtThreshold);
                    point.Color = Palette.GetColor(s);
                    point.Size = 10;
                }
            }

            var chance = plot.Add.Line(0, 0, 1, 1);
            chance.LinePattern = LinePattern.Dotted;
            chance.Color = Colors.Gray;
            plot.ShowLegend(Alignment.LowerRight);
            plot.Axes.SetLimits(0, 1, 0, 1.02);
            plot.XLabel("false-positive rate (benign digits flagged)");
            plot.YLabel("true-positive rate");
            plot.Title($"{detectors[d]} (dot: the policy's threshold)");
        }

        multiplot.SavePng(path, 520 * detectors.Length, 500);
    }

    private static void Legend(Plot plot, IEnumerable<string> names, IReadOnlyList<int>? colors = null)
    {
        var i = 0;
        foreach (var name in names)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = name, FillColor = Palette.GetColor(colors?[i] ?? i) });
            i++;
        }

        plot.ShowLegend(Alignment.UpperRight);
    }
}
