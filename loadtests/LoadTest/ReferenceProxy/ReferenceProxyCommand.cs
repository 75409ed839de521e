using System.CommandLine;
using NeuralSec.CommandLine;

namespace NeuralSec.LoadTest.ReferenceProxy;

/// <summary>The <c>reference-proxy</c> subcommand: the process <see cref="ReferenceProxyProcess"/> starts for
/// <c>--self-host --reference-proxy</c>. Its two options are checked while parsing (a slip is exit 2).</summary>
internal static class ReferenceProxyCommand
{
    public const string Name = "reference-proxy";

    public static Command Create(Func<ReferenceProxyOptions, TextWriter, CancellationToken, Task<int>> run)
    {
        var listenPort = Values.OptionalInteger("--listen-port", "the port to listen on, on 127.0.0.1 (h2c, HTTP/2 only)", 1, 65_535);
        listenPort.HelpName = "PORT";
        listenPort.Required = true;
        var upstream = LoopbackOption.Create("--upstream", "the model server's gRPC address to forward to, e.g. http://127.0.0.1:9001");
        upstream.Required = true;

        var command = new Command(Name, """
            A minimal ASP.NET Core gRPC proxy, the reference the sidecar's added latency is split with: Kestrel (h2c,
            HTTP/2 only, 127.0.0.1) and one OIP v2 service whose ModelInfer, ModelMetadata and ServerReady each await
            the same call to --upstream with Grpc.Net.Client and return its answer (caller's deadline and
            cancellation forwarded). Full protobuf parse both ways, nothing else: no policy, logging or middleware.
            Prints "listening on http://127.0.0.1:PORT" when ready and runs until killed (SIGTERM, Ctrl+C).
            The comparison run starts it itself with --self-host --reference-proxy. The upstream must be loopback.
            """)
        {
            listenPort, upstream,
        };
        command.SetAction((parseResult, cancellationToken) => run(
            new ReferenceProxyOptions(parseResult.GetValue(listenPort)!.Value, parseResult.GetValue(upstream)!),
            parseResult.InvocationConfiguration.Output,
            cancellationToken));
        return command;
    }
}
