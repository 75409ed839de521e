using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.Alerts.Sinks.Syslog;

namespace NeuralSec.Gateway.Tests.Alerts;

/// <summary>Syslog sinks against loopback collectors: a UdpClient and a TcpListener reading RFC 5424 messages.</summary>
public sealed partial class SyslogSinkTests
{
    [Fact]
    public async Task Udp_SendsOneRfc5424DatagramPerAlert_WithCef()
    {
        using var collector = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)collector.Client.LocalEndPoint!).Port;
        await using var dispatcher = Start(SyslogProtocol.Udp, port, SyslogPayloadFormat.Cef, "syslog-udp");

        dispatcher.Publish(AlertSamples.BlockedAdversarial());
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var datagram = await collector.ReceiveAsync(limit.Token);
        var message = Encoding.UTF8.GetString(datagram.Buffer);

        var match = Rfc5424().Match(message);
        Assert.True(match.Success, message);
        Assert.Equal((13 * 8) + 3, int.Parse(match.Groups["pri"].Value, CultureInfo.InvariantCulture)); // log audit, err
        Assert.Equal("2026-01-15T09:30:00.123Z", match.Groups["timestamp"].Value);
        Assert.Equal("test-host", match.Groups["host"].Value);
        Assert.Equal("neuralsec", match.Groups["app"].Value);
        Assert.Equal("decision", match.Groups["msgid"].Value);
        Assert.Contains("[origin software=\"NeuralSec\" swVersion=\"1.2.3\"]", match.Groups["sd"].Value, StringComparison.Ordinal);
        Assert.Contains("[meta sequenceId=\"1\"]", match.Groups["sd"].Value, StringComparison.Ordinal);
        Assert.StartsWith("CEF:0|NeuralSec|NeuralSec|1.2.3|neuralsec:decision:block|", match.Groups["msg"].Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tcp_FramesWithOctetCounting_WithJson()
    {
        using var collector = new TcpListener(IPAddress.Loopback, 0);
        collector.Start();
        var port = ((IPEndPoint)collector.LocalEndpoint).Port;
        await using var dispatcher = Start(SyslogProtocol.Tcp, port, SyslogPayloadFormat.Json, "syslog-tcp");

        // The reload failure's message holds a newline: octet counting, unlike newline framing, carries it intact.
        dispatcher.Publish(AlertSamples.PolicyReloadFailed());
        dispatcher.Publish(AlertSamples.BlockedAdversarial());
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var connection = await collector.AcceptTcpClientAsync(limit.Token);
        var stream = connection.GetStream();
        var messages = new[] { await ReadFrameAsync(stream, limit.Token), await ReadFrameAsync(stream, limit.Token) };

        var uids = new List<string>();
        foreach (var message in messages)
        {
            var match = Rfc5424().Match(message);
            Assert.True(match.Success, message);
            using var json = JsonDocument.Parse(match.Groups["msg"].Value);
            Assert.Equal(2004, json.RootElement.GetProperty("class_uid").GetInt32());
            uids.Add(json.RootElement.GetProperty("finding_info").GetProperty("uid").GetString()!);
        }

        Assert.Equal([AlertSamples.PolicyReloadFailed().Id, AlertSamples.BlockedAdversarial().Id], uids);
        Assert.Equal("policy-reload-failed", Rfc5424().Match(messages[0]).Groups["msgid"].Value);
    }

    [Fact]
    public async Task Tcp_WaitsForTheCollector_ThenDelivers()
    {
        var port = WebhookReceiver.FreePort();
        await using var dispatcher = Start(SyslogProtocol.Tcp, port, SyslogPayloadFormat.Cef, "syslog-tcp-late");
        dispatcher.Publish(AlertSamples.BlockedAdversarial());
        await Task.Delay(50); // let the first connection attempt fail

        using var collector = new TcpListener(IPAddress.Loopback, port);
        collector.Start();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var connection = await collector.AcceptTcpClientAsync(limit.Token);
        var message = await ReadFrameAsync(connection.GetStream(), limit.Token);

        Assert.Contains("CEF:0|NeuralSec|", message, StringComparison.Ordinal);
    }

    private static AlertDispatcher Start(SyslogProtocol protocol, int port, SyslogPayloadFormat format, string name)
    {
        var options = new AlertOptions
        {
            AggregationWindow = TimeSpan.Zero,
            ShutdownTimeout = TimeSpan.FromSeconds(1),
            ProductVersion = "1.2.3",
            Sinks =
            [
                new SyslogSinkOptions
                {
                    Type = "Syslog",
                    Name = name,
                    Protocol = protocol,
                    Host = "127.0.0.1",
                    Port = port,
                    Format = format,
                    Hostname = "test-host",
                    InitialBackoff = TimeSpan.FromMilliseconds(20),
                    MaxBackoff = TimeSpan.FromMilliseconds(100),
                },
            ],
        };
        var dispatcher = AlertDispatcher.Create(options, TimeProvider.System, NullLoggerFactory.Instance);
        dispatcher.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return dispatcher;
    }

    /// <summary>RFC 6587 octet counting: ASCII length, one space, then exactly that many bytes.</summary>
    private static async Task<string> ReadFrameAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var length = 0;
        var one = new byte[1];
        while (true)
        {
            await stream.ReadExactlyAsync(one, cancellationToken);
            if (one[0] == (byte)' ')
            {
                break;
            }

            Assert.InRange(one[0], (byte)'0', (byte)'9');
            length = (length * 10) + (one[0] - '0');
        }

        var message = new byte[length];
        await stream.ReadExactlyAsync(message, cancellationToken);
        return Encoding.UTF8.GetString(message);
    }

    // <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD]... MSG
    [GeneratedRegex(@"^<(?<pri>\d{1,3})>1 (?<timestamp>\S+) (?<host>\S+) (?<app>\S+) (?<procid>\d+) (?<msgid>\S+) (?<sd>(\[[^\]]*\])+) (?<msg>.*)$", RegexOptions.Singleline)]
    private static partial Regex Rfc5424();
}
