using System.Diagnostics;
using System.Globalization;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>Progress lines on stderr (a long run should show it is alive) and the wall time of each report section.</summary>
internal sealed class Progress
{
    private readonly TextWriter log;
    private readonly Stopwatch total = Stopwatch.StartNew();
    private readonly Stopwatch section = new();
    private readonly List<(string Name, TimeSpan Time)> sections = [];
    private string? current;

    public Progress(TextWriter log)
    {
        this.log = log;
    }

    public TimeSpan Elapsed => total.Elapsed;

    public IReadOnlyList<(string Name, TimeSpan Time)> Sections => sections;

    public void Begin(string name)
    {
        End();
        current = name;
        section.Restart();
        Step($"== {name}");
    }

    public void End()
    {
        if (current is not null)
        {
            sections.Add((current, section.Elapsed));
            current = null;
        }
    }

    public void Step(string message) =>
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{total.Elapsed.TotalSeconds,7:0.0} s] {message}"));
}
