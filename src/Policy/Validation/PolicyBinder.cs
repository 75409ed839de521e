using System.Collections.Frozen;
using NeuralSec.Detectors.Catalog;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Policy.Descriptors;
using NeuralSec.Policy.Model;
using NeuralSec.Policy.Yaml;

namespace NeuralSec.Policy.Validation;

/// <summary>
/// Turns a document that passed <see cref="PolicyWalker"/> into the immutable records. Runs only on error-free
/// documents, so it may assume every value has its descriptor's shape; defaults are the records' own.
/// </summary>
internal static class PolicyBinder
{
    public static PolicyFileResult Bind(PolicySource source, YMapping root, IReadOnlyDictionary<string, DefenseDefinition> defenses)
    {
        var metadata = (YMapping)root.Find("metadata")!.Value;
        var spec = (YMapping)root.Find("spec")!.Value;
        var nameNode = (YScalar)metadata.Find("name")!.Value;
        var models = (YSequence)spec.Find("models")!.Value;

        var policy = new FirewallPolicy
        {
            Name = nameNode.Text,
            Revision = source.Revision,
            Source = source.Path,
            Labels = StringMap(metadata.Find("labels")?.Value),
            Annotations = StringMap(metadata.Find("annotations")?.Value),
            Models = Strings(models),
            ClientGroups = spec.Find("clientGroups")?.Value is YSequence groups ? Strings(groups) : [],
            Mode = Text(spec, "mode") == "monitor" ? PolicyMode.Monitor : PolicyMode.Enforce,
            OnError = Text(spec, "onError") == "fail-open" ? ErrorMode.FailOpen : ErrorMode.FailClosed,
            Identity = Identity(spec.Find("identity")?.Value as YMapping),
            Input = Input(spec.Find("input")?.Value as YMapping),
            RateLimit = RateLimit(spec.Find("rateLimit")?.Value as YMapping),
            Preprocess = Defenses(source, spec.Find("preprocess")?.Value as YSequence, defenses),
            Detect = Defenses(source, spec.Find("detect")?.Value as YSequence, defenses),
            DetectOrder = Text(spec, "detectOrder") == "cheapFirst" ? DetectOrder.CheapFirst : DetectOrder.Concurrent,
            Repair = Defenses(source, spec.Find(PolicyDescriptors.RepairKey)?.Value as YSequence, defenses),
            Extraction = Extraction(source, spec.Find("extraction")?.Value as YMapping, defenses),
            Output = Output(spec.Find("output")?.Value as YMapping),
            Refusals = new RefusalPolicy { Explain = spec.Find("refusals")?.Value is YMapping refusals && (Boolean(refusals, "explain") ?? false) },
        };
        return new PolicyFileResult(source.Path, policy, [])
        {
            NameLocation = nameNode.Location,
            ModelLocations = models.Items.Select(i => i.Location).ToArray(),
        };
    }

    private static IdentityPolicy Identity(YMapping? identity)
    {
        if (identity is null)
        {
            return new IdentityPolicy();
        }

        var result = new IdentityPolicy
        {
            TrustHeader = Boolean(identity, "trustHeader") ?? false,
            KeyUnidentifiedBy = Text(identity, "keyUnidentifiedBy") == "shared" ? UnidentifiedKeying.Shared : UnidentifiedKeying.Address,
        };
        return identity.Find("defaultClient")?.Value is YScalar client
            ? result with { DefaultClient = client.Kind == YScalarKind.Null ? null : client.Text }
            : result;
    }

    private static InputPolicy Input(YMapping? input)
    {
        if (input is null)
        {
            return new InputPolicy();
        }

        var tensors = input.Find("tensors")?.Value is YSequence list
            ? list.Items.Cast<YMapping>().Select(Tensor).ToArray()
            : [];
        return new InputPolicy { Tensors = tensors, MaxBatch = (int?)Integer(input, "maxBatch"), Image = Image(input.Find("image")?.Value as YMapping) };
    }

    private static ImageInputPolicy? Image(YMapping? image)
    {
        if (image is null)
        {
            return null;
        }

        return new ImageInputPolicy(Text(image, "tensor")!)
        {
            Nhwc = Text(image, "layout") == "NHWC",
            Range = image.Find("range")?.Value is YSequence range ? Numbers(range) : [0, 1],
            Mean = image.Find("mean")?.Value is YSequence mean ? Numbers(mean) : [],
            Std = image.Find("std")?.Value is YSequence std ? Numbers(std) : [],
        };

        static double[] Numbers(YSequence list) => list.Items.Cast<YScalar>().Select(i => i.TryGetNumber(out var v) ? v : 0).ToArray();
    }

    private static TensorRule Tensor(YMapping tensor)
    {
        var dataType = TensorDataTypes.TryParse(Text(tensor, "datatype"), out var parsed) ? parsed : null;
        var shape = tensor.Find("shape")?.Value is YSequence dims
            ? dims.Items.Cast<YScalar>().Select(d => d.TryGetInteger(out var v) ? v : -1).ToArray()
            : null;
        var range = tensor.Find("range")?.Value is YSequence { Items: [YScalar low, YScalar high] }
            && low.TryGetNumber(out var min) && high.TryGetNumber(out var max)
            ? new ValueRange(min, max)
            : null;
        return new TensorRule(Text(tensor, "name")!, dataType, shape, range);
    }

    private static RateLimitPolicy? RateLimit(YMapping? rateLimit)
    {
        if (rateLimit?.Find("perClient")?.Value is not YMapping perClient)
        {
            return null;
        }

        return new RateLimitPolicy(Number(perClient, "tokensPerSecond")!.Value, (int)Integer(perClient, "burst")!.Value);
    }

    private static ExtractionPolicy? Extraction(PolicySource source, YMapping? extraction, IReadOnlyDictionary<string, DefenseDefinition> defenses)
    {
        if (extraction is null)
        {
            return null;
        }

        var result = new ExtractionPolicy { Detectors = Defenses(source, extraction.Find("detectors")?.Value as YSequence, defenses) };
        if (Integer(extraction, "window") is { } window)
        {
            result = result with { Window = TimeSpan.FromSeconds(window) };
        }

        if (Integer(extraction, "cooldown") is { } cooldown)
        {
            result = result with { Cooldown = TimeSpan.FromSeconds(cooldown) };
        }

        if (extraction.Find("linkedClients")?.Value is YScalar { Text: var linked } && linked != "none")
        {
            result = result with { LinkedClients = Action(linked) };
        }

        if (extraction.Find("throttle")?.Value is YMapping throttle)
        {
            result = result with { Throttle = new RateLimitPolicy(Number(throttle, "tokensPerSecond")!.Value, (int)Integer(throttle, "burst")!.Value) };
        }

        return result;
    }

    private static OutputPolicy Output(YMapping? output) => output is null
        ? new OutputPolicy()
        : new OutputPolicy
        {
            TopK = (int?)Integer(output, "topK"),
            Decimals = (int?)Integer(output, "decimals"),
            LabelOnly = Boolean(output, "labelOnly") ?? false,
            MisinformBelow = Number(output, "misinformBelow"),
            DegradedAnswer = Text(output, "degradedAnswer") == "disguised" ? DegradedAnswer.Disguised : DegradedAnswer.LabelOnly,
        };

    private static DefenseSpec[] Defenses(PolicySource source, YSequence? list, IReadOnlyDictionary<string, DefenseDefinition> catalog)
    {
        if (list is null)
        {
            return [];
        }

        var result = new DefenseSpec[list.Items.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var entry = (YMapping)list.Items[i];
            var definition = catalog[Text(entry, PolicyDescriptors.TypeKey)!];
            var options = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var option in definition.Options)
            {
                var value = entry.Find(option.Name)?.Value is { } node ? OptionValue(node, option.Kind) : option.Default;
                if (value is not null)
                {
                    options[option.Name] = value;
                }
            }

            result[i] = new DefenseSpec(definition.Type, options.ToFrozenDictionary(StringComparer.Ordinal))
            {
                Threshold = Number(entry, PolicyDescriptors.ThresholdKey),
                Action = Action(Text(entry, PolicyDescriptors.ActionKey)),
                Grades = entry.Find(PolicyDescriptors.GradesKey)?.Value is YSequence grades
                    ? grades.Items.Cast<YMapping>().Select(g => new DefenseGrade(Number(g, PolicyDescriptors.ThresholdKey)!.Value, Action(Text(g, PolicyDescriptors.ActionKey))) { TargetFpr = Number(g, PolicyDescriptors.FprKey) }).ToArray()
                    : [],
                Location = $"{source.Path}:{entry.Location}",
            };
        }

        return result;
    }

    private static DefenseAction Action(string? text) => text switch
    {
        "alert" => DefenseAction.Alert,
        "throttle" => DefenseAction.Throttle,
        "degrade" => DefenseAction.Degrade,
        "repair" => DefenseAction.Repair,
        _ => DefenseAction.Block,
    };

    private static object? OptionValue(YNode node, OptionKind kind) => (kind, node) switch
    {
        (_, YScalar { Kind: YScalarKind.Null }) => null,
        (OptionKind.Integer, YScalar s) when s.TryGetInteger(out var integer) => integer,
        (OptionKind.Number, YScalar s) when s.TryGetNumber(out var number) => number,
        (OptionKind.Boolean, YScalar s) => s.Text is "true" or "True" or "TRUE",
        (OptionKind.String or OptionKind.Enum, YScalar s) => s.Text,
        (OptionKind.StringList, YSequence list) => list.Items.Cast<YScalar>().Select(s => s.Text).ToArray(),
        (OptionKind.NumberList, YSequence list) => list.Items.Cast<YScalar>().Select(s => s.TryGetNumber(out var n) ? n : double.NaN).ToArray(),
        _ => null,
    };

    private static string[] Strings(YSequence list) => list.Items.Cast<YScalar>().Select(s => s.Text).ToArray();

    private static FrozenDictionary<string, string> StringMap(YNode? node) => node is YMapping map
        ? map.Entries.ToFrozenDictionary(e => e.Key.Text, e => ((YScalar)e.Value).Text, StringComparer.Ordinal)
        : FrozenDictionary<string, string>.Empty;

    private static string? Text(YMapping mapping, string key) =>
        mapping.Find(key)?.Value is YScalar { Kind: not YScalarKind.Null } s ? s.Text : null;

    private static long? Integer(YMapping mapping, string key) =>
        mapping.Find(key)?.Value is YScalar s && s.TryGetInteger(out var value) ? value : null;

    private static double? Number(YMapping mapping, string key) =>
        mapping.Find(key)?.Value is YScalar s && s.TryGetNumber(out var value) ? value : null;

    private static bool? Boolean(YMapping mapping, string key) =>
        mapping.Find(key)?.Value is YScalar { Kind: YScalarKind.Boolean } s ? s.Text is "true" or "True" or "TRUE" : null;
}
