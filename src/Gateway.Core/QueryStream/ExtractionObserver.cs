using System.Diagnostics;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using NeuralSec.Detectors.Images;
using NeuralSec.Detectors.Stream;
using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.ClientState;
using NeuralSec.Gateway.Decisions;
using NeuralSec.Gateway.Defenses;
using NeuralSec.Gateway.Metrics;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Gateway.RateLimiting;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.QueryStream;

/// <summary>
/// The stream defenses of <c>spec.extraction</c>: every answered image goes through the policy's stream detectors —
/// the account-oblivious near-duplicate search first (its novelty weighs the others), then the per-client PRADA test
/// and query-coverage profile, each on state from the injected stores. One verdict per detector and request (the
/// worst image of a batch); an exact repeat is not a new query — of an image any client sent, as the near-duplicate
/// store says, or, in a policy without that detector, of one of the client's recent images (<see cref="RecentQueries"/>)
/// — and another client's copy of what a degraded client sent, exact or near, is answered degraded, as that was; so
/// is a byte-for-byte copy of an answer a flag degraded, though its sender was degraded only by that flag.
/// Every request the input detectors judged — answered, or refused by them — also goes to the client's record of
/// flagged inputs (<see cref="FlaggedInputsDetector"/>), which escalates many weak per-request flags into one verdict
/// on the client. A flag acts on this answer (block and throttle refuse it, degrade shapes it: <c>output.degradedAnswer</c>)
/// and, in enforce mode, on the client for the cooldown; monitor mode reports what enforce would do and imposes
/// nothing. A store that cannot answer falls under the policy's onError rule.
/// </summary>
internal sealed class ExtractionObserver(
    DefenseRegistry registry,
    INearDuplicateStore nearDuplicates,
    IClientHistoryStore histories,
    ClientRateLimiter limiter) : IQueryObserver
{
    private static readonly string StageName = PipelineStageNames.Of(PipelineStageId.Observe);

    /// <summary>The measure that marks a verdict on a copy of a degraded client's query (the hashes it shares with it).</summary>
    private const string CopyOfDegradedMeasure = "copyOfDegradedClient";

    /// <summary>The measure that says whether that copy was byte for byte (1) or near (0).</summary>
    private const string ExactCopyMeasure = "exactCopy";

    public string Name => "extraction";

    public async ValueTask ObserveAsync(AnsweredQuery query, CancellationToken cancellationToken)
    {
        var policy = query.Policy;
        if (policy.Extraction is not { Detectors.Count: > 0 } extraction)
        {
            return;
        }

        var defenses = registry.For(policy);
        var key = ClientRateLimiter.Key(policy, query.ClientId);
        var worst = new StreamVerdict?[defenses.Stream.Count];
        IReadOnlyList<ulong>? fresh = null;
        string? failing = null;
        try
        {
            // Per request, answered or refused by the input detectors: the client's record of flagged inputs.
            var (judged, flagged) = query.InputVerdict;
            for (var d = 0; d < defenses.Stream.Count && judged; d++)
            {
                if (defenses.Stream[d] is { Detector: FlaggedInputsDetector escalation } detector)
                {
                    failing = detector.Spec.Type;
                    var started = Stopwatch.GetTimestamp();
                    worst[d] = new StreamVerdict(await FlaggedInputsAsync(key, escalation, detector, flagged, query.Time, extraction.Window, cancellationToken).ConfigureAwait(false));
                    Timed(detector, started);
                }
            }

            if (!query.RefusedByInputChecks)
            {
                fresh = await ObserveImagesAsync(query, extraction, defenses, key, worst, name => failing = name, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ClientStateUnavailableException ex)
        {
            query.ReportStateUnavailable(failing ?? Name, ex);
            return;
        }

        for (var d = 0; d < worst.Length; d++)
        {
            if (worst[d] is { } judged)
            {
                await ActAsync(query, extraction, defenses.Stream[d], judged, cancellationToken).ConfigureAwait(false);
            }
        }

        if (fresh is not null && query.Enforced && !query.FromDegradedClient && DegradesThisAnswer(worst))
        {
            await MarkDegradedAsync(query, fresh, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a detector's own flag degrades this answer (its sender was not degraded when it was admitted:
    /// queryCoverage's budget spent by this very query, say).</summary>
    private static bool DegradesThisAnswer(StreamVerdict?[] worst)
    {
        foreach (var judged in worst)
        {
            if (judged is { Copy: DegradedCopy.None, Verdict: { Flagged: true, Action: DefenseAction.Degrade } })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The images of an answer a flag degraded, though their sender was not degraded when it sent them, are
    /// marked as degraded sends, so other clients' byte-for-byte copies of them are answered degraded too, as repeats
    /// of a degraded copy are (<see cref="INearDuplicateStore.MarkDegradedAsync"/> marks the exact content; near copies
    /// of these images are not covered, since their index entries were written before the flag fell).</summary>
    private async ValueTask MarkDegradedAsync(AnsweredQuery query, IReadOnlyList<ulong> fresh, CancellationToken cancellationToken)
    {
        var reference = new QueryReference(query.RequestId, query.ClientId, query.Time) { FromDegradedClient = true };
        try
        {
            foreach (var content in fresh)
            {
                await nearDuplicates.MarkDegradedAsync(query.Policy.Name, content, reference, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ClientStateUnavailableException ex)
        {
            query.ReportStateUnavailable(Name, ex);
        }
    }

    /// <summary>The image detectors, image by image; each one's worst verdict lands in <paramref name="worst"/>.
    /// Returns the content hashes of the images the near-duplicate index took in as new (null when none).</summary>
    private async ValueTask<IReadOnlyList<ulong>?> ObserveImagesAsync(AnsweredQuery query, ExtractionPolicy extraction, PolicyDefenses defenses, ClientKey key, StreamVerdict?[] worst, Action<string> running, CancellationToken cancellationToken)
    {
        if (defenses.Image is null || !ImageInputs.TryRead(query.Inputs, defenses, out _, out var batch, out _))
        {
            // Validation admitted the request; without an image input there is nothing these detectors compare.
            return null;
        }

        List<ulong>? fresh = null;

        var pixels = batch!.ToPixels();
        var size = batch.ImageSize;
        var probabilities = ClassProbabilities.Read(query.Outputs, batch.Count, out var classes);
        var repeatsSeenByIndex = defenses.Stream[0].Detector is NearDuplicateDetector;
        for (var image = 0; image < batch.Count; image++)
        {
            var input = new ReadOnlyMemory<float>(pixels, image * size, size);
            var row = probabilities is null ? ReadOnlyMemory<float>.Empty : new ReadOnlyMemory<float>(probabilities, image * classes, classes);
            running(Name);
            var content = XxHash3.HashToUInt64(MemoryMarshal.AsBytes(input.Span));
            // With a near-duplicate detector (first in the list), its store recognises exact repeats from any
            // client, this one's included; only without it does the client's own ring need a round trip.
            if (!repeatsSeenByIndex
                && await histories.UpdateAsync(key, RecentQueries.Codec.Instance, recent => recent.SeenOrAdd(content), extraction.Window, cancellationToken).ConfigureAwait(false))
            {
                continue; // an exact repeat: nothing new to see (RecentQueries)
            }

            var novelty = 1.0;
            for (var d = 0; d < defenses.Stream.Count; d++)
            {
                var detector = defenses.Stream[d];
                if (detector.Detector is FlaggedInputsDetector)
                {
                    continue; // judged per request, above
                }

                running(detector.Spec.Type);
                var started = Stopwatch.GetTimestamp();
                StreamVerdict? verdict;
                if (detector.Detector is NearDuplicateDetector near)
                {
                    (verdict, var best, var repeat) = await NearDuplicateAsync(query, extraction, near, detector, input, batch, content, cancellationToken).ConfigureAwait(false);
                    if (repeat)
                    {
                        Timed(detector, started);
                        if (verdict is { } repeated)
                        {
                            worst[d] = Worse(worst[d], repeated, detector);
                        }

                        break; // an image some client already sent: nothing new for the other detectors either
                    }

                    (fresh ??= new List<ulong>(batch.Count)).Add(content);

                    // Novelty is how unlike the closest earlier query this one is, whatever rank the score reads.
                    novelty = Math.Clamp(1 - ((double)best / near.FingerprintSize), 0, 1);
                }
                else
                {
                    var plain = detector.Detector switch
                    {
                        DistanceDistributionDetector prada when row.Length > 0 => await DistanceAsync(key, prada, detector, input, row, extraction.Window, cancellationToken).ConfigureAwait(false),
                        QueryCoverageDetector coverage when row.Length > 0 => await CoverageAsync(key, coverage, detector, row, novelty, query.Time, extraction.Window, cancellationToken).ConfigureAwait(false),
                        _ => null,
                    };
                    verdict = plain is null ? null : new StreamVerdict(plain);
                }

                Timed(detector, started);
                if (verdict is { } judged)
                {
                    worst[d] = Worse(worst[d], judged, detector);
                }
            }
        }

        return fresh;
    }

    /// <summary>The detector's share of the observe stage (<see cref="GatewayMetrics.DetectorDuration"/>), its state
    /// store's round trip included.</summary>
    private static void Timed(CompiledStreamDetector detector, long started) =>
        GatewayMetrics.DetectorTimer(StageName, detector.Spec.Type).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);

    private async ValueTask<Verdict> FlaggedInputsAsync(ClientKey key, FlaggedInputsDetector detector, CompiledStreamDetector compiled, bool flagged, DateTimeOffset time, TimeSpan window, CancellationToken cancellationToken)
    {
        var codec = (FlaggedInputsCodec)compiled.Codec!;
        var result = await histories.UpdateAsync(key, codec, state => detector.Observe(state, flagged, time), window, cancellationToken).ConfigureAwait(false);
        return Verdict(compiled, result.Score) with
        {
            Measures = [new("judgedInWindow", result.Judged), new("flaggedInWindow", result.Flagged), new("baseRate", detector.Options.BaseRate)],
        };
    }

    /// <summary>The near-duplicate verdict (its score read at the detector's rank of match) and the hashes shared with
    /// the closest earlier query, from which the other detectors' novelty is computed. An exact repeat is no new
    /// query (<c>Repeat</c>, no verdict). Either way, a copy of what a degraded client sent — byte for byte, or a
    /// near copy sharing at least the threshold's hashes with it — sent by another client is answered as that was,
    /// degraded (a flag whose evidence is the degraded send), so a clean account cannot check a degraded answer by
    /// asking again, moved by a pixel or not; unless the detector's own score flags, which is stronger. Only this
    /// answer: the copying client is not sanctioned, so a benign client that sends a popular image a degraded one sent
    /// first loses that one answer's scores (with <c>degradedAnswer: disguised</c>, not even that where the model is
    /// sure), nothing more.</summary>
    private async ValueTask<(StreamVerdict? Verdict, int Best, bool Repeat)> NearDuplicateAsync(AnsweredQuery query, ExtractionPolicy extraction, NearDuplicateDetector detector, CompiledStreamDetector compiled, ReadOnlyMemory<float> input, ImageBatch batch, ulong content, CancellationToken cancellationToken)
    {
        var fingerprint = detector.Fingerprint(input.Span, batch.Channels, batch.Height, batch.Width);
        var reference = new QueryReference(query.RequestId, query.ClientId, query.Time) { FromDegradedClient = query.FromDegradedClient };
        var lookup = await nearDuplicates.MatchAndAddAsync(query.Policy.Name, fingerprint, content, reference, detector.Evidence, extraction.Window, cancellationToken).ConfigureAwait(false);
        if (lookup.Repeat)
        {
            return lookup.DegradedOriginal is { } original && !query.FromDegradedClient && !string.Equals(original.ClientId, query.ClientId, StringComparison.Ordinal)
                ? (CopyOfDegraded(compiled, original, detector.FingerprintSize, exact: true), detector.FingerprintSize, true)
                : (null, 0, true);
        }

        var match = lookup.Match;
        var score = detector.Score(match);
        var verdict = Verdict(compiled, score) with
        {
            Related = score > 0 && compiled.Flags(score) ? NearDuplicatesIn(match, compiled) : [],
            Measures = detector.Matches == 1
                ? [new("fingerprintHashes", fingerprint.Hashes.Length)]
                : [new("fingerprintHashes", fingerprint.Hashes.Length), new("bestSharedHashes", match.SharedHashes), new("matchesRequired", detector.Matches)],
        };
        var judged = new StreamVerdict(verdict);
        if (!verdict.Flagged && !query.FromDegradedClient)
        {
            // A degraded client's answers are degraded anyway: only a client that is not needs the copy rule.
            for (var i = 0; i < match.Earlier.Count; i++)
            {
                var shared = match.SharedWith(i + 1);
                if (match.Earlier[i] is { FromDegradedClient: true } earlier && compiled.Flags(shared) && !string.Equals(earlier.ClientId, query.ClientId, StringComparison.Ordinal))
                {
                    judged = CopyOfDegraded(compiled, earlier, shared, exact: false);
                    if (query.Enforced)
                    {
                        // Its answer is degraded though its sender is not: a byte-for-byte repeat of it must be too.
                        await nearDuplicates.MarkDegradedAsync(query.Policy.Name, content, reference with { FromDegradedClient = true }, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                }
            }
        }

        return (judged, match.SharedHashes, false);
    }

    /// <summary>The earlier queries of a flagged match that are near-duplicates themselves (at least the threshold's
    /// shared hashes): the evidence, and the clients <c>linkedClients</c> sanctions — not a bystander whose query shares
    /// a few hashes by chance and fills a place in the evidence list.</summary>
    private static IReadOnlyList<QueryReference> NearDuplicatesIn(NearDuplicateMatch match, CompiledStreamDetector compiled)
    {
        if (match.EarlierShared.Count == 0)
        {
            return match.Earlier; // counts unknown: the best matches as they came
        }

        var near = new List<QueryReference>(match.Earlier.Count);
        for (var i = 0; i < match.Earlier.Count; i++)
        {
            if (compiled.Flags(match.SharedWith(i + 1)))
            {
                near.Add(match.Earlier[i]);
            }
        }

        return near;
    }

    /// <summary>The verdict on a copy of a degraded client's query: this answer degraded, the degraded send as evidence.</summary>
    private static StreamVerdict CopyOfDegraded(CompiledStreamDetector compiled, QueryReference original, int shared, bool exact) =>
        new(new Verdict(PipelineStageId.Observe, compiled.Spec.Type, Flagged: true, DefenseAction.Degrade)
        {
            Score = shared,
            Threshold = compiled.Threshold,
            AtlasTechniqueId = compiled.Definition.AtlasTechniqueId,
            Related = [original],
            Measures = [new(CopyOfDegradedMeasure, shared), new(ExactCopyMeasure, exact ? 1 : 0)],
        }, exact ? DegradedCopy.Exact : DegradedCopy.Near);

    private async ValueTask<Verdict?> DistanceAsync(ClientKey key, DistanceDistributionDetector detector, CompiledStreamDetector compiled, ReadOnlyMemory<float> input, ReadOnlyMemory<float> probabilities, TimeSpan window, CancellationToken cancellationToken)
    {
        var predicted = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(probabilities.Span);
        var codec = (DistanceDistributionCodec)compiled.Codec!;

        // Distances compare images of one size: a model with dynamic image sizes gets one history per size and client.
        var sized = key with { ClientId = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{key.ClientId}\u001f{input.Length}") };
        // In parts: a shared store moves the predicted class's set, the counters and (on a test query) the ring, not every class's set.
        var result = await histories.UpdatePartAsync(sized, codec, codec.PartOf(predicted), state => detector.Observe(state, input.Span, predicted), window, cancellationToken).ConfigureAwait(false);
        return result.Evaluated ? Verdict(compiled, result.W) with { Measures = [new("pooledDistances", result.Pooled)] } : null;
    }

    private async ValueTask<Verdict> CoverageAsync(ClientKey key, QueryCoverageDetector detector, CompiledStreamDetector compiled, ReadOnlyMemory<float> probabilities, double novelty, DateTimeOffset time, TimeSpan window, CancellationToken cancellationToken)
    {
        var codec = (QueryCoverageCodec)compiled.Codec!;
        var result = await histories.UpdateAsync(key, codec, state => detector.Observe(state, probabilities.Span, novelty, time), window, cancellationToken).ConfigureAwait(false);
        return Verdict(compiled, result.Score) with
        {
            Measures =
            [
                new("queriesInWindow", result.Queries),
                new("classCoverage", result.ClassCoverage),
                new("meanEntropyBits", result.MeanEntropy),
                new("boundaryFraction", result.BoundaryFraction),
                new("meanNovelty", result.MeanNovelty),
            ],
        };
    }

    private static Verdict Verdict(CompiledStreamDetector detector, double score) =>
        new(PipelineStageId.Observe, detector.Spec.Type, detector.Flags(score), detector.Spec.Action)
        {
            Score = score,
            Threshold = detector.Threshold,
            AtlasTechniqueId = detector.Definition.AtlasTechniqueId,
        };

    /// <summary>The verdict that says most: flagged over not, then the score furthest on the flagging side.</summary>
    private static StreamVerdict Worse(StreamVerdict? current, StreamVerdict candidate, CompiledStreamDetector detector)
    {
        if (current is not { } held || (candidate.Verdict.Flagged && !held.Verdict.Flagged))
        {
            return candidate;
        }

        if (candidate.Verdict.Flagged != held.Verdict.Flagged)
        {
            return held;
        }

        var below = detector.Definition.FlagsBelowThreshold;
        var c = candidate.Verdict.Score ?? 0;
        var w = held.Verdict.Score ?? 0;
        return (below ? c < w : c > w) ? candidate : held;
    }

    private async ValueTask ActAsync(AnsweredQuery query, ExtractionPolicy extraction, CompiledStreamDetector detector, StreamVerdict judged, CancellationToken cancellationToken)
    {
        var verdict = judged.Verdict;
        if (!verdict.Flagged)
        {
            query.Report(verdict, ReasonCodes.SuspiciousActivity, string.Empty);
            return;
        }

        if (judged.Copy != DegradedCopy.None)
        {
            // This answer degraded as the first send's was; no sanction, no linking (see NearDuplicateAsync).
            if (query.Enforced)
            {
                GatewayMetrics.DegradedCopies.WithLabels(judged.Copy == DegradedCopy.Exact ? "exact" : "near").Inc();
            }

            query.Report(verdict, ReasonCodes.SuspiciousActivity, string.Empty);
            return;
        }

        GatewayMetrics.StreamFlags.WithLabels(detector.Spec.Type, ActionName(verdict.Action)).Inc();
        var sanction = Sanction(verdict.Action);
        if (sanction != ClientSanctions.None && query.Enforced)
        {
            try
            {
                await limiter.ImposeAsync(query.Policy, query.ClientId, sanction, extraction.Cooldown, cancellationToken).ConfigureAwait(false);
                GatewayMetrics.SanctionsImposed.WithLabels(sanction.ToString().ToLowerInvariant()).Inc();
            }
            catch (ClientStateUnavailableException ex)
            {
                query.ReportStateUnavailable(detector.Spec.Type, ex);
            }
        }

        if (extraction.LinkedClients is { } linked && verdict.Related.Count > 0)
        {
            verdict = await SanctionLinkedAsync(query, extraction, detector, verdict, linked, cancellationToken).ConfigureAwait(false);
        }

        var (message, retryAfter) = verdict.Action switch
        {
            DefenseAction.Block => ("the client's queries look like an attack on the model; it is suspended for a while", extraction.Cooldown),
            DefenseAction.Throttle => ("the client's queries look like an attack on the model; its rate limit is reduced for a while", TimeSpan.FromSeconds(1 / extraction.Throttle.TokensPerSecond)),
            _ => (string.Empty, (TimeSpan?)null),
        };
        query.Report(verdict, ReasonCodes.SuspiciousActivity, message, retryAfter);
    }

    /// <summary><c>spec.extraction.linkedClients</c>: the other clients whose earlier queries a near-duplicate flag
    /// names get the linked sanction for the cooldown (enforce mode; monitor mode reports whom it would sanction). The
    /// evidence is bounded (the larger of the detector's <c>evidence</c> and <c>matches</c>, at most 100), so one flag
    /// sanctions a bounded number of clients. The
    /// verdict gains how many, and the alert already names them.</summary>
    private async ValueTask<Verdict> SanctionLinkedAsync(AnsweredQuery query, ExtractionPolicy extraction, CompiledStreamDetector detector, Verdict verdict, DefenseAction linked, CancellationToken cancellationToken)
    {
        var sanction = Sanction(linked);
        var others = verdict.Related.Select(r => r.ClientId).Where(c => !string.Equals(c, query.ClientId, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToArray();
        if (others.Length == 0 || sanction == ClientSanctions.None)
        {
            return verdict;
        }

        if (query.Enforced)
        {
            try
            {
                foreach (var other in others)
                {
                    await limiter.ImposeAsync(query.Policy, other, sanction, extraction.Cooldown, cancellationToken).ConfigureAwait(false);
                    GatewayMetrics.SanctionsImposed.WithLabels(sanction.ToString().ToLowerInvariant()).Inc();
                }

                GatewayMetrics.LinkedClientSanctions.WithLabels(ActionName(linked)).Inc(others.Length);
            }
            catch (ClientStateUnavailableException ex)
            {
                query.ReportStateUnavailable(detector.Spec.Type, ex);
            }
        }

        return verdict with { Measures = [.. verdict.Measures, new("linkedClients", others.Length)] };
    }

    private static ClientSanctions Sanction(DefenseAction action) => action switch
    {
        DefenseAction.Block => ClientSanctions.Blocked,
        DefenseAction.Throttle => ClientSanctions.Throttled,
        DefenseAction.Degrade => ClientSanctions.Degraded,
        _ => ClientSanctions.None,
    };

    private static string ActionName(DefenseAction action) => action switch
    {
        DefenseAction.Block => "block",
        DefenseAction.Throttle => "throttle",
        DefenseAction.Degrade => "degrade",
        _ => "alert",
    };
}
