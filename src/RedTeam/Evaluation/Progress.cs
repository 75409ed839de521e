using System.Diagnostics;
using System.Globalization;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>Progress lines on stderr (a long run should show it is alive) and the wall time of each report section.</summary>
internal sealed class Progress
{
    private readonly TextWriter _log;
    private readonly Stopwatch _total = Stopwatch.StartNew();
    private readonly Stopwatch _section = new();
    private readonly List<(string Name, TimeSpan Time)> _sections = [];
    private string? _current;

    public Progress(TextWriter log)
    {
        _log = log;
    }

    public TimeSpan Elapsed => _total.Elapsed;

    public IReadOnlyList<(string Name, TimeSpan Time)> Sections => _sections;

    public void Begin(string name)
    {
        End();
        _current = name;
        _section.Restart();
        Step($"== {name}");
    }

    public void End()
    {
        if (_current is not null)
        {
            _sections.Add((_current, _section.Elapsed));
            _current = null;
        }
    }

    public void Step(string message) =>
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_total.Elapsed.TotalSeconds,7:0.0} s] {message}"));
}
