using System.Text.Json;
using System.Xml.Linq;
using NeuralSec.Data;
using NeuralSec.LoadTest;

namespace NeuralSec.CommandLine.Tests;

/// <summary>
/// The whole comparison run of <c>neuralsec-loadtest</c> at a few requests: model server, a second one with dynamic
/// batching, nginx, the reference proxy,
/// pass-through and defended sidecars as real processes, two levels, the h2load cross-check, the JSON and the chart. What is asserted is
/// the shape and that every call succeeded — never a latency or a goal met: those are the run's verdict on a machine.
/// nginx and h2load are required (.ci/run installs nginx-light and nghttp2-client); without them the test fails, saying so.
/// </summary>
public sealed class LoadTestComparisonRunTests
{
    private static readonly string[] Kinds = ["direct", "direct-batched", "nginx", "reference-proxy", "sidecar", "defended"];

    [Fact]
    public void A_missing_tool_is_an_error_that_names_its_package()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ExecutableLocator.Find(null, "no-such-tool-7f3a", "/nonexistent/no-such-tool-7f3a", "some-package", "--tool-binary"));

        Assert.Equal("no-such-tool-7f3a not found on PATH nor at /nonexistent/no-such-tool-7f3a: install it (Debian: apt-get install some-package) or pass --tool-binary PATH", e.Message);
    }

    [Fact]
    public void The_h2load_body_is_one_length_prefixed_grpc_message()
    {
        // Any message frames alike (the OIP v2 types are in two referenced assemblies here, so a well-known one).
        var request = new Google.Protobuf.WellKnownTypes.StringValue { Value = new string('x', 300) };

        var body = H2LoadRunner.GrpcBody(request);

        Assert.Equal(0, body[0]);
        Assert.Equal(body.Length - 5, (body[1] << 24) | (body[2] << 16) | (body[3] << 8) | body[4]);
        Assert.Equal(request, Google.Protobuf.WellKnownTypes.StringValue.Parser.ParseFrom(body.AsSpan(5)));
    }

    [Fact]
    public void The_h2load_summary_is_read_in_microseconds()
    {
        const string output = """
            starting benchmark...
            spawning thread #0: 1 total client(s). 200 total requests
            Application protocol: h2c

            finished in 1.20s, 166.40 req/s, 60.45KB/s
            requests: 200 total, 200 started, 200 done, 198 succeeded, 2 failed, 1 errored, 0 timeout
            status codes: 198 2xx, 0 3xx, 0 4xx, 2 5xx
            traffic: 45.5KB (46592) total, 2.21KB (2263) headers (space savings 56.84%), 40.00KB (40960) data
                                 min         max         mean         sd        +/- sd
            time for request:      289us      2.93ms       575us       776us    90.00%
            time for connect:      192us       192us       192us         0us   100.00%
            time to 1st byte:     3.11ms      3.11ms      3.11ms         0us   100.00%
            req/s           :     166.40      166.40      166.40        0.00   100.00%
            """;

        var result = H2LoadResult.Parse(output, out var error);

        Assert.Null(error);
        Assert.Equal(new H2LoadResult(200, 198, 2, 1, 0, 198, 0, 0, 2, 1.2, 166.4, 289, 2930, 575, 776), result);
        Assert.Null(H2LoadResult.Parse("could not connect", out error));
        Assert.Equal("no 'finished in' line", error);
    }

    [Fact]
    public void The_nginx_configuration_keeps_every_path_in_its_folder()
    {
        var config = NginxProcess.Configuration("/tmp/run", new Uri("http://127.0.0.1:9001"), 8080);

        foreach (var line in new[] { "daemon off;", "master_process off;", "error_log \"/tmp/run/error.log\" warn;", "pid \"/tmp/run/nginx.pid\";", "client_body_temp_path \"/tmp/run/client_body\";", "server 127.0.0.1:9001;", "listen 127.0.0.1:8080 http2;", "grpc_pass grpc://model;" })
        {
            Assert.Contains(line, config, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("/var/", config, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_short_comparison_run_measures_every_path_at_every_level_and_writes_the_json_and_the_chart()
    {
        // The same look-up the tool makes, so a missing tool fails here with what to install rather than deep in the run.
        ExecutableLocator.Find(null, "nginx", "/usr/sbin/nginx", "nginx-light", "--nginx-binary");
        ExecutableLocator.Find(null, "h2load", "/usr/bin/h2load", "nghttp2-client", "--h2load-binary");

        var folder = Directory.CreateTempSubdirectory("loadtest-comparison-").FullName;
        var (json, chart, markdown) = (Path.Combine(folder, "run.json"), Path.Combine(folder, "latency.svg"), Path.Combine(folder, "run.md"));
        using var output = new StringWriter();
        using var error = new StringWriter();
        try
        {
            var code = await LoadTest.CommandLine.RunAsync(
                [
                    "--self-host", "--nginx", "--reference-proxy", "--mnist-digit", "--model-repository", RepositoryPaths.ModelRepository(),
                    "--defended-policies", Path.Combine(RepositoryPaths.Root(), "loadtests", "policies", "defended"),
                    "--dynamic-batching", "0:4",
                    "--levels", "1:50,2:100", "--warmup", "20", "--settle", "30", "--rounds", "2", "--h2load",
                    "--json", json, "--chart", chart, "--markdown", markdown,
                ],
                output,
                error);

            Assert.True(code == 0, $"{output}\n{error}");
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var run = document.RootElement;
            Assert.Contains("--levels 1:50,2:100", run.GetProperty("commandLine").GetString(), StringComparison.Ordinal);
            Assert.Equal(Kinds, run.GetProperty("paths").EnumerateArray().Select(p => p.GetProperty("kind").GetString()));
            Assert.Equal(30, run.GetProperty("settings").GetProperty("settle").GetInt32());

            var levels = run.GetProperty("levels").EnumerateArray().ToList();
            Assert.Equal(["c=1", "c=2"], levels.Select(l => l.GetProperty("label").GetString()));
            foreach (var level in levels)
            {
                var paths = level.GetProperty("paths").EnumerateArray().ToList();
                Assert.Equal(Kinds, paths.Select(p => p.GetProperty("kind").GetString()));
                foreach (var path in paths)
                {
                    var name = $"{level.GetProperty("label")} {path.GetProperty("name")}";
                    Assert.True(path.GetProperty("successes").GetInt64() > 0, name);
                    Assert.True(path.GetProperty("errors").GetInt64() == 0, $"{name}: {path.GetProperty("errorsByStatus")}");
                    Assert.Equal(JsonValueKind.Number, path.GetProperty("meanMicros").ValueKind);
                    Assert.Equal(JsonValueKind.Number, path.GetProperty("p999Micros").ValueKind);
                    Assert.True(path.GetProperty("rssPeakBytes").GetInt64() > 0, name);

                    // The sidecars' own stage timings: every stage, and as many timed requests as the level measured.
                    var stages = path.GetProperty("stages");
                    if (path.GetProperty("kind").GetString() is "sidecar" or "defended")
                    {
                        var byName = stages.EnumerateArray().ToDictionary(st => st.GetProperty("stage").GetString()!, st => st);
                        Assert.Contains("forward", byName.Keys);
                        Assert.Contains("detect", byName.Keys);
                        Assert.Equal(path.GetProperty("successes").GetInt64(), byName["alert"].GetProperty("requests").GetInt64());
                    }
                    else
                    {
                        Assert.Equal(JsonValueKind.Null, stages.ValueKind);
                    }

                    // The model servers' own count of executions: at least one row each, and the batched one never
                    // more executions than the requests its path sent.
                    var executions = path.GetProperty("executions");
                    if (path.GetProperty("kind").GetString() is "direct" or "direct-batched")
                    {
                        Assert.True(executions.GetProperty("meanRows").GetDouble() >= 1, name);
                    }
                    else
                    {
                        Assert.Equal(JsonValueKind.Null, executions.ValueKind);
                    }

                    if (path.GetProperty("kind").GetString() == "direct-batched")
                    {
                        Assert.InRange(executions.GetProperty("executions").GetInt64(), 1, path.GetProperty("successes").GetInt64());
                    }
                }
            }

            var goals = run.GetProperty("goals").EnumerateArray().ToList();
            Assert.Equal(6, goals.Count);
            foreach (var goal in goals)
            {
                // Every path is in the run, so each ratio has a value; the only exception allowed is noise making nginx's
                // added latency zero or less at 50 requests, which leaves nothing to divide by (and says so).
                var missing = goal.GetProperty("missing");
                Assert.True(
                    goal.GetProperty("value").ValueKind == JsonValueKind.Number || missing.GetString()!.StartsWith("nginx adds", StringComparison.Ordinal),
                    $"{goal.GetProperty("name")}: {missing}");
            }

            // The last line is information, not a goal: no bound, never met nor not met.
            var information = goals[^1];
            Assert.StartsWith("reference proxy added ÷ nginx added, c=1 mean", information.GetProperty("name").GetString(), StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Null, information.GetProperty("bound").ValueKind);
            Assert.Equal(JsonValueKind.Null, information.GetProperty("met").ValueKind);

            var h2load = run.GetProperty("h2load");
            Assert.All(h2load.GetProperty("bodyChecks").EnumerateObject(), check => Assert.Equal(JsonValueKind.Null, check.Value.ValueKind));
            var runs = h2load.GetProperty("runs").EnumerateArray().ToList();
            Assert.Equal(levels.Count * Kinds.Length, runs.Count);
            foreach (var h2run in runs)
            {
                Assert.Equal(JsonValueKind.Null, h2run.GetProperty("error").ValueKind);
                var result = h2run.GetProperty("result");
                Assert.Equal(h2run.GetProperty("requests").GetInt64(), result.GetProperty("status2xx").GetInt64());
            }

            var svg = XDocument.Load(chart).Root!;
            Assert.Equal(XName.Get("svg", "http://www.w3.org/2000/svg"), svg.Name);
            Assert.NotEmpty(svg.Descendants(XName.Get("path", "http://www.w3.org/2000/svg")));

            var table = await File.ReadAllTextAsync(markdown);
            foreach (var heading in new[]
            {
                "### c=1:", "### c=2:", "### Summary", "### Goals", "### h2load cross-check", "| through nginx/",
                "| through a minimal ASP.NET Core gRPC proxy (reference) |", "| **reference-proxy − direct** |",
                "| **sidecar − reference-proxy** (NeuralSec's own cost over the .NET stack) |",
                "| direct (model server), dynamic batching delay 0 µs, max 4 |", "| **direct-batched − direct** |",
                "### Executions of the model servers",
            })
            {
                Assert.Contains(heading, table, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
