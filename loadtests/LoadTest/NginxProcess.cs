using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Grpc.Core;
using NeuralSec.Processes;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest;

/// <summary>
/// nginx as a plain gRPC reverse proxy (<c>grpc_pass</c>) in front of the model server, its own process on a free
/// loopback port: the baseline the sidecar's cost is judged against. It runs in the foreground from a temporary folder
/// that holds its configuration, pid, error log and every temp path, so nothing is written to /var/lib/nginx or
/// /var/log/nginx and it runs without root (<c>-e</c>, nginx 1.19.5 and newer, sends the log of the start itself there
/// too). One worker without a master process: one process to measure, as the sidecar is one. Upstream connections are
/// kept alive and reused for the whole run, as the sidecar's are.
/// </summary>
internal sealed class NginxProcess : IAsyncDisposable
{
    private const int ErrorLogLinesShown = 20;

    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _folder;

    private NginxProcess(Process process, string folder, Uri grpc, string version)
    {
        _process = process;
        _folder = folder;
        Grpc = grpc;
        Version = version;
    }

    /// <summary>"nginx/1.22.1", as <c>nginx -v</c> says.</summary>
    public string Version { get; }

    /// <summary>nginx's gRPC (h2c) endpoint.</summary>
    public Uri Grpc { get; }

    public int ProcessId => _process.Id;

    /// <summary>Checks the configuration (<c>nginx -t</c>), starts nginx in front of <paramref name="upstream"/> and
    /// waits until one ModelMetadata call for <paramref name="model"/> passes through it.</summary>
    public static async Task<NginxProcess> StartAsync(string binary, Uri upstream, string model)
    {
        var folder = Directory.CreateTempSubdirectory("neuralsec-nginx-").FullName;
        Process? process = null;
        try
        {
            var port = LoopbackPort.Free();
            var config = Path.Combine(folder, "nginx.conf");
            await File.WriteAllTextAsync(config, Configuration(folder, upstream, port));

            var (_, versionOutput) = await RunToEndAsync(binary, ["-v"]);
            var version = versionOutput.Split(':', 2) is [_, var v] ? v.Trim() : "nginx";
            var (testCode, testOutput) = await RunToEndAsync(binary, [.. Switches(folder, config), "-t", "-q"]);
            if (testCode != 0)
            {
                throw new InvalidOperationException($"nginx -t refused the generated {config} (exit {testCode}):{Environment.NewLine}{testOutput}{ErrorLogTail(folder)}");
            }

            var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder };
            foreach (var argument in Switches(folder, config))
            {
                start.ArgumentList.Add(argument);
            }

            process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");

            // nginx logs to error.log; whatever it writes here anyway must not fill a pipe and stall it.
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var nginx = new NginxProcess(process, folder, new Uri($"http://127.0.0.1:{port}"), version);
            await nginx.WaitReadyAsync(model);
            return nginx;
        }
        catch
        {
            await ChildProcess.StopAsync(process);
            process?.Dispose();
            DeleteFolder(folder);
            throw;
        }
    }

    /// <summary>The configuration: every path in <paramref name="folder"/>, keep-alive on both sides for the whole run.</summary>
    public static string Configuration(string folder, Uri upstream, int port)
    {
        string In(string name) => Quote(Path.Combine(folder, name));
        return string.Create(CultureInfo.InvariantCulture, $$"""
            # Written by neuralsec-loadtest for one run; deleted when the run ends.
            daemon off;
            master_process off;
            worker_processes 1;
            error_log {{In("error.log")}} warn;
            pid {{In("nginx.pid")}};

            events {
                worker_connections 1024;
            }

            http {
                client_body_temp_path {{In("client_body")}};
                proxy_temp_path {{In("proxy")}};
                fastcgi_temp_path {{In("fastcgi")}};
                uwsgi_temp_path {{In("uwsgi")}};
                scgi_temp_path {{In("scgi")}};
                access_log off;

                upstream model {
                    server {{upstream.Authority}};
                    keepalive 32;
                    keepalive_requests 1000000;
                    keepalive_timeout 300s;
                }

                server {
                    # h2c with prior knowledge, as gRPC clients speak it without TLS. keepalive_requests caps the
                    # requests per client connection (http2_max_requests, obsolete since 1.19.7, is folded into it).
                    listen 127.0.0.1:{{port}} http2;
                    keepalive_requests 1000000;
                    keepalive_timeout 300s;

                    location / {
                        grpc_pass grpc://model;
                    }
                }
            }

            """);
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcess.StopAsync(_process);
        _process.Dispose();
        DeleteFolder(_folder);
    }

    private static string[] Switches(string folder, string config) => ["-p", folder + Path.DirectorySeparatorChar, "-c", config, "-e", Path.Combine(folder, "error.log")];

    private static string Quote(string path) => '"' + path.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + '"';

    private async Task WaitReadyAsync(string model)
    {
        using var limit = new CancellationTokenSource(ReadyLimit);
        using var target = new Target("nginx-probe", Grpc, TargetKind.Nginx);
        string? lastError = null;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited during start-up (exit {_process.ExitCode}){ErrorLogTail(_folder)}");
            }

            if (limit.IsCancellationRequested)
            {
                throw new InvalidOperationException($"nginx did not pass a ModelMetadata call through to the model server within {ReadyLimit.TotalSeconds:F0} s (last: {lastError}){ErrorLogTail(_folder)}");
            }

            try
            {
                using (var socket = new TcpClient())
                {
                    await socket.ConnectAsync(Grpc.Host, Grpc.Port, limit.Token);
                }

                await target.Client.ModelMetadataAsync(new ModelMetadataRequest { Name = model }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: limit.Token);
                return;
            }
            catch (Exception e) when (e is SocketException or RpcException or OperationCanceledException)
            {
                lastError = e.Message;
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }

    private static async Task<(int Code, string Output)> RunToEndAsync(string binary, IEnumerable<string> arguments)
    {
        var (code, output) = await ChildProcess.RunToEndAsync(binary, arguments, ReadyLimit);
        return code is { } exited
            ? (exited, output.Trim())
            : throw new InvalidOperationException($"{binary} {string.Join(' ', arguments)} did not finish within {ReadyLimit.TotalSeconds:F0} s");
    }

    private static string ErrorLogTail(string folder)
    {
        var log = Path.Combine(folder, "error.log");
        if (!File.Exists(log))
        {
            return string.Empty;
        }

        var lines = File.ReadLines(log).TakeLast(ErrorLogLinesShown).ToArray();
        return lines.Length == 0 ? string.Empty : $"{Environment.NewLine}last lines of nginx's error.log:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }

    private static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the folder is in the temp directory and empty of anything that matters.
        }
        catch (UnauthorizedAccessException)
        {
            // The temp paths nginx made as another user (a root run hands them to 'nobody'): left to the OS's cleaning.
        }
    }
}
