using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NeuralSec.Gateway.Alerts.Formats;

namespace NeuralSec.Gateway.Alerts.Sinks.JsonLines;

/// <summary>OCSF JSON, one event per line, to stdout or an appended file: the simplest feed, for a log shipper
/// (Fluent Bit, Vector, the container runtime) to pick up.</summary>
internal sealed class JsonLinesSink : IAlertSink
{
    private readonly TextWriter _output;
    private readonly bool _ownsOutput;
    private readonly OcsfDetectionFindingFormatter _formatter;
    private readonly ILogger _logger;
    private readonly AlertDropReporter _drops;

    /// <param name="output">Written with one <c>WriteLine(string)</c> per event: on <see cref="Console.Out"/>, a
    /// synchronised writer, that keeps an alert from interleaving with a console log line.</param>
    public JsonLinesSink(string name, TextWriter output, bool ownsOutput, OcsfDetectionFindingFormatter formatter, ILogger logger, TimeProvider time)
    {
        Name = name;
        _output = output;
        _ownsOutput = ownsOutput;
        _formatter = formatter;
        _logger = logger;
        _drops = new AlertDropReporter(logger, time);
        AlertMetrics.SinkUp.WithLabels(name).Set(1);
    }

    public string Name { get; }

    /// <summary>Opens <paramref name="path"/> for appending (creating it and its folder), or stdout for <c>stdout</c>.</summary>
    public static JsonLinesSink Create(string name, string path, OcsfDetectionFindingFormatter formatter, ILogger logger, TimeProvider time)
    {
        if (string.Equals(path, "stdout", StringComparison.OrdinalIgnoreCase) || path == "-")
        {
            return new JsonLinesSink(name, Console.Out, ownsOutput: false, formatter, logger, time);
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        return new JsonLinesSink(name, writer, ownsOutput: true, formatter, logger, time);
    }

    public async Task RunAsync(ChannelReader<AlertEvent> events, CancellationToken stopping)
    {
        var batch = new List<AlertEvent>();
        try
        {
            while (await events.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                batch.Clear();
                ChannelBatches.TakeAvailable(events, batch, 1024);
                Write(batch);
                AlertMetrics.Backlog.WithLabels(Name).Set(events.Count);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            var left = events.Count;
            if (left > 0)
            {
                AlertLog.StoppedWithBacklog(_logger, Name, left);
                AlertMetrics.Alerts.WithLabels(Name, "dropped").Inc(left);
                _drops.Drop("stopped", left);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_ownsOutput)
        {
            _output.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private void Write(List<AlertEvent> batch)
    {
        try
        {
            foreach (var alert in batch)
            {
                _output.WriteLine(Encoding.UTF8.GetString(_formatter.Format(alert)));
            }

            _output.Flush();
            AlertMetrics.Alerts.WithLabels(Name, "delivered").Inc(batch.Count);
            AlertMetrics.SinkUp.WithLabels(Name).Set(1);
        }
        catch (IOException exception)
        {
            // A full disk or a closed pipe: nothing to retry into, so the batch is counted lost and the sink stays up
            // for the next one.
            AlertLog.DeliveryFailed(_logger, Name, 1, exception.Message);
            AlertMetrics.Alerts.WithLabels(Name, "dropped").Inc(batch.Count);
            AlertMetrics.SinkUp.WithLabels(Name).Set(0);
            _drops.Drop("send_failed", batch.Count);
        }
    }
}
