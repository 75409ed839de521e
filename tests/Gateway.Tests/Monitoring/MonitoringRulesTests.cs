using System.Text.Json;
using NeuralSec.Gateway.Tests.Infrastructure;
using YamlDotNet.Serialization;

namespace NeuralSec.Gateway.Tests.Monitoring;

/// <summary>
/// deploy/prometheusrule.yaml and deploy/dashboards/neuralsec.json against promtool and a real scrape. An alert on a
/// series the sidecar does not export can never fire — the rule on <c>neuralsec_alert_sink_backlog</c> (the sidecar
/// exports <c>neuralsec_alert_backlog</c>) was such a rule.
/// </summary>
public sealed class MonitoringRulesTests(ScrapedSidecar sidecar) : IClassFixture<ScrapedSidecar>
{
    /// <summary>Labels Prometheus's Kubernetes discovery adds to every scraped series (the ServiceMonitor's).</summary>
    private static readonly HashSet<string> TargetLabels = ["namespace", "pod", "container", "service", "endpoint", "job", "instance"];

    private static readonly string RulesFile = Path.Combine(RepoPaths.Root, "deploy", "prometheusrule.yaml");
    private static readonly string RuleTestsFile = Path.Combine(RepoPaths.Root, "deploy", "monitoring", "prometheusrule.tests.yaml");
    private static readonly string DashboardFile = Path.Combine(RepoPaths.Root, "deploy", "dashboards", "neuralsec.json");
    private static readonly MetricsCatalog Catalog = MetricsCatalog.Load(Path.Combine(RepoPaths.Root, "docs", "metrics.md"));

    [Fact]
    public async Task Promtool_accepts_the_rules_and_every_alert_fires_in_its_unit_tests()
    {
        var folder = Directory.CreateTempSubdirectory("neuralsec-rules-");
        try
        {
            // promtool reads plain rule groups: the PrometheusRule's spec is exactly that.
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "prometheusrule.rules.yaml"), new SerializerBuilder().Build().Serialize(LoadSpec()));
            File.Copy(RuleTestsFile, Path.Combine(folder.FullName, "prometheusrule.tests.yaml"));

            var check = await Promtool.RunAsync(folder.FullName, "check", "rules", "prometheusrule.rules.yaml");
            Assert.True(check.Code == 0, check.Output);
            var test = await Promtool.RunAsync(folder.FullName, "test", "rules", "prometheusrule.tests.yaml");
            Assert.True(test.Code == 0, test.Output);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Every_alert_has_a_unit_test_and_a_row_in_the_docs()
    {
        var tests = File.ReadAllText(RuleTestsFile);
        var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "metrics.md"));
        foreach (var rule in Rules())
        {
            var alert = rule["alert"];
            Assert.Contains($"alertname: {alert}\n", tests, StringComparison.Ordinal);
            Assert.Contains($"| `{alert}` |", docs, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_rule_reads_series_and_labels_the_sidecar_exports()
    {
        var rules = Rules().ToList();
        Assert.NotEmpty(rules);
        foreach (var rule in rules)
        {
            var annotations = rule.TryGetValue("annotations.summary", out var summary) ? summary : string.Empty;
            AssertReadsExportedSeries($"rule {rule["alert"]}", rule["expr"], annotations + " " + rule.GetValueOrDefault("annotations.description"));
        }
    }

    [Fact]
    public void Every_dashboard_query_reads_series_and_labels_the_sidecar_exports()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardFile));
        var queries = 0;
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                var legend = target.TryGetProperty("legendFormat", out var format) ? format.GetString() ?? string.Empty : string.Empty;
                AssertReadsExportedSeries($"panel '{panel.GetProperty("title").GetString()}'", target.GetProperty("expr").GetString()!, legend);
                queries++;
            }
        }

        foreach (var variable in dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            if (variable.TryGetProperty("definition", out var definition))
            {
                AssertReadsExportedSeries($"variable {variable.GetProperty("name").GetString()}", definition.GetString()!, string.Empty);
            }
        }

        Assert.True(queries >= 10, $"only {queries} panel queries");
    }

    private void AssertReadsExportedSeries(string where, string expression, string templates)
    {
        var metrics = PromQlReferences.Metrics(expression);
        Assert.True(metrics.Count > 0, $"{where} names no exported series: {expression}");
        var available = new HashSet<string>(TargetLabels, StringComparer.Ordinal);
        foreach (var series in metrics)
        {
            var family = PrometheusScrape.FamilyOf(series, sidecar.Scrape.Types);
            Assert.True(sidecar.Scrape.Types.ContainsKey(family), $"{where} reads {series}, which a real scrape does not carry");
            available.UnionWith(Catalog.Entries[family].Labels);
            if (family != series)
            {
                available.Add("le");
            }
        }

        // Functions that make labels (label_values' argument, histogram_quantile's le) are the only other names.
        var labels = PromQlReferences.Labels(expression).Concat(PromQlReferences.TemplateLabels(templates));
        foreach (var label in labels)
        {
            Assert.True(available.Contains(label), $"{where} uses label '{label}', which none of {string.Join(", ", metrics)} carries: {expression}");
        }
    }

    private static Dictionary<object, object> LoadSpec()
    {
        var document = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(File.ReadAllText(RulesFile));
        return (Dictionary<object, object>)document["spec"];
    }

    /// <summary>Each alerting rule as flat strings: alert, expr, annotations.summary, annotations.description.</summary>
    private static IEnumerable<Dictionary<string, string>> Rules()
    {
        foreach (Dictionary<object, object> group in (List<object>)LoadSpec()["groups"])
        {
            foreach (Dictionary<object, object> rule in (List<object>)group["rules"])
            {
                var flat = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["alert"] = (string)rule["alert"],
                    ["expr"] = (string)rule["expr"],
                };
                if (rule.TryGetValue("annotations", out var annotations))
                {
                    foreach (var (key, value) in (Dictionary<object, object>)annotations)
                    {
                        flat[$"annotations.{key}"] = (string)value;
                    }
                }

                yield return flat;
            }
        }
    }
}
