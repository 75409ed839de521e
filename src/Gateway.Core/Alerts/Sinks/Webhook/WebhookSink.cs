using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NeuralSec.Gateway.Alerts.Formats;
using NeuralSec.Gateway.Alerts.Spool;

namespace NeuralSec.Gateway.Alerts.Sinks.Webhook;

/// <summary>
/// POSTs JSON arrays of OCSF findings to a SOC webhook, in order, without losing them to an outage.
/// <para>While the spool is empty, a batch (up to BatchSize events or FlushInterval after its first) is posted and
/// retried up to MaxRetries times with jittered exponential backoff on 408/429/5xx/network errors. If it still fails,
/// it goes to the disk spool, and from then on every new event goes behind it into the spool too, so order is kept.
/// The spool is drained head first, one batch per attempt, probing with growing backoff (capped at MaxBackoff) until
/// the receiver answers again. A stop while events are still in memory spools them; the next start delivers them.</para>
/// <para>Each POST carries <c>Idempotency-Key</c> (a hash of the body) and every event its <c>finding_info.uid</c>:
/// delivery is at least once (a lost response or a crash before the commit re-sends), so receivers dedupe on those.
/// A non-retryable 4xx drops the batch (counted <c>rejected</c>, logged): retrying a poison batch would block the
/// feed for good.</para>
/// </summary>
internal sealed class WebhookSink : IAlertSink
{
    private const long MaxBatchBytes = 4 * 1024 * 1024;

    private readonly WebhookSinkOptions _options;
    private readonly OcsfDetectionFindingFormatter _formatter;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AlertDropReporter _drops;
    private readonly HttpClient _http;
    private readonly AlertSpool _spool;
    private readonly Uri _url;
    private bool _spoolFullReported;
    private bool _down;
    private long _spooledRecords;

    public WebhookSink(
        string name, WebhookSinkOptions options, OcsfDetectionFindingFormatter formatter, TimeProvider time, ILogger logger,
        HttpMessageHandler? handler = null)
    {
        Name = name;
        _options = options;
        _formatter = formatter;
        _time = time;
        _logger = logger;
        _drops = new AlertDropReporter(logger, time);
        _url = new Uri(options.Url ?? throw new ArgumentException("A webhook sink needs a Url.", nameof(options)));

        _spool = AlertSpool.Open(
            options.SpoolDirectory ?? throw new ArgumentException("A webhook sink needs a SpoolDirectory.", nameof(options)),
            options.SpoolMaxBytes, options.SpoolSegmentBytes, logger);

        // Connections are recycled so a receiver behind a changing DNS name is followed.
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
        {
            Timeout = options.RequestTimeout,
        };
        if (!_spool.IsEmpty)
        {
            AlertLog.SpoolResumed(logger, name, _spool.PendingRecords, _spool.PendingBytes);
        }

        UpdateGauges(0);
        AlertMetrics.SinkUp.WithLabels(name).Set(1);
    }

    public string Name { get; }

    /// <summary>Events waiting on disk (for tests and diagnostics; the metric is <c>neuralsec_alert_backlog</c>).</summary>
    public long SpooledRecords => Interlocked.Read(ref _spooledRecords);

    public async Task RunAsync(ChannelReader<AlertEvent> events, CancellationToken stopping)
    {
        // The batch taken from the queue and not yet delivered or spooled: on a stop it is spooled, not lost.
        List<byte[]>? inFlight = null;
        var failures = 0;
        var nextAttempt = DateTimeOffset.MinValue;
        try
        {
            while (true)
            {
                if (!_spool.IsEmpty)
                {
                    // Everything newer than the spool goes behind it, so order holds across the outage.
                    MoveQueuedToSpool(events);
                    if (_time.GetUtcNow() >= nextAttempt)
                    {
                        var batch = _spool.Peek(_options.BatchSize, MaxBatchBytes)!;
                        var (result, retryAfter) = await PostAsync(batch.Records, stopping).ConfigureAwait(false);
                        if (result == WebhookDelivery.Failed)
                        {
                            failures++;
                            nextAttempt = _time.GetUtcNow() + Delay(failures, retryAfter);
                            if (events.Completion.IsCompleted)
                            {
                                break; // stopping with the receiver still down: the spool keeps the rest
                            }
                        }
                        else
                        {
                            _spool.Commit(batch);
                            failures = 0;
                            _spoolFullReported = false;
                            Account(result, batch.Records.Count);
                            UpdateGauges(events.Count);
                        }

                        continue;
                    }

                    if (events.Completion.IsCompleted)
                    {
                        break;
                    }

                    await ChannelBatches.WaitAsync(events, nextAttempt - _time.GetUtcNow(), _time, stopping).ConfigureAwait(false);
                    continue;
                }

                var alerts = await ChannelBatches.ReadAsync(events, _options.BatchSize, _options.FlushInterval, _time, stopping).ConfigureAwait(false);
                if (alerts.Count == 0)
                {
                    break; // queue completed and drained
                }

                inFlight = alerts.ConvertAll(_formatter.Format);
                for (var attempt = 1; ; attempt++)
                {
                    var (result, retryAfter) = await PostAsync(inFlight, stopping).ConfigureAwait(false);
                    if (result != WebhookDelivery.Failed)
                    {
                        Account(result, inFlight.Count);
                        break;
                    }

                    if (attempt > _options.MaxRetries)
                    {
                        SpoolBatch(inFlight);
                        failures = 1;
                        nextAttempt = _time.GetUtcNow() + Delay(1, retryAfter);
                        break;
                    }

                    AlertMetrics.Alerts.WithLabels(Name, "retried").Inc(inFlight.Count);
                    await Task.Delay(Delay(attempt, retryAfter), _time, stopping).ConfigureAwait(false);
                }

                inFlight = null;
                UpdateGauges(events.Count);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Out of time to deliver: what is in memory goes to disk for the next start.
            if (inFlight is not null)
            {
                SpoolBatch(inFlight);
            }

            MoveQueuedToSpool(events);
        }

        if (!_spool.IsEmpty)
        {
            AlertLog.StoppedWithBacklog(_logger, Name, (int)Math.Min(int.MaxValue, _spool.PendingRecords));
        }
    }

    public ValueTask DisposeAsync()
    {
        _spool.Dispose();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<(WebhookDelivery Result, TimeSpan? RetryAfter)> PostAsync(IReadOnlyList<byte[]> records, CancellationToken stopping)
    {
        var body = JsonArray(records);
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", IdempotencyKey(body));
        foreach (var (header, value) in _options.Headers)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        string reason;
        TimeSpan? retryAfter = null;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stopping).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                MarkUp();
                return (WebhookDelivery.Delivered, null);
            }

            if (status is not (408 or 429) && status < 500)
            {
                AlertLog.Rejected(_logger, Name, records.Count, status);
                return (WebhookDelivery.Rejected, null);
            }

            reason = $"HTTP {status}";
            retryAfter = RetryAfterOf(response);
        }
        catch (HttpRequestException exception)
        {
            reason = exception.Message;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            reason = $"no answer within {_options.RequestTimeout}";
        }

        if (!_down)
        {
            AlertLog.DeliveryFailed(_logger, Name, 1, reason);
        }

        _down = true;
        AlertMetrics.SinkUp.WithLabels(Name).Set(0);
        return (WebhookDelivery.Failed, retryAfter);
    }

    private void MarkUp()
    {
        if (_down)
        {
            AlertLog.SinkRecovered(_logger, Name, _spool.PendingBytes);
        }

        _down = false;
        AlertMetrics.SinkUp.WithLabels(Name).Set(1);
    }

    private void Account(WebhookDelivery result, int count)
    {
        if (result == WebhookDelivery.Delivered)
        {
            AlertMetrics.Alerts.WithLabels(Name, "delivered").Inc(count);
        }
        else
        {
            AlertMetrics.Alerts.WithLabels(Name, "dropped").Inc(count);
            _drops.Drop("rejected", count);
        }
    }

    private void MoveQueuedToSpool(ChannelReader<AlertEvent> events)
    {
        var queued = new List<AlertEvent>();
        ChannelBatches.TakeAvailable(events, queued, int.MaxValue);
        if (queued.Count > 0)
        {
            SpoolBatch(queued.ConvertAll(_formatter.Format));
        }
    }

    private void SpoolBatch(List<byte[]> records)
    {
        var accepted = _spool.Append(records.ConvertAll(r => (ReadOnlyMemory<byte>)r));
        if (accepted > 0)
        {
            AlertMetrics.Alerts.WithLabels(Name, "spooled").Inc(accepted);
            AlertLog.Spooled(_logger, Name, accepted, _spool.PendingBytes);
        }

        var refused = records.Count - accepted;
        if (refused > 0)
        {
            if (!_spoolFullReported)
            {
                AlertLog.SpoolFull(_logger, Name, _spool.PendingBytes, _spool.MaxBytes);
                _spoolFullReported = true;
            }

            AlertMetrics.Alerts.WithLabels(Name, "dropped").Inc(refused);
            _drops.Drop("spool_full", refused);
        }

        UpdateGauges(0);
    }

    private void UpdateGauges(int queued)
    {
        Interlocked.Exchange(ref _spooledRecords, _spool.PendingRecords);
        AlertMetrics.SpoolBytes.WithLabels(Name).Set(_spool.PendingBytes);
        AlertMetrics.Backlog.WithLabels(Name).Set(queued + _spool.PendingRecords);
    }

    // A receiver's Retry-After is honoured, within MaxBackoff, when longer than our own backoff.
    private TimeSpan Delay(int attempt, TimeSpan? retryAfter)
    {
        var backoff = Backoffs.Exponential(attempt, _options.InitialBackoff, _options.MaxBackoff);
        return retryAfter is { } wanted && wanted > backoff ? TimeSpan.FromTicks(Math.Min(wanted.Ticks, _options.MaxBackoff.Ticks)) : backoff;
    }

    private TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - _time.GetUtcNow(),
        _ => null,
    };

    private static byte[] JsonArray(IReadOnlyList<byte[]> records)
    {
        var length = 2 + records.Sum(r => r.Length) + Math.Max(0, records.Count - 1);
        var body = new byte[length];
        var position = 0;
        body[position++] = (byte)'[';
        for (var i = 0; i < records.Count; i++)
        {
            if (i > 0)
            {
                body[position++] = (byte)',';
            }

            records[i].CopyTo(body, position);
            position += records[i].Length;
        }

        body[position] = (byte)']';
        return body;
    }

    /// <summary>The same batch gives the same key, so a receiver can drop a re-sent POST whole.</summary>
    private static string IdempotencyKey(byte[] body) => Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 16));
}
