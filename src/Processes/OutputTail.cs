using System.Diagnostics;

namespace NeuralSec.Processes;

/// <summary>The last lines a started process wrote (stdout and stderr, interleaved as they came), for the error
/// message when it fails to start; reading both pipes also keeps a chatty child from stalling on a full one.</summary>
public sealed class OutputTail
{
    private const int LinesKept = 40;
    private const int LineLengthKept = 500;

    private readonly Queue<string> _lines = new();

    /// <summary>Starts reading <paramref name="process"/>'s redirected output and error into a new tail.</summary>
    public static OutputTail Of(Process process)
    {
        var tail = new OutputTail();
        process.OutputDataReceived += (_, e) => tail.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => tail.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return tail;
    }

    /// <summary>The kept lines, oldest first.</summary>
    public override string ToString()
    {
        lock (_lines)
        {
            return string.Join(Environment.NewLine, _lines);
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Enqueue(line.Length > LineLengthKept ? line[..LineLengthKept] : line);
            while (_lines.Count > LinesKept)
            {
                _lines.Dequeue();
            }
        }
    }
}
