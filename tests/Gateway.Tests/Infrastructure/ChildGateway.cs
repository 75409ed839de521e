using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace NeuralSec.Gateway.Tests.Infrastructure;

/// <summary>
/// The built <c>neuralsec</c> running as a separate process (<c>dotnet neuralsec.dll</c>) on loopback, so a test
/// can do to it what an operating system does to a real model server: stop it with SIGSTOP, resume it with
/// SIGCONT, kill it. Linux only; the process is killed when disposed, whatever state it is in.
/// </summary>
internal sealed partial class ChildGateway : IAsyncDisposable
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const int SigCont = 18;
    private const int SigStop = 19;

    private readonly Process _process;

    private ChildGateway(Process process, Uri grpc, Uri http, Uri metrics)
    {
        _process = process;
        Grpc = grpc;
        Http = http;
        Metrics = metrics;
    }

    public Uri Grpc { get; }

    public Uri Http { get; }

    public Uri Metrics { get; }

    public static bool Supported => OperatingSystem.IsLinux();

    /// <summary>Starts the embedded-model gateway on free ports and waits for its "listening" log line.</summary>
    public static Task<ChildGateway> StartAsync(params string[] settings) =>
        StartAsync(new Dictionary<string, string>(), settings);

    /// <summary>As <see cref="StartAsync(string[])"/>, with extra environment variables for the process.</summary>
    public static async Task<ChildGateway> StartAsync(IReadOnlyDictionary<string, string> environment, params string[] settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "neuralsec.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in new[]
                 {
                     "serve",
                     "--NeuralSec:Server:ListenAddress=127.0.0.1",
                     "--NeuralSec:Server:GrpcPort=0",
                     "--NeuralSec:Server:HttpPort=0",
                     "--NeuralSec:Server:MetricsPort=0",
                     $"--NeuralSec:OnnxRuntime:ModelRepository={RepoPaths.ModelRepository}",
                     "--NeuralSec:OnnxRuntime:IntraOpThreads=1",
                     $"--NeuralSec:Policies:Directory={RepoPaths.PassThroughPolicies}",
                     "--Logging:Console:FormatterName=simple",
                     "--Logging:LogLevel:Default=Information",
                 }.Concat(settings))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_gcServer"] = "0";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var listening = new TaskCompletionSource<(Uri Grpc, Uri Http, Uri Metrics)>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult((new Uri(match.Groups[1].Value), new Uri(match.Groups[2].Value), new Uri(match.Groups[3].Value)));
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"the child gateway exited with {process.ExitCode}"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var (grpc, http, metrics) = await listening.Task.WaitAsync(TimeSpan.FromSeconds(90));
            return new ChildGateway(process, grpc, http, metrics);
        }
        catch
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
            throw;
        }
    }

    /// <summary>SIGSTOP: the process stops answering anything, sockets stay open, the kernel keeps accepting.</summary>
    public void Stop() => Signal(SigStop);

    /// <summary>SIGCONT: it resumes where it stopped.</summary>
    public void Continue() => Signal(SigCont);

    /// <summary>SIGTERM: what the kubelet sends a container it is about to stop.</summary>
    public void Terminate() => Signal(SigTerm);

    /// <summary>SIGKILL: the process dies at once, as after an OOM kill or a crash.</summary>
    public void Kill() => Signal(SigKill);

    /// <summary>Waits for the process to end and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        await _process.WaitForExitAsync().WaitAsync(limit);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                Signal(SigCont);
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);

    [GeneratedRegex(@"listening: gRPC (\S+), HTTP (\S+), metrics ([^\s;]+)")]
    private static partial Regex ListeningLine();
}
