using Prometheus;

namespace NeuralSec.Gateway.Metrics;

/// <summary>The sidecar's Prometheus series, in one place so their names and labels stay consistent.</summary>
internal static class GatewayMetrics
{
    private static readonly double[] LatencyBuckets = Histogram.ExponentialBuckets(0.000_05, 2, 18); // 50 µs … 6.5 s

    /// <summary>Requests by model and outcome (ok, invalid, not_found, blocked, throttled, unavailable, deadline, error).</summary>
    public static readonly Counter Requests = Prometheus.Metrics.CreateCounter(
        "neuralsec_requests_total",
        "Inference requests by model and outcome.",
        new CounterConfiguration { LabelNames = ["model", "outcome"] });

    public static readonly Histogram RequestDuration = Prometheus.Metrics.CreateHistogram(
        "neuralsec_request_duration_seconds",
        "Time from the request's arrival to its answer, by model.",
        new HistogramConfiguration { LabelNames = ["model"], Buckets = LatencyBuckets });

    /// <summary>Requests that were not the protocol at all (not protobuf, not JSON), by transport.</summary>
    public static readonly Counter MalformedRequests = Prometheus.Metrics.CreateCounter(
        "neuralsec_malformed_requests_total",
        "Requests refused because their body is not the protocol (not protobuf, not JSON, not UTF-8), by protocol.",
        new CounterConfiguration { LabelNames = ["protocol"] });

    /// <summary>Inference requests in the pipeline now (admitted, not yet answered).</summary>
    public static readonly Gauge InferencesInFlight = Prometheus.Metrics.CreateGauge(
        "neuralsec_inferences_in_flight",
        "Inference requests admitted into the pipeline and not yet answered.");

    /// <summary>Bytes of gRPC inference messages held now (declared lengths, from their first bytes to the answer).</summary>
    public static readonly Gauge RequestBodyBytesInFlight = Prometheus.Metrics.CreateGauge(
        "neuralsec_request_body_bytes_in_flight",
        "Bytes of gRPC inference request messages the sidecar holds now, each counted at its declared length from its first bytes until it is answered; bounded by NeuralSec:Limits:MaxRequestBodyBytesInFlight.");

    /// <summary>Requests shed at the door under overload: queue_full, queue_wait or body_budget.</summary>
    public static readonly Counter ShedRequests = Prometheus.Metrics.CreateCounter(
        "neuralsec_shed_requests_total",
        "Inference requests refused at the door because the sidecar was overloaded, by why: queue_full (no place to wait), queue_wait (waited the longest allowed), body_budget (the bytes of request bodies held at once would pass NeuralSec:Limits:MaxRequestBodyBytesInFlight).",
        new CounterConfiguration { LabelNames = ["reason"] });

    public static readonly Histogram StageDuration = Prometheus.Metrics.CreateHistogram(
        "neuralsec_stage_duration_seconds",
        "Time spent in each pipeline stage.",
        new HistogramConfiguration { LabelNames = ["stage"], Buckets = LatencyBuckets });

    /// <summary>Non-allow decisions by model, action, mode and reason code (bounded set of codes).</summary>
    public static readonly Counter Decisions = Prometheus.Metrics.CreateCounter(
        "neuralsec_decisions_total",
        "Non-allow decisions (block, throttle, degrade, alert) by model, action, mode (enforce or monitor) and reason.",
        new CounterConfiguration { LabelNames = ["model", "action", "mode", "reason"] });

    /// <summary>Defenses that threw, by stage and defense type (or <c>build</c> when a policy's defenses could not be
    /// built): a bounded set, since both come from the code and the policy schema, never from a caller.</summary>
    public static readonly Counter DefenseErrors = Prometheus.Metrics.CreateCounter(
        "neuralsec_defense_errors_total",
        "Defenses (preprocessors, detectors, stream observers) that failed on a request, by stage and defense type; the policy's onError rule decided what followed.",
        new CounterConfiguration { LabelNames = ["stage", "defense"] });

    /// <summary>Detector scores, for drift watching and recalibration (thresholds live in the policies).</summary>
    public static readonly Histogram DetectorScores = Prometheus.Metrics.CreateHistogram(
        "neuralsec_detector_score",
        "Scores of each detector on the requests it scored.",
        new HistogramConfiguration { LabelNames = ["detector"], Buckets = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 5, 10] });

    /// <summary>What each detector costs a request, by stage (<c>detect</c> for the input detectors, <c>observe</c> for the
    /// stream detectors, whose time includes their state store's round trip) and detector type (from the policy schema,
    /// never from a caller): the breakdown of <see cref="StageDuration"/>. Input detectors of one round run at once, so
    /// theirs overlap.</summary>
    public static readonly Histogram DetectorDuration = Prometheus.Metrics.CreateHistogram(
        "neuralsec_detector_duration_seconds",
        "Time each detector took on a request, by stage (detect: input detectors, which run side by side within a round; observe: stream detectors, including their state store) and detector type.",
        new HistogramConfiguration { LabelNames = ["stage", "detector"], Buckets = LatencyBuckets });

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Stage, string Detector), Histogram.Child> DetectorTimers = new();

    /// <summary>The <see cref="DetectorDuration"/> series of one stage and detector type, looked up once (a bounded set:
    /// both come from the code and the policy schema).</summary>
    public static Histogram.Child DetectorTimer(string stage, string detector) =>
        DetectorTimers.GetOrAdd((stage, detector), static key => DetectorDuration.WithLabels(key.Stage, key.Detector));

    /// <summary>Detectors a <c>cheapFirst</c> policy did not run because a cheaper one had already blocked the request,
    /// by detector type (from the policy schema, never from a caller).</summary>
    public static readonly Counter DetectorsSkipped = Prometheus.Metrics.CreateCounter(
        "neuralsec_detectors_skipped_total",
        "Detectors not run on a request because a cheaper detector of a cheapFirst policy had already blocked it, by detector type.",
        new CounterConfiguration { LabelNames = ["detector"] });

    /// <summary>Per-client state entries held in memory (client × policy revision).</summary>
    public static readonly Gauge ClientStateEntries = Prometheus.Metrics.CreateGauge(
        "neuralsec_client_state_entries",
        "Per-client budget and sanction entries (client x policy) held in memory.");

    public static readonly Gauge NearDuplicateEntries = Prometheus.Metrics.CreateGauge(
        "neuralsec_near_duplicate_entries",
        "Query fingerprints held in the in-memory near-duplicate index, all policies together.");

    public static readonly Counter StreamFlags = Prometheus.Metrics.CreateCounter(
        "neuralsec_stream_flags_total",
        "Queries a stream detector flagged, by detector type and action.",
        new CounterConfiguration { LabelNames = ["detector", "action"] });

    public static readonly Counter SanctionsImposed = Prometheus.Metrics.CreateCounter(
        "neuralsec_sanctions_imposed_total",
        "Sanctions stream detectors imposed on clients (enforce mode), by kind.",
        new CounterConfiguration { LabelNames = ["kind"] });

    public static readonly Counter DegradedCopies = Prometheus.Metrics.CreateCounter(
        "neuralsec_degraded_copies_total",
        "Copies, by another client, of a query a degraded client sent — an exact repeat, or a near copy sharing the near-duplicate threshold's hashes — answered degraded as that was (enforce mode), by kind (exact, near).",
        new CounterConfiguration { LabelNames = ["kind"] });

    public static readonly Counter LinkedClientSanctions = Prometheus.Metrics.CreateCounter(
        "neuralsec_linked_client_sanctions_total",
        "Clients sanctioned because a near-duplicate flag's evidence named their earlier queries (spec.extraction.linkedClients, enforce mode), by action.",
        new CounterConfiguration { LabelNames = ["action"] });

    public static readonly Gauge ClientHistoryEntries = Prometheus.Metrics.CreateGauge(
        "neuralsec_client_history_entries",
        "Stream-detector histories (client x policy x detector) held in memory.");

    public static readonly Gauge ClientHistoryBytes = Prometheus.Metrics.CreateGauge(
        "neuralsec_client_history_bytes",
        "Bytes of stream-detector history held in memory, as the detectors measure their state.");

    /// <summary>Entries dropped: refilled (no information lost), capacity (the bound was reached), retired (their policy revision was replaced).</summary>
    public static readonly Counter ClientStateEvictions = Prometheus.Metrics.CreateCounter(
        "neuralsec_client_state_evictions_total",
        "Per-client state entries dropped, by reason: refilled (a full bucket, nothing lost), capacity (the configured bound was reached), retired (its policy was deleted), history (a stream-detector history, least recently used, past the bounds), history_oversize (a shared history larger than NeuralSec:Redis:MaxHistoryBytes), near_duplicate (a shared near-duplicate entry, oldest first, past NeuralSec:Redis:NearDuplicateCapacity).",
        new CounterConfiguration { LabelNames = ["reason"] });

    /// <summary>1 while the shared state store (Redis) answers, 0 while it does not; absent with the in-memory stores.</summary>
    public static readonly Gauge StateStoreUp = Prometheus.Metrics.CreateGauge(
        "neuralsec_state_store_up",
        "1 while the shared client-state store (Redis) answers, 0 while it is down or unreachable (policies apply their onError rule).",
        new GaugeConfiguration { SuppressInitialValue = true });

    /// <summary>Shared-state operations that failed, by operation (admit, impose, history, near_duplicate, connect)
    /// and reason (timeout, connection, server).</summary>
    public static readonly Counter StateStoreFailures = Prometheus.Metrics.CreateCounter(
        "neuralsec_state_store_failures_total",
        "Shared client-state (Redis) operations that failed, by operation and reason (timeout, connection, server).",
        new CounterConfiguration { LabelNames = ["operation", "reason"] });

    public static readonly Counter UpstreamErrors = Prometheus.Metrics.CreateCounter(
        "neuralsec_upstream_errors_total",
        "Failed calls to the upstream model server, by gRPC status or cause.",
        new CounterConfiguration { LabelNames = ["reason"] });

    /// <summary>0 closed, 1 open, 2 half-open, 3 isolated.</summary>
    public static readonly Gauge UpstreamCircuitState = Prometheus.Metrics.CreateGauge(
        "neuralsec_upstream_circuit_state",
        "Circuit breaker in front of the upstream model server: 0 closed, 1 open, 2 half-open, 3 isolated.");

    /// <summary>Rows per execution of the embedded backend, by model: a repository model's name, never a caller's (a
    /// request for a model the repository lacks never executes), so the label set is the repository's.</summary>
    public static readonly Histogram ModelBatchSize = Prometheus.Metrics.CreateHistogram(
        "neuralsec_model_batch_size",
        "Rows (the first dimension) of each execution of the embedded ONNX Runtime backend, by model: with dynamic batching, the rows of every request one execution carried together; without it, each request's own batch.",
        new HistogramConfiguration { LabelNames = ["model"], Buckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });

    public static readonly Gauge BackendReady = Prometheus.Metrics.CreateGauge(
        "neuralsec_backend_ready",
        "1 when the model backend can serve inference, else 0.",
        new GaugeConfiguration { LabelNames = ["backend"] });
}
