using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Hosting;

namespace NeuralSec.Gateway;

/// <summary>The <c>neuralsec</c> executable: the sidecar by default, ops subcommands beside it.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
        var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
        try
        {
            return command switch
            {
                "serve" => await ServeAsync(rest).ConfigureAwait(false),
                "healthcheck" => await HealthCheckCommand.RunAsync(rest).ConfigureAwait(false),
                "policy" => await Policy.Cli.PolicyCommand.RunAsync(rest).ConfigureAwait(false),
                "calibrate" => await Calibration.CalibrateCommand.RunAsync(rest).ConfigureAwait(false),
                "help" or "--help" or "-h" => Usage(Console.Out, 0),
                _ => Usage(Console.Error, 2, $"unknown command '{command}'"),
            };
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("neuralsec: invalid configuration:").ConfigureAwait(false);
            foreach (var failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync($"  - {failure}").ConfigureAwait(false);
            }

            return 2;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or InvalidOperationException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            await Console.Error.WriteLineAsync($"neuralsec: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task<int> ServeAsync(string[] args)
    {
        var app = GatewayApplication.Build(args);
        await app.RunAsync().ConfigureAwait(false);
        return 0;
    }

    private static int Usage(TextWriter writer, int exitCode, string? error = null)
    {
        if (error is not null)
        {
            writer.WriteLine($"neuralsec: {error}");
        }

        writer.WriteLine("""
            usage: neuralsec [serve] [--NeuralSec:Key=Value ...]   run the sidecar (default)
                   neuralsec healthcheck [--url http://127.0.0.1:8000/v2/health/ready]
                                                                 exit 0 when the sidecar is ready (container HEALTHCHECK)
                   neuralsec policy validate <files|dirs>        check policy files (exit 0 valid, 1 invalid, 2 usage)
                   neuralsec policy explain <file>               what a policy will do, in plain words
                   neuralsec policy schema                       the policies' JSON Schema
                   neuralsec calibrate --policy FILE --benign FILE [--target-fpr 0.01] [--adversarial FILE ...] [--write | --patch]
                                                                 detector thresholds from benign data (calibrate --help)

            Configuration keys (also as environment variables, e.g. NeuralSec__Backend=Upstream):
              NeuralSec:Backend                    OnnxRuntime (default) | Upstream
              NeuralSec:OnnxRuntime:ModelRepository  folder laid out <model>/<version>/model.onnx (default: models)
              NeuralSec:OnnxRuntime:ExecutionProvider Auto | Cpu | Cuda
              NeuralSec:Upstream:Address           e.g. http://127.0.0.1:9001
              NeuralSec:Server:GrpcPort / HttpPort / MetricsPort (8001 / 8000 / 8002), ListenAddress
              NeuralSec:Policies:Directory         policy folder, hot-reloaded (default: policies)
              NeuralSec:Alerts:Sinks               JsonLines (stdout), Webhook (spooled), Syslog (UDP/TCP, CEF or JSON)
            """);
        return exitCode;
    }
}
