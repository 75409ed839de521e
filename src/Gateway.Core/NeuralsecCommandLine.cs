using System.CommandLine;
using System.CommandLine.Parsing;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using NeuralSec.CommandLine;
using NeuralSec.Gateway.Calibration;
using NeuralSec.Gateway.Hosting;
using NeuralSec.Gateway.Policy.Cli;
using NeuralSec.Policy.Editing;

namespace NeuralSec.Gateway;

/// <summary>
/// The <c>neuralsec</c> command line: the sidecar by default, ops commands beside it (healthcheck, policy, calibrate).
/// With no command, or with only configuration switches (<c>--Section:Key=Value</c>), it serves; anything else that
/// is not a command or option is a usage error (<c>--hepl</c>: "did you mean '--help'?", exit 2). The executable
/// (src/Gateway, <c>Program.Main</c>) runs it on the process's console.
/// </summary>
internal static class NeuralsecCommandLine
{
    public const string Name = "neuralsec";

    private const string ConfigurationNotes = """
        Configuration (appsettings.json, environment variables such as NeuralSec__Backend=Upstream, or switches):
          neuralsec --NeuralSec:Backend=Upstream ...     switches in the --Section:Key=Value form start the sidecar
          neuralsec serve --NeuralSec:Backend Upstream   after 'serve', every form .NET configuration reads is taken
          NeuralSec:Backend                      OnnxRuntime (default) | Upstream
          NeuralSec:OnnxRuntime:ModelRepository  folder laid out <model>/<version>/model.onnx (default: models)
          NeuralSec:OnnxRuntime:ExecutionProvider Auto | Cpu | Cuda
          NeuralSec:Upstream:Address             e.g. http://127.0.0.1:9001
          NeuralSec:Server:GrpcPort / HttpPort / MetricsPort (8001 / 8000 / 8002), ListenAddress
          NeuralSec:Policies:Directory           policy folder, hot-reloaded (default: policies)
          NeuralSec:Alerts:Sinks                 JsonLines (stdout), Webhook (spooled), Syslog (UDP/TCP, CEF or JSON)
        An invalid configuration is reported at start-up, every error at once, with exit code 2.
        """;

    /// <summary>The whole command line with its writers passed in, so tests need not swap the process's console.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
        => CreateProgram().RunAsync(args, output, error, cancellationToken);

    internal static CliProgram CreateProgram()
    {
        // The root's action is `serve`; the tokens it takes are configuration switches, nothing else.
        var switches = new Argument<string[]>("configuration")
        {
            Arity = ArgumentArity.ZeroOrMore,
            Hidden = true,
        }.PassingOptionsThrough();
        var root = new RootCommand("NeuralSec: a gRPC/REST firewall sidecar for ML models (KServe Open Inference Protocol v2).\nWith no command it serves, as 'neuralsec serve' does.")
        {
            switches,
        };
        root.Validators.Add(result => CheckSwitches(result, switches));
        root.SetAction((parseResult, cancellationToken) => ServeAsync(parseResult.GetValue(switches) ?? [], parseResult.InvocationConfiguration.Error));
        root.Subcommands.Add(ServeCommand());
        root.Subcommands.Add(HealthCheckCommand.Create());
        root.Subcommands.Add(PolicyCommand.Create());
        root.Subcommands.Add(CalibrateCommand.Create());
        root.WithHelpNotes(ConfigurationNotes);
        return new CliProgram(Name, root, IsExpectedFailure);
    }

    /// <summary>The failures whose message says it all (a start-up error, an unreadable certificate, a policy edit that failed).</summary>
    private static bool IsExpectedFailure(Exception exception) =>
        exception is InvalidOperationException or FormatException or CryptographicException or CalibrationException or PolicyEditException;

    private static Command ServeCommand()
    {
        var configuration = new Argument<string[]>("configuration")
        {
            Arity = ArgumentArity.ZeroOrMore,
            Description = "configuration switches (--NeuralSec:Backend=Upstream or --NeuralSec:Backend Upstream), as .NET configuration reads them",
        }.PassingOptionsThrough();
        var serve = new Command("serve", "Run the sidecar (the default): gRPC :8001, REST :8000, metrics :8002") { configuration };
        serve.SetAction((parseResult, cancellationToken) => ServeAsync(parseResult.GetValue(configuration) ?? [], parseResult.InvocationConfiguration.Error));
        return serve.WithExitCodes("0 stopped, 1 failure, 2 usage error or invalid configuration");
    }

    /// <summary>
    /// Without <c>serve</c>, a word is a configuration switch only in the <c>--Section:Key=Value</c> form: so
    /// <c>neuralsec --hepl</c> or <c>neuralsec polcy</c> is a usage error with a suggestion, never a sidecar starting.
    /// </summary>
    private static void CheckSwitches(CommandResult result, Argument<string[]> switches)
    {
        foreach (var token in result.GetValue(switches) ?? [])
        {
            if (IsSwitch(token))
            {
                continue;
            }

            var message = ParseErrors.UnknownToken(result.Command, token);
            result.AddError(token.StartsWith("--", StringComparison.Ordinal) && token.Contains(':', StringComparison.Ordinal)
                ? $"{message}; a configuration switch here takes the form --Section:Key=Value ('neuralsec serve' takes every form)"
                : message);
            return;
        }
    }

    private static bool IsSwitch(string token)
    {
        var equals = token.IndexOf('=', StringComparison.Ordinal);
        return token.StartsWith("--", StringComparison.Ordinal) && equals > 2 && !token.AsSpan(2, equals - 2).ContainsAny(" \t=");
    }

    private static async Task<int> ServeAsync(string[] configuration, TextWriter error)
    {
        try
        {
            var app = GatewayApplication.Build(configuration);
            var startup = app.Services.GetRequiredService<StartupFailure>();
            try
            {
                await app.RunAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (startup.Reason is not null)
            {
                // Stopped while still starting: the reason below is the whole story.
            }

            if (startup.Reason is { } reason)
            {
                await error.WriteLineAsync($"{Name}: {reason}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            return ExitCodes.Success;
        }
        catch (OptionsValidationException ex)
        {
            // Every configuration error at once, one per line: the exception to the one-line rule, on purpose.
            await error.WriteLineAsync($"{Name}: invalid configuration:").ConfigureAwait(false);
            foreach (var failure in ex.Failures)
            {
                await error.WriteLineAsync($"  - {failure}").ConfigureAwait(false);
            }

            return ExitCodes.UsageError;
        }
    }
}
