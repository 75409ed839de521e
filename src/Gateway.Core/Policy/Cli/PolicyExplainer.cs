using System.Globalization;
using System.Text;
using NeuralSec.Detectors.Catalog;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Defenses;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Policy.Cli;

/// <summary>What a policy will do, in plain words, for reviewers of a policy change who do not read YAML for a
/// living. Says what happens by default too: a left-out key is a decision as well.</summary>
internal static class PolicyExplainer
{
    public static string Explain(FirewallPolicy policy, IReadOnlyCollection<DefenseDefinition> defenses)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"Policy '{policy.Name}' ({policy.Source}, revision {policy.Revision})"));
        text.AppendLine(policy.IsDefault
            ? "Applies to: every model that has no policy of its own (this is the default policy)" + ClientsSuffix(policy) + "."
            : Invariant($"Applies to: {Plural(policy.Models.Count, "model", "models")} {Names(policy.Models)}{ClientsSuffix(policy)}."));

        text.AppendLine(policy.Mode == PolicyMode.Enforce
            ? "Mode: enforce. Decisions are applied: flagged requests are blocked, throttled or degraded as each detector says."
            : "Mode: monitor (shadow). Everything is checked and alerted, but no request is blocked, throttled or degraded.");
        text.AppendLine(policy.OnError == ErrorMode.FailClosed
            ? "On error: fail-closed. If a defense or the model fails, the request is refused."
            : "On error: fail-open. If a defense fails, it is skipped (and alerted) and the request goes on.");

        var identity = policy.Identity.TrustHeader
            ? "the client identity header set by the service mesh is trusted"
            : "the client identity header is not trusted (only mTLS certificates and API keys count)";
        var fallback = policy.Identity.DefaultClient is not { } client
            ? "callers with no accepted identity are refused (UNAUTHENTICATED)"
            : policy.Identity.KeyUnidentifiedBy == UnidentifiedKeying.Shared
                ? $"callers with no accepted identity are all served as the one client '{client}', sharing its budget and history"
                : $"callers with no accepted identity are served as client '{client}@<address>', one per network address (IPv6 per /64)";
        text.AppendLine($"Identity: {identity}; {fallback}.");

        text.AppendLine("Input:");
        foreach (var tensor in policy.Input.Tensors)
        {
            var parts = new List<string>();
            if (tensor.DataType is { } type)
            {
                parts.Add("datatype " + type.ToWireName());
            }

            if (tensor.Shape is { } shape)
            {
                parts.Add($"shape [{string.Join(", ", shape)}]" + (shape.Contains(-1) ? " (-1 = any size)" : string.Empty));
            }

            if (tensor.Range is { } range)
            {
                parts.Add(Invariant($"every value within [{range.Min}, {range.Max}]"));
            }

            text.AppendLine($"  - tensor '{tensor.Name}': " + (parts.Count == 0 ? "no constraints beyond the model's signature" : string.Join(", ", parts)));
        }

        text.AppendLine(policy.Input.MaxBatch is { } maxBatch
            ? Invariant($"  - batches larger than {maxBatch} are refused.")
            : "  - batch size limited only by the sidecar's own limit.");
        text.AppendLine("  - NaN and infinite values are always refused.");

        text.AppendLine(policy.RateLimit is { } limit
            ? Invariant($"Rate limit: each client may send {limit.TokensPerSecond} requests per second on average, with bursts of up to {limit.Burst}; more gets RESOURCE_EXHAUSTED with a retry-after.")
            : "Rate limit: none.");

        text.AppendLine(policy.Preprocess.Count == 0 ? "Preprocessing: none; the input is forwarded as sent." : "Preprocessing, in this order, before the input is forwarded:");
        foreach (var step in policy.Preprocess)
        {
            text.AppendLine($"  - {step.Type}{Options(step)}: {Describe(step, defenses)}");
        }

        text.AppendLine(policy.Detect.Count == 0 ? "Detectors: none." : "Detectors:");
        foreach (var detector in policy.Detect)
        {
            var definition = defenses.FirstOrDefault(d => d.Type == detector.Type);
            var side = definition?.FlagsBelowThreshold == true ? "below" : "above";
            var grades = string.Concat(detector.Grades.Select(g => Invariant($"; {side} {g.Threshold}, {Action(g.Action, policy.Mode)}")));
            text.AppendLine(Invariant($"  - {detector.Type}{Options(detector)}: flags a score {side} {detector.Threshold}; then {Action(detector.Action, policy.Mode)}{grades}. {Describe(detector, defenses)}"));
        }

        AppendDetectOrder(text, policy, defenses);

        if (policy.Repair.Count > 0)
        {
            text.AppendLine("Repair, in this order, for a request a detector answers with repair (after preprocessing):");
            foreach (var step in policy.Repair)
            {
                text.AppendLine($"  - {step.Type}{Options(step)}: {Describe(step, defenses)}");
            }
        }

        AppendExtraction(text, policy, defenses);

        var output = policy.Output;
        var hardening = new List<string>();
        if (output.LabelOnly)
        {
            hardening.Add("only the predicted label is returned");
        }

        if (output.TopK is { } k)
        {
            hardening.Add(Invariant($"only the top {k} score{(k == 1 ? "" : "s")} {(k == 1 ? "is" : "are")} kept"));
        }

        if (output.Decimals is { } decimals)
        {
            hardening.Add(Invariant($"scores are rounded to {decimals} decimal{(decimals == 1 ? "" : "s")}"));
        }

        text.AppendLine(hardening.Count == 0 ? "Output: returned as the model produced it." : "Output: " + string.Join("; ", hardening) + ".");
        text.AppendLine((output.MisinformBelow, output.DegradedAnswer) switch
        {
            ({ } below, DegradedAnswer.Disguised) => Invariant($"Degraded answers: shaped like every other answer, so a degraded client cannot tell; where the top class probability is below {below} the least likely class takes the top score (misinformation against extraction and query attacks)."),
            ({ } below, _) => Invariant($"Degraded answers: label only, except that an answer whose top class probability is below {below} names the least likely class (misinformation against extraction)."),
            _ => "Degraded answers: label only.",
        });
        text.AppendLine(policy.Refusals.Explain
            ? "Refusals: EXPLAINED to callers — the detector that fired, its score and its threshold are sent back (spec.refusals.explain: true). This is an oracle for adaptive attackers: debugging with a trusted client only."
            : "Refusals: callers get the status, the request id and a coarse reason code; detector names, scores and thresholds go to alerts, logs and metrics only.");
        if (policy.Labels.Count > 0)
        {
            text.AppendLine("Labels: " + string.Join(", ", policy.Labels.Select(l => $"{l.Key}={l.Value}")));
        }

        return text.ToString();
    }

    private static void AppendDetectOrder(StringBuilder text, FirewallPolicy policy, IReadOnlyCollection<DefenseDefinition> defenses)
    {
        if (policy.Detect.Count < 2)
        {
            return;
        }

        if (policy.DetectOrder == DetectOrder.Concurrent)
        {
            text.AppendLine("  Order: all detectors run at once on every request (detectOrder: concurrent); every verdict is in the alert.");
            return;
        }

        var costs = policy.Detect.Select(d => defenses.FirstOrDefault(c => c.Type == d.Type)?.Cost ?? DetectorCost.ServedModel).ToArray();
        var rounds = DetectorRounds.Of(costs)
            .Select(round => $"{CostName(costs[round[0]])}: {string.Join(", ", round.Select(i => policy.Detect[i].Type))}")
            .ToArray();
        var skip = policy.Mode == PolicyMode.Enforce
            ? "a request an earlier round blocks is refused without running the later ones (the alert names them)"
            : "monitor mode blocks nothing, so every round runs, all at once";
        text.AppendLine(Invariant($"  Order: cheapest first, in {rounds.Length} {Plural(rounds.Length, "round", "rounds")} ({string.Join("; then ", rounds)}); {skip}. A low score never skips a detector."));
    }

    private static string CostName(DetectorCost cost) => cost switch
    {
        DetectorCost.Pixels => "pixel arithmetic",
        DetectorCost.AuxiliaryModel => "an auxiliary model",
        DetectorCost.ServedModel => "a call of the served model",
        _ => "many calls of the served model",
    };

    private static void AppendExtraction(StringBuilder text, FirewallPolicy policy, IReadOnlyCollection<DefenseDefinition> defenses)
    {
        if (policy.Extraction is not { Detectors.Count: > 0 } extraction)
        {
            text.AppendLine("Stream defenses: none; each request is judged alone (no extraction or query-attack detection).");
            return;
        }

        text.AppendLine(Invariant($"Stream defenses (each client's queries, remembered for {Duration(extraction.Window)}; sanctions last {Duration(extraction.Cooldown)}, extended if flagged again):"));
        foreach (var detector in extraction.Detectors)
        {
            var definition = defenses.FirstOrDefault(d => d.Type == detector.Type);
            var side = definition?.FlagsBelowThreshold == true ? "below" : "above";
            text.AppendLine(Invariant($"  - {detector.Type}{Options(detector)}: flags a score {side} {detector.Threshold}; then {StreamAction(detector.Action, extraction, policy.Mode)}. {Describe(detector, defenses)}"));
        }

        if (extraction.LinkedClients is { } linked)
        {
            var what = linked switch
            {
                DefenseAction.Block => "are refused for the cooldown",
                DefenseAction.Throttle => "get the throttled budget for the cooldown",
                _ => "get degraded answers for the cooldown (as 'Degraded answers' below says)",
            };
            text.AppendLine(Invariant($"  Linked clients: the other clients whose earlier queries a nearDuplicate flag names as its near-duplicates {what}{(policy.Mode == PolicyMode.Monitor ? " (monitor mode: reported, not imposed)" : string.Empty)} — one actor spread over several accounts is sanctioned as one."));
        }
    }

    private static string StreamAction(DefenseAction action, ExtractionPolicy extraction, PolicyMode mode)
    {
        var what = action switch
        {
            DefenseAction.Block => "the answer is refused and the client is refused (PERMISSION_DENIED) for the cooldown",
            DefenseAction.Throttle => Invariant($"the client's budget drops to {extraction.Throttle.TokensPerSecond} request{(extraction.Throttle.TokensPerSecond == 1 ? "" : "s")} per second (bursts of {extraction.Throttle.Burst}) for the cooldown"),
            DefenseAction.Degrade => "this answer and the client's next ones are degraded for the cooldown (as 'Degraded answers' below says)",
            _ => "the query is answered and an alert is raised",
        };
        return mode == PolicyMode.Monitor && action != DefenseAction.Alert ? $"{what} would happen, but monitor mode only alerts" : what;
    }

    private static string Duration(TimeSpan span)
    {
        var seconds = (long)span.TotalSeconds;
        var (count, one, many) = seconds switch
        {
            >= 86_400 when seconds % 86_400 == 0 => (seconds / 86_400, "day", "days"),
            >= 3_600 when seconds % 3_600 == 0 => (seconds / 3_600, "hour", "hours"),
            >= 60 when seconds % 60 == 0 => (seconds / 60, "minute", "minutes"),
            _ => (seconds, "second", "seconds"),
        };
        return Invariant($"{count} {(count == 1 ? one : many)}");
    }

    private static string ClientsSuffix(FirewallPolicy policy) => policy.ClientGroups.Count == 0
        ? ", for every client"
        : $", for clients in {Plural(policy.ClientGroups.Count, "group", "groups")} {Names(policy.ClientGroups)}";

    private static string Action(DefenseAction action, PolicyMode mode)
    {
        var what = action switch
        {
            DefenseAction.Block => "the request is blocked (PERMISSION_DENIED)",
            DefenseAction.Throttle => "the client is throttled (RESOURCE_EXHAUSTED)",
            DefenseAction.Degrade => "the answer is degraded (as 'Degraded answers' below says)",
            DefenseAction.Repair => "the request is answered from its purified view (spec.repair) and an alert is raised",
            _ => "the request is answered and an alert is raised",
        };
        return mode == PolicyMode.Monitor && action != DefenseAction.Alert ? $"{what} would happen, but monitor mode only alerts" : what;
    }

    private static string Options(DefenseSpec spec) => spec.Options.Count == 0 ? string.Empty : " (" + OptionText.Describe(spec.Options) + ")";

    private static string Describe(DefenseSpec spec, IReadOnlyCollection<DefenseDefinition> defenses) =>
        defenses.FirstOrDefault(d => d.Type == spec.Type)?.Description ?? string.Empty;

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    private static string Plural(int count, string one, string many) => count == 1 ? one : many;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
