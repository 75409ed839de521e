using NeuralSec.LoadTest;
using NeuralSec.Protocol.Inference;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

if (!CommandLine.TryParse(args, out var options, out var error))
{
    await Console.Error.WriteLineAsync($"neuralsec-loadtest: {error}\n\n{CommandLine.Usage}");
    return 2;
}

SelfHostedTargets? selfHosted = null;
try
{
    if (options.SelfHost)
    {
        await Console.Error.WriteLineAsync("starting model server (ONNX Runtime) and sidecar (Upstream) on 127.0.0.1 …");
        selfHosted = await SelfHostedTargets.StartAsync(options);
        options = options with { Direct = selfHosted.ModelServer, Sidecar = selfHosted.Sidecar };
    }

    var targets = new List<Target>
    {
        new("direct", options.Direct!, "direct (model server)"),
        new("sidecar", options.Sidecar!, options.SelfHost ? "through sidecar, pass-through policy" : "through sidecar"),
    };
    if (selfHosted?.DefendedSidecar is { } defended)
    {
        targets.Add(new Target("defended", defended, $"through sidecar, policies of {options.DefendedPolicies}"));
    }

    foreach (var target in targets)
    {
        await Console.Error.WriteLineAsync($"{target.Name,-9} {target.Address}");
    }

    var metadata = await targets[0].Client.ModelMetadataAsync(new ModelMetadataRequest { Name = options.Model }, deadline: DateTime.UtcNow.AddSeconds(10));
    var request = RequestFactory.Build(metadata, options.BatchSize, options.MnistDigit ? MnistDigit.First() : null);
    var results = await new AlternatingRun(options, request).RunAsync(targets);
    foreach (var target in targets)
    {
        target.Dispose();
    }

    var mode = options.Rate > 0 ? $"open loop {options.Rate:F0} req/s" : $"closed loop, {options.Concurrency} workers";
    var markdown = Report.Markdown(options, mode, targets, results);
    Console.WriteLine(markdown);
    if (options.MarkdownPath is not null)
    {
        await File.WriteAllTextAsync(options.MarkdownPath, markdown);
    }

    return results.All(r => r.Successes > 0) ? 0 : 1;
}
catch (Exception ex) when (ex is InvalidOperationException or Grpc.Core.RpcException or IOException)
{
    await Console.Error.WriteLineAsync($"neuralsec-loadtest: {ex.Message}");
    return 1;
}
finally
{
    if (selfHosted is not null)
    {
        await selfHosted.DisposeAsync();
    }
}
