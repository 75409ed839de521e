using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest;

/// <summary>One load-test run with its options parsed: start the targets, alternate the rounds, print the table.</summary>
internal static class LoadTestRun
{
    public static async Task<int> RunAsync(LoadTestOptions options, TextWriter output, TextWriter error)
    {
        SelfHostedTargets? selfHosted = null;
        try
        {
            if (options.SelfHost)
            {
                await error.WriteLineAsync("starting model server (ONNX Runtime) and sidecar (Upstream) on 127.0.0.1 …");
                selfHosted = await SelfHostedTargets.StartAsync(options);
                options = options with { Direct = selfHosted.ModelServer, Sidecar = selfHosted.Sidecar };
            }

            var targets = new List<Target>
            {
                new("direct", options.Direct!, "direct (model server)"),
                new("sidecar", options.Sidecar!, options.SelfHost ? "through sidecar, pass-through policy" : "through sidecar"),
            };
            for (var i = 0; i < (selfHosted?.DefendedSidecars.Count ?? 0); i++)
            {
                targets.Add(new Target(SelfHostedTargets.DefendedName(i), selfHosted!.DefendedSidecars[i], $"through sidecar, policies of {options.DefendedPolicies[i]}"));
            }

            foreach (var target in targets)
            {
                await error.WriteLineAsync($"{target.Name,-9} {target.Address}");
            }

            var metadata = await targets[0].Client.ModelMetadataAsync(new ModelMetadataRequest { Name = options.Model }, deadline: DateTime.UtcNow.AddSeconds(10));
            var requests = options.DistinctDigits
                ? new RequestSet([.. MnistDigit.All().Select(digit => RequestFactory.Build(metadata, options.BatchSize, digit))])
                : new RequestSet([RequestFactory.Build(metadata, options.BatchSize, options.MnistDigit ? MnistDigit.First() : null)]);
            var results = await new AlternatingRun(options, requests).RunAsync(targets);
            foreach (var target in targets)
            {
                target.Dispose();
            }

            var mode = options.Rate > 0 ? $"open loop {options.Rate:F0} req/s" : $"closed loop, {options.Concurrency} workers";
            var markdown = Report.Markdown(options, mode, targets, results);
            await output.WriteLineAsync(markdown);
            if (options.MarkdownPath is not null)
            {
                await File.WriteAllTextAsync(options.MarkdownPath, markdown);
            }

            return results.All(r => r.Successes > 0) ? 0 : 1;
        }
        finally
        {
            if (selfHosted is not null)
            {
                await selfHosted.DisposeAsync();
            }
        }
    }
}
