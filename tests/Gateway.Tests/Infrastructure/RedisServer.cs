using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NeuralSec.Gateway.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> for one test class: its own temporary directory, a free loopback port, no persistence
/// (<c>--save "" --appendonly no</c>), killed at the end. Never skipped: CI installs Debian's redis-server
/// (.ci/run), so a machine without it fails the tests with a message saying so. <see cref="KillAsync"/> and
/// <see cref="RestartAsync"/> make an outage and the recovery from it, on the same port.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private static readonly string[] Candidates = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"];
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("neuralsec-redis-");
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string of this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        _ = Executable(); // fails at once, with the reason, where redis-server is missing
        for (var attempt = 1; ; attempt++)
        {
            var server = new RedisServer(FreePort());
            try
            {
                await server.RestartAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Another process took the port between our probe and redis binding it: try another.
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>A server not started yet, on a port of its own: for a sidecar that must start while Redis is
    /// down; <see cref="RestartAsync"/> brings it up.</summary>
    public static RedisServer NotStarted()
    {
        _ = Executable();
        return new RedisServer(FreePort());
    }

    /// <summary>Starts redis-server (again, after <see cref="KillAsync"/>) on <see cref="Port"/> and waits until it
    /// answers PING.</summary>
    public async Task RestartAsync()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("redis-server is already running");
        }

        var start = new ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir.FullName,
        };
        foreach (var argument in new[]
                 {
                     "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", string.Empty, "--appendonly", "no", "--dir", _dir.FullName, "--daemonize", "no",
                     "--protected-mode", "no", "--loglevel", "warning",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        var output = new StringBuilder();
        _process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await PingAsync())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                string said;
                lock (output)
                {
                    said = output.ToString();
                }

                await KillAsync();
                throw new InvalidOperationException($"redis-server on port {Port} did not answer PING: {said}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open and nothing answers, as a hung host would;
    /// <see cref="ResumeAsync"/> thaws it.</summary>
    public Task PauseAsync() => SignalAsync("STOP");

    public Task ResumeAsync() => SignalAsync("CONT");

    /// <summary>Kills the server at once (SIGKILL: no goodbye to its clients), as a crash would.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>Sends one command in RESP and returns the raw reply (for checks the store's API does not offer).</summary>
    public async Task<string> CommandAsync(params string[] words)
    {
        // Bounded: a paused or dead server fails the test instead of hanging it.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
        var stream = client.GetStream();
        var request = new StringBuilder().Append('*').Append(words.Length).Append("\r\n");
        foreach (var word in words)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(word)).Append("\r\n").Append(word).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), timeout.Token);
        var buffer = new byte[1 << 16];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _dir.Delete(recursive: true);
    }

    private async Task SignalAsync(string signal)
    {
        var process = _process ?? throw new InvalidOperationException("redis-server is not running");
        using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static string Executable() =>
        Candidates.FirstOrDefault(File.Exists)
        ?? (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Select(d => Path.Combine(d, "redis-server")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("redis-server is not installed: the Redis state store tests need a real one (CI installs Debian's: apt-get install -y redis-server; .ci/run does it).");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            return (await CommandAsync("PING")).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
