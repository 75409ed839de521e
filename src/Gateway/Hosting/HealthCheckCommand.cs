namespace NeuralSec.Gateway.Hosting;

/// <summary><c>neuralsec healthcheck</c>: a container HEALTHCHECK without curl in the image.</summary>
internal static class HealthCheckCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var url = "http://127.0.0.1:8000/v2/health/ready";
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--url" && i + 1 < args.Length)
            {
                url = args[++i];
            }
            else
            {
                await Console.Error.WriteLineAsync($"neuralsec healthcheck: unknown argument '{args[i]}'").ConfigureAwait(false);
                return 2;
            }
        }

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync(new Uri(url)).ConfigureAwait(false);
            Console.WriteLine($"{(int)response.StatusCode} {url}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"neuralsec healthcheck: {url}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}
