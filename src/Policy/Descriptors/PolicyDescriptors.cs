using NeuralSec.Detectors.Catalog;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Policy.Validation;
using NeuralSec.Policy.Yaml;

namespace NeuralSec.Policy.Descriptors;

/// <summary>
/// The FirewallPolicy format, once: keys, types, bounds, defaults. <see cref="PolicyValidator"/> checks files
/// against it and <see cref="Schema.PolicySchemaGenerator"/> prints it as JSON Schema.
/// </summary>
internal static class PolicyDescriptors
{
    public const string ApiVersion = "neuralsec.io/v1";
    public const string Kind = "FirewallPolicy";

    /// <summary><c>spec.models</c> entry that makes a policy the default for models without their own.</summary>
    public const string AnyModel = "*";

    public const string TypeKey = "type";
    public const string ThresholdKey = "threshold";
    public const string ActionKey = "action";
    public const string GradesKey = "grades";
    public const string RepairKey = "repair";
    public const string FprKey = "fpr";

    public static IReadOnlyList<string> Modes { get; } = ["enforce", "monitor"];

    public static IReadOnlyList<string> ErrorModes { get; } = ["fail-open", "fail-closed"];

    public static IReadOnlyList<string> DetectOrders { get; } = ["concurrent", "cheapFirst"];

    /// <summary><c>spec.output.degradedAnswer</c>.</summary>
    public static IReadOnlyList<string> DegradedAnswers { get; } = ["labelOnly", "disguised"];

    public static IReadOnlyList<string> Actions { get; } = ["block", "alert", "throttle", "degrade"];

    /// <summary><c>spec.extraction.linkedClients</c>: a stream action, or none.</summary>
    public static IReadOnlyList<string> LinkedActions { get; } = ["none", "throttle", "degrade", "block"];

    /// <summary>What a detect entry (or one of its grades) may answer: the stream actions and repair.</summary>
    public static IReadOnlyList<string> DetectActions { get; } = ["block", "alert", "throttle", "degrade", "repair"];

    public static IReadOnlyList<string> DataTypes { get; } = Enum.GetValues<TensorDataType>().Select(t => t.ToWireName()).ToArray();

    /// <summary><c>threshold:</c> of a detect entry; required because a detector without one cannot decide.</summary>
    public static ScalarDescriptor Threshold { get; } = new(ScalarType.Number)
    {
        Description = "Score beyond which the detector flags the input. Set by `neuralsec calibrate` from a target false-positive rate.",
    };

    public static ScalarDescriptor Action { get; } = new(ScalarType.String)
    {
        Description = "What a flagged input gets: block (PERMISSION_DENIED), alert (answered, alerted), throttle (RESOURCE_EXHAUSTED), degrade (a degraded answer, shaped as output.degradedAnswer says). For a stream detector the client gets it for spec.extraction.cooldown: block refuses it, throttle gives it the throttled budget, degrade answers it label-only (this answer included).",
        AllowedValues = Actions,
        Default = "block",
    };

    /// <summary><c>action:</c> of a detect entry or grade: the stream actions plus repair.</summary>
    public static ScalarDescriptor DetectAction { get; } = new(ScalarType.String)
    {
        Description = "What a flagged input gets: block (PERMISSION_DENIED), alert (answered, alerted), throttle (RESOURCE_EXHAUSTED), degrade (a degraded answer, shaped as output.degradedAnswer says), repair (answered from the purified view, spec.repair, and alerted: a false positive still gets a right answer, an adversarial input a non-adversarial one).",
        AllowedValues = DetectActions,
        Default = "block",
    };

    /// <summary><c>grades:</c> of a detect entry.</summary>
    public static ArrayDescriptor Grades { get; } = new(new ObjectDescriptor(
    [
        new(ThresholdKey, new ScalarDescriptor(ScalarType.Number) { Description = "Score beyond which this grade applies; further beyond than the entry's threshold and the previous grade's. Set by `neuralsec calibrate` when fpr is given." }) { Required = true },
        new(ActionKey, DetectAction with { Default = null }) { Required = true },
        new(FprKey, new ScalarDescriptor(ScalarType.Number) { Description = "Target benign rate of this grade, for `neuralsec calibrate` (e.g. 0.0005): the share of benign inputs that may reach it.", ExclusiveMinimum = 0, Maximum = 1 }),
    ]) { Description = "A stronger answer for scores further beyond the threshold." })
    {
        Description = "Graded answers: a score just over the threshold gets the entry's action (alert, repair), one far over it the grade's (block). Each grade's threshold is further beyond the previous one's and its action more severe (alert < repair < degrade < throttle < block).",
        MaxItems = 4,
    };

    public static ObjectDescriptor Root { get; } = BuildRoot();

    /// <summary>A defense option as a value descriptor, so options are checked by the same walker as the spec.</summary>
    public static ValueDescriptor ForOption(OptionDefinition option) => option.Kind switch
    {
        OptionKind.Integer => new ScalarDescriptor(ScalarType.Integer) { Description = option.Description, Minimum = option.Minimum, Maximum = option.Maximum, Default = option.Default },
        OptionKind.Number => new ScalarDescriptor(ScalarType.Number) { Description = option.Description, Minimum = option.Minimum, Maximum = option.Maximum, Default = option.Default },
        OptionKind.Boolean => new ScalarDescriptor(ScalarType.Boolean) { Description = option.Description, Default = option.Default },
        OptionKind.String => new ScalarDescriptor(ScalarType.String) { Description = option.Description, Default = option.Default, IsFileReference = option.IsFileReference },
        OptionKind.Enum => new ScalarDescriptor(ScalarType.String) { Description = option.Description, AllowedValues = option.AllowedValues, Default = option.Default },
        OptionKind.StringList => new ArrayDescriptor(new ScalarDescriptor(ScalarType.String) { AllowedValues = option.AllowedValues })
        {
            Description = option.Description,
        },
        OptionKind.NumberList => new ArrayDescriptor(new ScalarDescriptor(ScalarType.Number) { Minimum = option.Minimum, Maximum = option.Maximum })
        {
            Description = option.Description,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(option), option.Kind, "unknown option kind"),
    };

    private static ObjectDescriptor BuildRoot()
    {
        var text = new ScalarDescriptor(ScalarType.String);
        var stringMap = new MapDescriptor(text);

        var metadata = new ObjectDescriptor(
        [
            new("name", new ScalarDescriptor(ScalarType.String)
            {
                Description = "Unique name of the policy (a DNS label); appears in alerts and logs.",
                Pattern = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",
                PatternHint = "use 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
            }) { Required = true },
            new("labels", stringMap with { Description = "Free-form string labels, as on Kubernetes objects." }),
            new("annotations", stringMap with { Description = "Free-form string annotations, as on Kubernetes objects." }),
        ]) { Description = "Kubernetes-style object metadata." };

        var identity = new ObjectDescriptor(
        [
            new("trustHeader", new ScalarDescriptor(ScalarType.Boolean)
            {
                Description = "Accept the client identity header set by a service mesh. Only for pods whose only ingress is a mesh proxy that strips and sets it.",
                Default = false,
            }),
            new("defaultClient", new ScalarDescriptor(ScalarType.String)
            {
                Description = "Client id for callers with no accepted identity; null refuses them with UNAUTHENTICATED.",
                Nullable = true,
                Default = "anonymous",
            }),
            new("keyUnidentifiedBy", new ScalarDescriptor(ScalarType.String)
            {
                Description = "How callers without an accepted identity are told apart: address (each network address is its own client, 'anonymous@10.1.2.3', IPv6 by its /64; behind a proxy that hides addresses they are one) or shared (all are the one defaultClient, sharing its budget and history).",
                AllowedValues = ["address", "shared"],
                Default = "address",
            }),
        ]) { Description = "How far the policy trusts what callers say about themselves." };

        var tensor = new ObjectDescriptor(
        [
            new("name", new ScalarDescriptor(ScalarType.String) { Description = "Input tensor name, as in the model's metadata." }) { Required = true },
            new("datatype", new ScalarDescriptor(ScalarType.String) { Description = "Open Inference Protocol datatype the tensor must have.", AllowedValues = DataTypes }),
            new("shape", new ArrayDescriptor(new ScalarDescriptor(ScalarType.Integer) { Minimum = -1 })
            {
                Description = "Shape the tensor must have; -1 matches any size in that dimension.",
                MinItems = 1,
                MaxItems = 16,
            }),
            new("range", new ArrayDescriptor(new ScalarDescriptor(ScalarType.Number))
            {
                Description = "[min, max]: every value must lie in this closed interval (NaN and infinities are always refused).",
                MinItems = 2,
                MaxItems = 2,
                Rules = [RangeIsOrdered],
            }),
        ]) { Description = "Constraints on one input tensor." };

        var image = new ObjectDescriptor(
        [
            new("tensor", new ScalarDescriptor(ScalarType.String) { Description = "Name of the input tensor that holds the images." }) { Required = true },
            new("layout", new ScalarDescriptor(ScalarType.String) { Description = "NCHW ([batch, channels, height, width]) or NHWC.", AllowedValues = ["NCHW", "NHWC"], Default = "NCHW" }),
            new("range", new ArrayDescriptor(new ScalarDescriptor(ScalarType.Number))
            {
                Description = "[min, max] of a pixel as the model sees it (before mean/std), e.g. [0, 1] or [0, 255]; default [0, 1].",
                MinItems = 2,
                MaxItems = 2,
                Rules = [RangeIsOrdered],
            }),
            new("mean", new ArrayDescriptor(new ScalarDescriptor(ScalarType.Number)) { Description = "Per-channel mean the model's inputs were standardised with ((x - mean) / std).", MinItems = 1, MaxItems = 4 }),
            new("std", new ArrayDescriptor(new ScalarDescriptor(ScalarType.Number) { ExclusiveMinimum = 0 }) { Description = "Per-channel standard deviation matching mean.", MinItems = 1, MaxItems = 4 }),
        ]) { Description = "Which input is an image and how it is scaled: what preprocessing and detectors work on.", Rules = [MeanMatchesStd] };

        var input = new ObjectDescriptor(
        [
            new("tensors", new ArrayDescriptor(tensor) { Description = "Per-tensor constraints on top of the model's own signature." }),
            new("image", image),
            new("maxBatch", new ScalarDescriptor(ScalarType.Integer) { Description = "Largest batch accepted (may only lower the sidecar's limit).", Minimum = 1, Maximum = 100_000 }),
        ]) { Description = "Input constraints." };

        var perClient = new ObjectDescriptor(
        [
            new("tokensPerSecond", new ScalarDescriptor(ScalarType.Number) { Description = "Sustained requests per second per client.", ExclusiveMinimum = 0, Maximum = 1_000_000_000 }) { Required = true },
            new("burst", new ScalarDescriptor(ScalarType.Integer) { Description = "Requests a client may send at once after idling (bucket size).", Minimum = 1, Maximum = int.MaxValue }) { Required = true },
        ]) { Description = "A token bucket per client id." };

        var rateLimit = new ObjectDescriptor([new("perClient", perClient) { Required = true }]) { Description = "Request rate limits." };

        var throttle = new ObjectDescriptor(
        [
            new("tokensPerSecond", new ScalarDescriptor(ScalarType.Number) { Description = "Sustained requests per second of a throttled client.", ExclusiveMinimum = 0, Maximum = 1_000_000_000, Default = 1.0 }) { Required = true },
            new("burst", new ScalarDescriptor(ScalarType.Integer) { Description = "Bucket size of a throttled client.", Minimum = 1, Maximum = int.MaxValue, Default = 5 }) { Required = true },
        ]) { Description = "The budget of a client a stream detector throttled, in place of spec.rateLimit, for the cooldown." };

        var extraction = new ObjectDescriptor(
        [
            new("window", new ScalarDescriptor(ScalarType.Integer)
            {
                Description = "Seconds a client's query history and the shared near-duplicate index remember a query.",
                Minimum = 60,
                Maximum = 30 * 86_400,
                Default = 86_400,
            }),
            new("cooldown", new ScalarDescriptor(ScalarType.Integer)
            {
                Description = "Seconds a throttle, degrade or block imposed by a stream detector lasts; flagged again, it is extended.",
                Minimum = 1,
                Maximum = 30 * 86_400,
                Default = 600,
            }),
            new("throttle", throttle),
            new("linkedClients", new ScalarDescriptor(ScalarType.String)
            {
                Description = "What the other clients named in a near-duplicate flag's evidence get for the cooldown — the clients whose earlier queries are the near-duplicates: one actor spread over several accounts, or a client whose picture an attacker works on. none: only the flagged client is sanctioned; degrade (degraded answers, shaped as output.degradedAnswer says) costs such a bystander little; block ends Sybil accounts but lets an attacker who copies a victim's picture suspend the victim.",
                AllowedValues = LinkedActions,
                Default = "none",
            }),
            new("detectors", new DefenseListDescriptor(DefenseStage.Stream)
            {
                Description = "Stream detectors: each watches the query stream after the model answered and flags beyond its threshold; its action applies to the client for the cooldown.",
            }),
        ]) { Description = "Stream defenses against model extraction and query-based attacks: per client and, for near-duplicates, across all clients." };

        var output = new ObjectDescriptor(
        [
            new("topK", new ScalarDescriptor(ScalarType.Integer) { Description = "Return only the k largest scores.", Minimum = 1, Maximum = 1000 }),
            new("decimals", new ScalarDescriptor(ScalarType.Integer) { Description = "Round scores to this many decimals.", Minimum = 0, Maximum = 8 }),
            new("labelOnly", new ScalarDescriptor(ScalarType.Boolean) { Description = "Return the arg-max class only.", Default = false }),
            new("misinformBelow", new ScalarDescriptor(ScalarType.Number)
            {
                Description = "How a degraded answer (a stream detector's degrade) is shaped: left out, label only; set, an answer whose top class probability is below this names the least likely class instead (adaptive misinformation), so an extraction attacker's uncertain queries get wrong labels. Only degraded clients are affected.",
                ExclusiveMinimum = 0,
                Maximum = 1,
            }),
            new("degradedAnswer", new ScalarDescriptor(ScalarType.String)
            {
                Description = "What a degraded answer looks like. labelOnly: one-hot, which denies the scores and tells the client it was degraded whenever ordinary answers are not label-only. disguised: shaped like every other answer (topK, decimals), with the model's scores, except that below misinformBelow the top and the least likely class trade scores — the client cannot tell it was degraded and believes the misinformed labels, but keeps the scores ordinary hardening leaves on its confident answers. disguised needs misinformBelow.",
                AllowedValues = DegradedAnswers,
                Default = "labelOnly",
            }),
        ]) { Description = "Hardening of what the model returns, against model extraction.", Rules = [DisguisedDegradeNeedsMisinformation] };

        var refusals = new ObjectDescriptor(
        [
            new("explain", new ScalarDescriptor(ScalarType.Boolean)
            {
                Description = "Tell refused callers which detector fired, with its score and threshold. An oracle for adaptive attackers: for debugging with a trusted client only. Off: callers get the status, the request id and a coarse reason code.",
                Default = false,
            }),
        ]) { Description = "What a refused caller is told." };

        var spec = new ObjectDescriptor(
        [
            new("models", new ArrayDescriptor(new ScalarDescriptor(ScalarType.String) { Pattern = "^.+$", PatternHint = "a model name cannot be empty" })
            {
                Description = "Models this policy governs; [\"*\"] makes it the default policy for models without one.",
                MinItems = 1,
                UniqueItems = true,
                Rules = [AnyModelStandsAlone],
            }) { Required = true },
            new("clientGroups", new ArrayDescriptor(new ScalarDescriptor(ScalarType.String) { Pattern = "^.+$", PatternHint = "a client group cannot be empty" })
            {
                Description = "Client groups (tenants) the policy applies to; left out, it applies to every client.",
                UniqueItems = true,
            }),
            new("mode", new ScalarDescriptor(ScalarType.String) { Description = "enforce: decisions are applied; monitor: shadow mode, alert only.", AllowedValues = Modes, Default = "enforce" }),
            new("onError", new ScalarDescriptor(ScalarType.String) { Description = "When a defense or the model fails: refuse the request (fail-closed) or go on (fail-open).", AllowedValues = ErrorModes, Default = "fail-closed" }),
            new("identity", identity),
            new("input", input),
            new("rateLimit", rateLimit),
            new("preprocess", new DefenseListDescriptor(DefenseStage.Preprocess) { Description = "Transforms applied, in order, to the input that is forwarded." }),
            new("detect", new DefenseListDescriptor(DefenseStage.Detect) { Description = "Detectors that score the input; each flags above (or below) its threshold." }),
            new("detectOrder", new ScalarDescriptor(ScalarType.String)
            {
                Description = "How the detectors run. concurrent: all at once, every verdict in the alert. cheapFirst: in rounds of rising cost (pixel statistics, then auxiliary models, then calls of the served model), each round at once; a request an enforced round blocks skips the dearer rounds (the alert names them), so a flood of blockable inputs costs no model call. Only a block stops the rounds, never a low score: an attacker would aim at the cheapest detector to switch the others off. Costs benign requests the cheap rounds' latency in series.",
                AllowedValues = DetectOrders,
                Default = "concurrent",
            }),
            new(RepairKey, new DefenseListDescriptor(DefenseStage.Preprocess) { Description = "Transforms applied, in order, to the forwarded input (after preprocess) of a request a detector answers with 'repair': the caller gets the model's answer to this purified view instead of a refusal. Required when a detect entry or grade repairs." }),
            new("extraction", extraction),
            new("output", output),
            new("refusals", refusals),
        ]) { Description = "What the firewall does for the models it governs.", Rules = [ImageDefensesNeedAnImage, EscalationNeedsInputDetectors, RepairNeedsRepairTransforms, LinkedClientsNeedNearDuplicates] };

        return new ObjectDescriptor(
        [
            new("apiVersion", new ScalarDescriptor(ScalarType.String) { AllowedValues = [ApiVersion] }) { Required = true },
            new("kind", new ScalarDescriptor(ScalarType.String) { AllowedValues = [Kind] }) { Required = true },
            new("metadata", metadata) { Required = true },
            new("spec", spec) { Required = true },
        ]) { Description = "A NeuralSec firewall policy for one model (or model and client group), or the default policy." };
    }

    /// <summary>Preprocessing and detectors work on images: a policy that configures them must say which input
    /// is the image, so a non-image model cannot be given an image defense by mistake.</summary>
    private static void ImageDefensesNeedAnImage(YNode value, string path, PolicyDiagnostics diagnostics)
    {
        var spec = (YMapping)value;
        var hasImage = spec.Find("input")?.Value is YMapping input && input.Find("image") is not null;
        foreach (var key in new[] { "preprocess", "detect", RepairKey })
        {
            if (!hasImage && spec.Find(key) is { Value: YSequence { Items.Count: > 0 } } entry)
            {
                diagnostics.Add(entry.Key.Location, $"{key} needs to know which input is an image", "add spec.input.image: { tensor: <input name>, layout: NCHW }");
            }
        }
    }

    /// <summary>The stream detector that counts the <c>detect</c> entries' verdicts (the catalog's
    /// <c>flaggedInputs</c>).</summary>
    private const string EscalationType = "flaggedInputs";

    /// <summary>The stream detector whose evidence names the clients <c>linkedClients</c> sanctions.</summary>
    private const string NearDuplicateType = "nearDuplicate";

    /// <summary><c>flaggedInputs</c> counts what the <c>detect</c> entries flag: without any it would watch nothing
    /// and look like protection.</summary>
    private static void EscalationNeedsInputDetectors(YNode value, string path, PolicyDiagnostics diagnostics)
    {
        var spec = (YMapping)value;
        if (spec.Find("detect") is { Value: YSequence { Items.Count: > 0 } })
        {
            return;
        }

        if (spec.Find("extraction")?.Value is YMapping extraction && extraction.Find("detectors")?.Value is YSequence detectors)
        {
            foreach (var item in detectors.Items)
            {
                if (item is YMapping entry && entry.Find(TypeKey) is { Value: YScalar { Text: EscalationType } } type)
                {
                    diagnostics.Add(type.Value.Location, "flaggedInputs counts the requests the detect entries flag, and this policy has none", "add detect entries, or remove flaggedInputs");
                }
            }
        }
    }

    /// <summary><c>linkedClients</c> acts on the clients a near-duplicate flag names: without that detector it would
    /// never act and look like protection.</summary>
    private static void LinkedClientsNeedNearDuplicates(YNode value, string path, PolicyDiagnostics diagnostics)
    {
        if (((YMapping)value).Find("extraction")?.Value is not YMapping extraction
            || extraction.Find("linkedClients") is not { Value: YScalar { Text: not "none" } linked })
        {
            return;
        }

        var detectors = extraction.Find("detectors")?.Value as YSequence;
        if (detectors?.Items.OfType<YMapping>().Any(e => e.Find(TypeKey) is { Value: YScalar { Text: NearDuplicateType } }) != true)
        {
            diagnostics.Add(linked.Location, "linkedClients sanctions the clients a nearDuplicate flag names, and this policy has no nearDuplicate detector", "add a nearDuplicate detector, or set linkedClients: none");
        }
    }

    /// <summary>A disguised degraded answer differs from an ordinary one only where it misinforms: without
    /// <c>misinformBelow</c> a degrade would change nothing and look like protection.</summary>
    private static void DisguisedDegradeNeedsMisinformation(YNode value, string path, PolicyDiagnostics diagnostics)
    {
        var output = (YMapping)value;
        if (output.Find("degradedAnswer") is { Value: YScalar { Text: "disguised" } disguised } && output.Find("misinformBelow") is null)
        {
            diagnostics.Add(disguised.Location, "a disguised degraded answer differs from an ordinary one only where it misinforms, and misinformBelow is not set", "set misinformBelow (e.g. 0.9), or degradedAnswer: labelOnly");
        }
    }

    /// <summary>A detect entry (or grade) that repairs needs <c>spec.repair</c>: without transforms "repaired" would
    /// forward the suspicious input unchanged.</summary>
    private static void RepairNeedsRepairTransforms(YNode value, string path, PolicyDiagnostics diagnostics)
    {
        var spec = (YMapping)value;
        if (spec.Find(RepairKey) is { Value: YSequence { Items.Count: > 0 } } || spec.Find("detect")?.Value is not YSequence detect)
        {
            return;
        }

        foreach (var item in detect.Items.OfType<YMapping>())
        {
            var actions = new List<YNode>();
            if (item.Find(ActionKey)?.Value is { } action)
            {
                actions.Add(action);
            }

            if (item.Find(GradesKey)?.Value is YSequence grades)
            {
                actions.AddRange(grades.Items.OfType<YMapping>().Select(g => g.Find(ActionKey)?.Value).OfType<YNode>());
            }

            foreach (var repair in actions.OfType<YScalar>().Where(a => a.Text == "repair"))
            {
                diagnostics.Add(repair.Location, "action 'repair' needs spec.repair, the transforms that purify the input", "add e.g. spec.repair: [{ type: bitDepth, bits: 1 }]");
            }
        }
    }

    private static void MeanMatchesStd(YNode value, string path, PolicyDiagnostics diagnostics)
    {
        var image = (YMapping)value;
        var mean = image.Find("mean")?.Value as YSequence;
        var std = image.Find("std")?.Value as YSequence;
        if ((mean is null) != (std is null) || (mean is not null && std is not null && mean.Items.Count != std.Items.Count))
        {
            diagnostics.Add(value.Location, $"{path}: mean and std go together, one value per channel each", "give both, with the same number of values");
        }
    }

    private static void AnyModelStandsAlone(YNode value, string path, PolicyDiagnostics diagnostics)
    {
        var items = ((YSequence)value).Items;
        if (items.Count > 1 && items.FirstOrDefault(i => i is YScalar { Text: AnyModel }) is { } star)
        {
            diagnostics.Add(star.Location, $"'{AnyModel}' in {path} must stand alone", "a default policy lists only \"*\"; give named models their own policy");
        }
    }

    private static void RangeIsOrdered(YNode value, string path, PolicyDiagnostics diagnostics)
    {
        var items = ((YSequence)value).Items;
        if (items is [YScalar low, YScalar high] && low.TryGetNumber(out var min) && high.TryGetNumber(out var max))
        {
            if (!double.IsFinite(min) || !double.IsFinite(max))
            {
                diagnostics.Add(value.Location, $"{path} must have finite bounds");
            }
            else if (min > max)
            {
                diagnostics.Add(value.Location, $"{path} is empty: minimum {low.Text} is greater than maximum {high.Text}", $"write [{high.Text}, {low.Text}]");
            }
        }
    }
}
