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

    using var direct = new Target("direct", options.Direct!);
    using var sidecar = new Target("sidecar", options.Sidecar!);
    await Console.Error.WriteLineAsync($"direct  {direct.Address}\nsidecar {sidecar.Address}");

    var metadata = await direct.Client.ModelMetadataAsync(new ModelMetadataRequest { Name = options.Model }, deadline: DateTime.UtcNow.AddSeconds(10));
    var request = RequestFactory.Build(metadata, options.BatchSize);
    var results = await new AlternatingRun(options, request).RunAsync(direct, sidecar);

    var mode = options.Rate > 0 ? $"open loop {options.Rate:F0} req/s" : $"closed loop, {options.Concurrency} workers";
    var markdown = Report.Markdown(options, mode, results.Direct, results.Sidecar);
    Console.WriteLine(markdown);
    if (options.MarkdownPath is not null)
    {
        await File.WriteAllTextAsync(options.MarkdownPath, markdown);
    }

    return results.Direct.Successes > 0 && results.Sidecar.Successes > 0 ? 0 : 1;
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
