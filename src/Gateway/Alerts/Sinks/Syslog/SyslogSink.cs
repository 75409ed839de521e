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

    private readonly SyslogSinkOptions options;
    private readonly AlertProduct product;
    private readonly OcsfDetectionFindingFormatter ocsf;
    private readonly CefFormatter cef;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly AlertDropReporter drops;
    private readonly string hostname;
    private readonly int processId = Environment.ProcessId;
    private long sequenceId;
    private UdpClient? udp;
    private TcpClient? tcp;
    private NetworkStream? tcpStream;

    public SyslogSink(string name, SyslogSinkOptions options, AlertProduct product, ILogger logger, TimeProvider time)
    {
        Name = name;
        this.options = options;
        this.product = product;
        ocsf = new OcsfDetectionFindingFormatter(product);
        cef = new CefFormatter(product);
        this.logger = logger;
        this.time = time;
        drops = new AlertDropReporter(logger, time);
        hostname = options.Hostname ?? SafeHostname();
        AlertMetrics.SinkUp.WithLabels(name).Set(1);
    }

    public string Name { get; }

    public async Task RunAsync(ChannelReader<AlertEvent> events, CancellationToken stopping)
    {
        var inFlight = 0;
        try
        {
            while (await events.WaitToReadAsync(stopping))
            {
                while (events.TryRead(out var alert))
                {
                    inFlight = 1;
                    await SendAsync(Frame(alert), stopping);
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
                AlertLog.StoppedWithBacklog(logger, Name, left);
                AlertMetrics.Alerts.WithLabels(Name, "dropped").Inc(left);
                drops.Drop("stopped", left);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        udp?.Dispose();
        CloseTcp();
        return ValueTask.CompletedTask;
    }

    /// <summary>The RFC 5424 message for one alert (without the TCP length prefix).</summary>
    internal byte[] Frame(AlertEvent alert)
    {
        var payload = options.Format == SyslogPayloadFormat.Json ? Encoding.UTF8.GetString(ocsf.Format(alert)) : cef.Format(alert);
        var message = SyslogMessage.Build(
            alert, options.Facility, hostname, options.AppName, processId, Interlocked.Increment(ref sequenceId), product, payload, options.MaxMessageBytes, out var truncated);
        if (truncated)
        {
            AlertMetrics.Alerts.WithLabels(Name, "truncated").Inc();
        }

        return message;
    }

    private async Task SendAsync(byte[] message, CancellationToken stopping)
    {
        if (options.Protocol == SyslogProtocol.Udp)
        {
            await SendUdpAsync(message, stopping);
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var stream = tcpStream ?? await ConnectTcpAsync(stopping);
                var prefix = Encoding.ASCII.GetBytes(message.Length.ToString(CultureInfo.InvariantCulture) + " ");
                var frame = new byte[prefix.Length + message.Length];
                prefix.CopyTo(frame, 0);
                message.CopyTo(frame, prefix.Length);
                await stream.WriteAsync(frame, stopping);
                await stream.FlushAsync(stopping);
                Delivered(attempt);
                return;
            }
            catch (Exception exception) when (exception is IOException or SocketException
                                                  || (exception is OperationCanceledException && !stopping.IsCancellationRequested))
            {
                CloseTcp();
                if (attempt == 1)
                {
                    AlertLog.DeliveryFailed(logger, Name, attempt, exception.Message);
                }

                AlertMetrics.SinkUp.WithLabels(Name).Set(0);
                AlertMetrics.Alerts.WithLabels(Name, "retried").Inc();
                await Task.Delay(Backoff(attempt), time, stopping);
            }
        }
    }

    private async Task SendUdpAsync(byte[] message, CancellationToken stopping)
    {
        try
        {
            if (udp is null)
            {
                udp = new UdpClient();
                udp.Connect(options.Host, options.Port);
            }

            await udp.SendAsync(message, stopping);
            Delivered(1);
        }
        catch (SocketException exception)
        {
            // Typically an ICMP port-unreachable from an earlier datagram; the next send may well go through.
            AlertLog.DeliveryFailed(logger, Name, 1, exception.Message);
            AlertMetrics.SinkUp.WithLabels(Name).Set(0);
            AlertMetrics.Alerts.WithLabels(Name, "dropped").Inc();
            drops.Drop("send_failed");
        }
    }

    private async Task<NetworkStream> ConnectTcpAsync(CancellationToken stopping)
    {
        using var timeout = new CancellationTokenSource(ConnectTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(options.Host, options.Port, linked.Token);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        tcp = client;
        tcpStream = client.GetStream();
        return tcpStream;
    }

    private void Delivered(int attempt)
    {
        AlertMetrics.Alerts.WithLabels(Name, "delivered").Inc();
        AlertMetrics.SinkUp.WithLabels(Name).Set(1);
        if (attempt > 1)
        {
            AlertLog.SinkRecovered(logger, Name, 0);
        }
    }

    private void CloseTcp()
    {
        tcpStream?.Dispose();
        tcp?.Dispose();
        tcpStream = null;
        tcp = null;
    }

    private TimeSpan Backoff(int attempt) => Backoffs.Exponential(attempt, options.InitialBackoff, options.MaxBackoff);

    // RFC 5424 HOSTNAME is PRINTUSASCII without spaces; a machine name outside that is replaced by the nil value.
    private static string SafeHostname()
    {
        var name = Environment.MachineName;
        return name.Length is > 0 and <= 255 && name.All(c => c is >= '!' and <= '~') ? name : "-";
    }
}
