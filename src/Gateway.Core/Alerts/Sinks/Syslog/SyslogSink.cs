using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NeuralSec.Gateway.Alerts.Formats;

namespace NeuralSec.Gateway.Alerts.Sinks.Syslog;

/// <summary>
/// RFC 5424 syslog to a collector, CEF or OCSF JSON as the message.
/// UDP (RFC 5426): one datagram per alert, no retry: loss is the nature of the transport (the <c>meta sequenceId</c>
/// lets the collector see gaps). TCP (RFC 6587 octet counting, <c>LEN SP MSG</c>): a failed connection is retried with
/// backoff while the current alert waits and the sink's queue absorbs new ones (overflow is counted at the queue).
/// TCP syslog has no acknowledgements, so an alert written into a connection the peer has just dropped can be lost.
/// </summary>
internal sealed class SyslogSink : IAlertSink
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    private readonly SyslogSinkOptions _options;
    private readonly AlertProduct _product;
    private readonly OcsfDetectionFindingFormatter _ocsf;
    private readonly CefFormatter _cef;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly AlertDropReporter _drops;
    private readonly string _hostname;
    private readonly int _processId = Environment.ProcessId;
    private long _sequenceId;
    private UdpClient? _udp;
    private TcpClient? _tcp;
    private NetworkStream? _tcpStream;

    public SyslogSink(string name, SyslogSinkOptions options, AlertProduct product, ILogger logger, TimeProvider time)
    {
        Name = name;
        _options = options;
        _product = product;
        _ocsf = new OcsfDetectionFindingFormatter(product);
        _cef = new CefFormatter(product);
        _logger = logger;
        _time = time;
        _drops = new AlertDropReporter(logger, time);
        _hostname = options.Hostname ?? SafeHostname();
        AlertMetrics.SinkUp.WithLabels(name).Set(1);
    }

    public string Name { get; }

    public async Task RunAsync(ChannelReader<AlertEvent> events, CancellationToken stopping)
    {
        var inFlight = 0;
        try
        {
            while (await events.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                while (events.TryRead(out var alert))
                {
                    inFlight = 1;
                    await SendAsync(Frame(alert), stopping).ConfigureAwait(false);
                    inFlight = 0;
                    AlertMetrics.Backlog.WithLabels(Name).Set(events.Count);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            var left = events.Count + inFlight;
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
        _udp?.Dispose();
        CloseTcp();
        return ValueTask.CompletedTask;
    }

    /// <summary>The RFC 5424 message for one alert (without the TCP length prefix).</summary>
    internal byte[] Frame(AlertEvent alert)
    {
        var payload = _options.Format == SyslogPayloadFormat.Json ? Encoding.UTF8.GetString(_ocsf.Format(alert)) : _cef.Format(alert);
        var message = SyslogMessage.Build(
            alert, _options.Facility, _hostname, _options.AppName, _processId, Interlocked.Increment(ref _sequenceId), _product, payload, _options.MaxMessageBytes, out var truncated);
        if (truncated)
        {
            AlertMetrics.Alerts.WithLabels(Name, "truncated").Inc();
        }

        return message;
    }

    private async Task SendAsync(byte[] message, CancellationToken stopping)
    {
        if (_options.Protocol == SyslogProtocol.Udp)
        {
            await SendUdpAsync(message, stopping).ConfigureAwait(false);
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var stream = _tcpStream ?? await ConnectTcpAsync(stopping).ConfigureAwait(false);
                var prefix = Encoding.ASCII.GetBytes(message.Length.ToString(CultureInfo.InvariantCulture) + " ");
                var frame = new byte[prefix.Length + message.Length];
                prefix.CopyTo(frame, 0);
                message.CopyTo(frame, prefix.Length);
                await stream.WriteAsync(frame, stopping).ConfigureAwait(false);
                await stream.FlushAsync(stopping).ConfigureAwait(false);
                Delivered(attempt);
                return;
            }
            catch (Exception exception) when (exception is IOException or SocketException
                                                  || (exception is OperationCanceledException && !stopping.IsCancellationRequested))
            {
                CloseTcp();
                if (attempt == 1)
                {
                    AlertLog.DeliveryFailed(_logger, Name, attempt, exception.Message);
                }

                AlertMetrics.SinkUp.WithLabels(Name).Set(0);
                AlertMetrics.Alerts.WithLabels(Name, "retried").Inc();
                await Task.Delay(Backoff(attempt), _time, stopping).ConfigureAwait(false);
            }
        }
    }

    private async Task SendUdpAsync(byte[] message, CancellationToken stopping)
    {
        try
        {
            if (_udp is null)
            {
                _udp = new UdpClient();
                _udp.Connect(_options.Host, _options.Port);
            }

            await _udp.SendAsync(message, stopping).ConfigureAwait(false);
            Delivered(1);
        }
        catch (SocketException exception)
        {
            // Typically an ICMP port-unreachable from an earlier datagram; the next send may well go through.
            AlertLog.DeliveryFailed(_logger, Name, 1, exception.Message);
            AlertMetrics.SinkUp.WithLabels(Name).Set(0);
            AlertMetrics.Alerts.WithLabels(Name, "dropped").Inc();
            _drops.Drop("send_failed");
        }
    }

    private async Task<NetworkStream> ConnectTcpAsync(CancellationToken stopping)
    {
        using var timeout = new CancellationTokenSource(ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(_options.Host, _options.Port, linked.Token).ConfigureAwait(false);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        _tcp = client;
        _tcpStream = client.GetStream();
        return _tcpStream;
    }

    private void Delivered(int attempt)
    {
        AlertMetrics.Alerts.WithLabels(Name, "delivered").Inc();
        AlertMetrics.SinkUp.WithLabels(Name).Set(1);
        if (attempt > 1)
        {
            AlertLog.SinkRecovered(_logger, Name, 0);
        }
    }

    private void CloseTcp()
    {
        _tcpStream?.Dispose();
        _tcp?.Dispose();
        _tcpStream = null;
        _tcp = null;
    }

    private TimeSpan Backoff(int attempt) => Backoffs.Exponential(attempt, _options.InitialBackoff, _options.MaxBackoff);

    // RFC 5424 HOSTNAME is PRINTUSASCII without spaces; a machine name outside that is replaced by the nil value.
    private static string SafeHostname()
    {
        var name = Environment.MachineName;
        return name.Length is > 0 and <= 255 && name.All(c => c is >= '!' and <= '~') ? name : "-";
    }
}
