using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.Hosting;
using Prometheus;

namespace NeuralSec.Gateway.Metrics;

/// <summary>
/// What the scrape carries besides the sidecar's own series: process CPU and memory, and the handful of .NET
/// runtime and Kestrel instruments an operator of a 2-core pod reads (thread-pool queue, GC pauses, lock contention,
/// connections). prometheus-net's defaults add every EventCounter and Meter in the process — about 140 families,
/// most of them internal diagnostics (msquic alone has 30) — which cost scrape bytes and hide what matters.
/// docs/metrics.md lists every family that remains; a test holds the scrape to that table.
/// </summary>
internal static class MetricExport
{
    private static readonly HashSet<(string Meter, string Instrument)> RuntimeInstruments =
    [
        ("System.Runtime", "dotnet.gc.pause.time"),
        ("System.Runtime", "dotnet.gc.last_collection.heap.size"),
        ("System.Runtime", "dotnet.thread_pool.queue.length"),
        ("System.Runtime", "dotnet.thread_pool.thread.count"),
        ("System.Runtime", "dotnet.monitor.lock_contentions"),
        ("System.Runtime", "dotnet.exceptions"),
        ("Microsoft.AspNetCore.Server.Kestrel", "kestrel.active_connections"),
        ("Microsoft.AspNetCore.Server.Kestrel", "kestrel.rejected_connections"),
    ];

    /// <summary>Chooses the exported runtime instruments and registers every NeuralSec family up front, so each is in
    /// the first scrape (an alert on a series that appears only after its first event cannot tell "none yet" from
    /// "not exported"). Only the first call before the first scrape takes effect; later ones change nothing.</summary>
    public static void Configure()
    {
        Prometheus.Metrics.ConfigureMeterAdapter(adapter => adapter.InstrumentFilterPredicate = IsExported);
        Prometheus.Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
        {
            SuppressProcessMetrics = false,
            SuppressDebugMetrics = true,
            SuppressEventCounters = true,
            SuppressMeters = false,
        });

        RuntimeHelpers.RunClassConstructor(typeof(GatewayMetrics).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(AlertMetrics).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(TlsMetrics).TypeHandle);
    }

    private static bool IsExported(Instrument instrument) =>
        RuntimeInstruments.Contains((instrument.Meter.Name, instrument.Name));
}
