using System.CommandLine;
using NeuralSec.CommandLine;

namespace NeuralSec.Gateway.Hosting;

/// <summary><c>neuralsec healthcheck</c>: a container HEALTHCHECK without curl in the image.</summary>
internal static class HealthCheckCommand
{
    public const string DefaultUrl = "http://127.0.0.1:8000/v2/health/ready";

    public static Command Create()
    {
        var url = new Option<Uri>("--url")
        {
            Description = "the readiness endpoint to ask",
            HelpName = "URL",
            DefaultValueFactory = _ => new Uri(DefaultUrl),
            CustomParser = result =>
            {
                var text = result.Tokens[^1].Value;
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
                {
                    return uri;
                }

                result.AddError($"--url must be an http:// or https:// address, got '{text}'");
                return null;
            },
        };
        var command = new Command("healthcheck", "Exit 0 when the sidecar answers ready (the container HEALTHCHECK)") { url };
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult.GetRequiredValue(url), parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error, cancellationToken));
        return command.WithExitCodes("0 ready, 1 not ready or unreachable, 2 usage error");
    }

    private static async Task<int> RunAsync(Uri url, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync(url, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"{(int)response.StatusCode} {url}").ConfigureAwait(false);
            return response.IsSuccessStatusCode ? ExitCodes.Success : ExitCodes.Failure;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync($"{NeuralsecCommandLine.Name} healthcheck: {url}: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }
}
