using NeuralSec.Data;
using NeuralSec.LoadTest;
using NeuralSec.LoadTest.ReferenceProxy;

namespace NeuralSec.CommandLine.Tests;

/// <summary><c>neuralsec-loadtest</c>'s command line, run in-process with a recorder instead of a load test.</summary>
public sealed class LoadTestCommandLineTests
{
    private static (int Code, string Output, string Error, LoadTestOptions? Options) Run(params string[] args)
    {
        LoadTestOptions? seen = null;
        var program = LoadTest.CommandLine.Create((options, _, _) =>
        {
            seen = options;
            return Task.FromResult(0);
        });
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = program.Run(args, output, error);
        return (code, output.ToString(), error.ToString(), seen);
    }

    private static (int Code, string Error, ReferenceProxyOptions? Options) RunReferenceProxy(params string[] args)
    {
        ReferenceProxyOptions? seen = null;
        var program = LoadTest.CommandLine.Create(
            (_, _, _) => throw new InvalidOperationException("the root command ran"),
            referenceProxy: (options, _, _) =>
            {
                seen = options;
                return Task.FromResult(0);
            });
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = program.Run(["reference-proxy", .. args], output, error);
        return (code, error.ToString(), seen);
    }

    [Fact]
    public void Help_exits_zero_and_lists_the_bounded_options()
    {
        var (code, output, error, options) = Run("--help");

        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Null(options);
        Assert.Contains("--self-host", output, StringComparison.Ordinal);
        Assert.Contains("--max-duration <SECONDS>", output, StringComparison.Ordinal);
        Assert.Contains("Targets must be loopback", output, StringComparison.Ordinal);
        Assert.Contains("--reference-proxy", output, StringComparison.Ordinal);
        Assert.Contains("neuralsec-loadtest reference-proxy --listen-port P --upstream URL", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_those_of_LoadTestOptions()
    {
        var (code, _, error, options) = Run("--self-host");

        Assert.True(code == 0, error);
        Assert.Equal(["--self-host"], options!.Arguments);
        Assert.Equal(new LoadTestOptions { SelfHost = true }, options with { Arguments = [] });
    }

    [Fact]
    public void Defended_policy_folders_may_be_given_more_than_once_and_keep_their_order()
    {
        var (code, _, error, options) = Run("--self-host", "--defended-policies", "policies", "--defended-policies", "/tmp/without-extraction");

        Assert.True(code == 0, error);
        Assert.Equal(["policies", "/tmp/without-extraction"], options!.DefendedPolicies);
    }

    [Fact]
    public void Every_option_is_bound()
    {
        var (code, _, error, options) = Run(
            "--direct", "http://127.0.0.1:9001", "--sidecar", "http://[::1]:8001", "--model", "m", "--batch", "2", "--concurrency", "3",
            "--rate", "50", "--requests", "100", "--warmup", "0", "--settle", "7", "--rounds", "2", "--max-duration", "5.5", "--markdown", "/tmp/x.md", "--mnist-digit", "--distinct-digits", "--time-refusals");

        Assert.True(code == 0, error);
        Assert.Equal(
            new LoadTestOptions
            {
                Direct = new Uri("http://127.0.0.1:9001"),
                Sidecar = new Uri("http://[::1]:8001"),
                Model = "m",
                BatchSize = 2,
                Concurrency = 3,
                Rate = 50,
                Requests = 100,
                Warmup = 0,
                Settle = 7,
                Rounds = 2,
                MaxDuration = TimeSpan.FromSeconds(5.5),
                MarkdownPath = "/tmp/x.md",
                MnistDigit = true,
                DistinctDigits = true,
                TimeRefusals = true,
            },
            options! with { Arguments = [] });
    }

    [Fact]
    public void Levels_are_concurrency_requests_pairs_in_the_order_given()
    {
        var (code, _, error, options) = Run("--self-host", "--levels", "8:20000,1:5000");

        Assert.True(code == 0, error);
        Assert.Equal([new LoadLevel(8, 20_000), new LoadLevel(1, 5_000)], options!.Levels);
        Assert.Equal(options.Levels, options.MeasuredLevels());
    }

    [Fact]
    public void Without_levels_the_one_level_is_concurrency_and_requests()
    {
        var (code, _, error, options) = Run("--self-host", "--concurrency", "3", "--requests", "700");

        Assert.True(code == 0, error);
        Assert.Empty(options!.Levels);
        Assert.Equal([new LoadLevel(3, 700)], options.MeasuredLevels());
    }

    [Fact]
    public void Every_option_of_the_comparison_run_is_bound()
    {
        var (code, _, error, options) = Run(
            "--self-host", "--nginx", "--nginx-binary", "/opt/nginx/sbin/nginx", "--reference-proxy", "--levels", "1:50,2:100", "--h2load", "--h2load-binary", "/opt/h2load",
            "--h2load-requests", "40", "--json", "/tmp/x.json", "--chart", "/tmp/x.svg");

        Assert.True(code == 0, error);
        Assert.Equal(
            new LoadTestOptions
            {
                SelfHost = true,
                Nginx = true,
                NginxBinary = "/opt/nginx/sbin/nginx",
                ReferenceProxy = true,
                H2Load = true,
                H2LoadBinary = "/opt/h2load",
                H2LoadRequests = 40,
                JsonPath = "/tmp/x.json",
                ChartPath = "/tmp/x.svg",
            },
            options! with { Levels = [], Arguments = [] });
        Assert.Equal([new LoadLevel(1, 50), new LoadLevel(2, 100)], options.Levels);
        Assert.Equal("--chart", options.Arguments[^2]);
    }

    [Fact]
    public void Dynamic_batching_gives_one_batched_model_server_per_value_in_the_order_given()
    {
        var (code, _, error, options) = Run("--self-host", "--dynamic-batching", "200:8", "--dynamic-batching", "0:32");

        Assert.True(code == 0, error);
        Assert.Equal([new BatchingSetting(200, 8), new BatchingSetting(0, 32)], options!.DynamicBatching);
        Assert.Equal("delay 200 µs, max 8", options.DynamicBatching[0].Label);
        Assert.Empty(Run("--self-host").Options!.DynamicBatching);
    }

    [Fact]
    public void Auxiliary_batching_gives_one_more_defended_sidecar_per_value()
    {
        var (code, _, error, options) = Run("--self-host", "--defended-policies", "loadtests/policies/defended", "--auxiliary-batching", "200:8", "--auxiliary-batching", "0:8");

        Assert.True(code == 0, error);
        Assert.Equal([new BatchingSetting(200, 8), new BatchingSetting(0, 8)], options!.AuxiliaryBatching);
        Assert.Empty(options.DynamicBatching);
        Assert.Equal(["defended-aux-batched", "defended-aux-batched-2"], [SelfHostedTargets.AuxiliaryBatchedName(0), SelfHostedTargets.AuxiliaryBatchedName(1)]);
    }

    [Fact]
    public void A_batched_repository_is_a_copy_of_the_model_with_its_config_and_dynamic_batching_added()
    {
        using var copy = BatchedRepository.Create(RepositoryPaths.ModelRepository(), "mnist", new BatchingSetting(200, 8));

        Assert.True(File.Exists(Path.Combine(copy.Path, "mnist", "1", "model.onnx")));
        var config = File.ReadAllText(Path.Combine(copy.Path, "mnist", "config.yaml"));
        Assert.StartsWith(File.ReadAllText(Path.Combine(RepositoryPaths.ModelRepository(), "mnist", "config.yaml")), config, StringComparison.Ordinal);
        Assert.EndsWith("dynamicBatching:\n  maxQueueDelayMicroseconds: 200\n  maxBatchSize: 8\n", config, StringComparison.Ordinal);

        // A model without a config.yaml (mnist-adv) gets one, with the batch size as its largest batch.
        using var bare = BatchedRepository.Create(RepositoryPaths.ModelRepository(), "mnist-adv", new BatchingSetting(0, 16));
        Assert.Equal("maxBatch: 16\ndynamicBatching:\n  maxQueueDelayMicroseconds: 0\n  maxBatchSize: 16\n", File.ReadAllText(Path.Combine(bare.Path, "mnist-adv", "config.yaml")));
    }

    [Theory]
    [InlineData("neuralsec-loadtest: --dynamic-batching: '200' is not DELAY_US:MAX_BATCH (e.g. 200:8)", "--self-host", "--dynamic-batching", "200")]
    [InlineData("neuralsec-loadtest: --dynamic-batching: queue delay 2000000 µs in '2000000:8' is not in [0, 1000000]", "--self-host", "--dynamic-batching", "2000000:8")]
    [InlineData("neuralsec-loadtest: --dynamic-batching: batch size 1 in '200:1' is not in [2, 65536]", "--self-host", "--dynamic-batching", "200:1")]
    [InlineData("neuralsec-loadtest: --dynamic-batching: 200:8 is given twice", "--self-host", "--dynamic-batching", "200:8", "--dynamic-batching", "200:8")]
    [InlineData("neuralsec-loadtest: --dynamic-batching starts a second model server: give it with --self-host", "--direct", "http://127.0.0.1:9001", "--sidecar", "http://127.0.0.1:8001", "--dynamic-batching", "0:8")]
    [InlineData("neuralsec-loadtest: --auxiliary-batching starts one more defended sidecar: give it with --self-host and --defended-policies", "--self-host", "--auxiliary-batching", "0:8")]
    [InlineData("neuralsec-loadtest: --auxiliary-batching: '8' is not DELAY_US:MAX_BATCH (e.g. 200:8)", "--self-host", "--defended-policies", "loadtests/policies/defended", "--auxiliary-batching", "8")]
    public void Dynamic_batching_usage_errors_exit_two(string expected, params string[] args)
    {
        var (code, output, error, options) = Run(args);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Null(options);
        Assert.StartsWith(expected, Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("neuralsec-loadtest: --levels: '1-5000' is not CONCURRENCY:REQUESTS (e.g. 1:5000,8:20000)", "--self-host", "--levels", "1-5000")]
    [InlineData("neuralsec-loadtest: --levels: '8:' is not CONCURRENCY:REQUESTS (e.g. 1:5000,8:20000)", "--self-host", "--levels", "1:5000,8:")]
    [InlineData("neuralsec-loadtest: --levels: '1:2:3' is not CONCURRENCY:REQUESTS (e.g. 1:5000,8:20000)", "--self-host", "--levels", "1:2:3")]
    [InlineData("neuralsec-loadtest: --levels: concurrency 0 in '0:50' is not in [1, 4096]", "--self-host", "--levels", "0:50")]
    [InlineData("neuralsec-loadtest: --levels: requests 20000000 in '8:20000000' is not in [1, 10000000]", "--self-host", "--levels", "8:20000000")]
    [InlineData("neuralsec-loadtest: --levels: concurrency 1 is given twice", "--self-host", "--levels", "1:50,1:100")]
    [InlineData("neuralsec-loadtest: --levels: at most 8 levels, got 9", "--self-host", "--levels", "1:1,2:1,3:1,4:1,5:1,6:1,7:1,8:1,9:1")]
    [InlineData("neuralsec-loadtest: --levels gives the concurrency and requests of each level: not with --concurrency or --requests", "--self-host", "--levels", "1:50", "--concurrency", "4")]
    [InlineData("neuralsec-loadtest: --levels is for the closed loop: not with --rate", "--self-host", "--levels", "1:50", "--rate", "100")]
    [InlineData("neuralsec-loadtest: --h2load is for the closed loop: not with --rate", "--self-host", "--h2load", "--rate", "100")]
    [InlineData("neuralsec-loadtest: --nginx starts nginx in front of the self-hosted model server: give it with --self-host", "--direct", "http://127.0.0.1:9001", "--sidecar", "http://127.0.0.1:8001", "--nginx")]
    [InlineData("neuralsec-loadtest: --reference-proxy starts a proxy in front of the self-hosted model server: give it with --self-host", "--direct", "http://127.0.0.1:9001", "--sidecar", "http://127.0.0.1:8001", "--reference-proxy")]
    [InlineData("neuralsec-loadtest: --nginx-binary goes with --nginx", "--self-host", "--nginx-binary", "/usr/sbin/nginx")]
    [InlineData("neuralsec-loadtest: --h2load-requests goes with --h2load", "--self-host", "--h2load-requests", "10")]
    [InlineData("neuralsec-loadtest: --chart draws .png or .svg, not '.jpg'", "--self-host", "--chart", "/tmp/chart.jpg")]
    public void Comparison_run_usage_errors_exit_two_before_anything_starts(string expected, params string[] args)
    {
        var (code, output, error, options) = Run(args);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Null(options);
        Assert.StartsWith(expected, Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("neuralsec-loadtest: unknown option '--concurency'; did you mean '--concurrency'?", "--self-host", "--concurency", "4")]
    [InlineData("neuralsec-loadtest: --batch needs a value", "--self-host", "--batch")]
    [InlineData("neuralsec-loadtest: --requests must be an integer in [1, 10000000], got '20000000'", "--self-host", "--requests", "20000000")]
    [InlineData("neuralsec-loadtest: --concurrency must be an integer in [1, 4096], got '0'", "--self-host", "--concurrency", "0")]
    [InlineData("neuralsec-loadtest: --rate must be a number of requests/s in (0, 1000000], got '0'", "--self-host", "--rate", "0")]
    [InlineData("neuralsec-loadtest: --max-duration must be seconds in (0, 1800], got '1801'", "--self-host", "--max-duration", "1801")]
    [InlineData("neuralsec-loadtest: --direct: refusing non-loopback target 'http://10.0.0.1:9001'", "--direct", "http://10.0.0.1:9001", "--sidecar", "http://127.0.0.1:8001")]
    [InlineData("neuralsec-loadtest: --sidecar: refusing non-loopback target 'http://example.com:8001'", "--direct", "http://127.0.0.1:9001", "--sidecar", "http://example.com:8001")]
    [InlineData("neuralsec-loadtest: give either --self-host, or both --direct and --sidecar")]
    [InlineData("neuralsec-loadtest: give either --self-host, or both --direct and --sidecar", "--self-host", "--direct", "http://127.0.0.1:9001")]
    [InlineData("neuralsec-loadtest: --direct and --sidecar go together", "--direct", "http://127.0.0.1:9001")]
    public void Usage_errors_exit_two_before_any_request(string expected, params string[] args)
    {
        var (code, output, error, options) = Run(args);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Null(options);
        Assert.StartsWith(expected, Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_reference_proxy_subcommand_binds_its_port_and_upstream()
    {
        var (code, error, options) = RunReferenceProxy("--listen-port", "18001", "--upstream", "http://127.0.0.1:9001");

        Assert.True(code == 0, error);
        Assert.Equal(new ReferenceProxyOptions(18001, new Uri("http://127.0.0.1:9001")), options);
    }

    [Theory]
    [InlineData("neuralsec-loadtest reference-proxy: --upstream: refusing non-loopback target 'http://10.0.0.1:9001'", "--listen-port", "18001", "--upstream", "http://10.0.0.1:9001")]
    [InlineData("neuralsec-loadtest reference-proxy: --upstream: refusing non-loopback target 'http://example.com:9001'", "--listen-port", "18001", "--upstream", "http://example.com:9001")]
    [InlineData("neuralsec-loadtest reference-proxy: --listen-port must be an integer in [1, 65535], got '0'", "--listen-port", "0", "--upstream", "http://127.0.0.1:9001")]
    [InlineData("neuralsec-loadtest reference-proxy: --listen-port must be an integer in [1, 65535], got '65536'", "--listen-port", "65536", "--upstream", "http://127.0.0.1:9001")]
    [InlineData("neuralsec-loadtest reference-proxy: --upstream is required", "--listen-port", "18001")]
    [InlineData("neuralsec-loadtest reference-proxy: --listen-port is required", "--upstream", "http://127.0.0.1:9001")]
    public void Reference_proxy_usage_errors_exit_two_before_it_listens(string expected, params string[] args)
    {
        var (code, error, options) = RunReferenceProxy(args);

        Assert.Equal(2, code);
        Assert.Null(options);
        Assert.StartsWith(expected, Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }
}
