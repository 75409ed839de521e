using System.Reflection;
using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.Hosting;
using NeuralSec.Gateway.Metrics;
using NeuralSec.Gateway.Policy.Runtime;
using NeuralSec.Gateway.Tests.Infrastructure;
using Prometheus;

namespace NeuralSec.Gateway.Tests.Monitoring;

/// <summary>docs/metrics.md against a real scrape and against the code: a family exported but not documented,
/// documented but not exported, or with other labels than the code gives it, fails.</summary>
public sealed class MetricsCatalogTests(ScrapedSidecar sidecar) : IClassFixture<ScrapedSidecar>
{
    private static readonly MetricsCatalog Catalog = MetricsCatalog.Load(Path.Combine(RepoPaths.Root, "docs", "metrics.md"));

    [Fact]
    public void Every_exported_family_is_documented_with_its_type()
    {
        var undocumented = sidecar.Scrape.Types.Keys.Where(name => !Catalog.Entries.ContainsKey(name)).Order(StringComparer.Ordinal).ToList();
        Assert.True(undocumented.Count == 0, $"exported but not in docs/metrics.md: {string.Join(", ", undocumented)}");
        foreach (var (name, type) in sidecar.Scrape.Types)
        {
            Assert.True(Catalog.Entries[name].Type == type, $"{name} is a {type}, docs/metrics.md says {Catalog.Entries[name].Type}");
        }
    }

    [Fact]
    public void Every_documented_family_is_exported_from_the_first_scrape()
    {
        var missing = Catalog.Entries.Values
            .Where(entry => !entry.AppearsLater && !sidecar.Scrape.Types.ContainsKey(entry.Name))
            .Select(entry => entry.Name)
            .ToList();
        Assert.True(missing.Count == 0, $"in docs/metrics.md but not in the scrape: {string.Join(", ", missing)}");
    }

    /// <summary>The runtime noise stays out: prometheus-net's defaults export every EventCounter and Meter in the
    /// process (about 150 families, 30 of them msquic internals).</summary>
    [Fact]
    public void The_scrape_carries_no_internal_diagnostics()
    {
        Assert.DoesNotContain(sidecar.Scrape.Types.Keys, name => name.StartsWith("private_internaldiagnostics_", StringComparison.Ordinal));
        Assert.DoesNotContain(sidecar.Scrape.Types.Keys, name => name.StartsWith("system_net_sockets_", StringComparison.Ordinal));
        Assert.InRange(sidecar.Scrape.Types.Count, 40, 60);
    }

    [Fact]
    public void Documented_labels_are_the_labels_the_code_declares()
    {
        foreach (var collector in SidecarCollectors())
        {
            Assert.True(Catalog.Entries.TryGetValue(collector.Name, out var entry), $"{collector.Name} is not in docs/metrics.md");
            Assert.True(
                entry.Labels.SetEquals(collector.LabelNames),
                $"{collector.Name}: the code declares [{string.Join(", ", collector.LabelNames)}], docs/metrics.md says [{string.Join(", ", entry.Labels)}]");
        }
    }

    [Fact]
    public void Scraped_series_carry_only_documented_labels()
    {
        foreach (var (family, labels) in sidecar.Scrape.Labels)
        {
            var extra = labels.Where(label => !Catalog.Entries[family].Labels.Contains(label)).ToList();
            Assert.True(extra.Count == 0, $"{family} carries labels docs/metrics.md does not list: {string.Join(", ", extra)}");
        }
    }

    /// <summary>Every collector the sidecar's code defines: the static metric holders and the policy store's.</summary>
    private static IEnumerable<Collector> SidecarCollectors()
    {
        foreach (var holder in new[] { typeof(GatewayMetrics), typeof(AlertMetrics), typeof(TlsMetrics) })
        {
            foreach (var field in holder.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                if (field.GetValue(null) is Collector collector)
                {
                    yield return collector;
                }
            }
        }

        var policy = new PolicyMetrics(Prometheus.Metrics.NewCustomRegistry());
        yield return policy.Reloads;
        yield return policy.Generation;
        yield return policy.LastLoadSuccessful;
    }
}
