using System.Globalization;
using System.Text;
using NeuralSec.Detectors;
using NeuralSec.Detectors.Catalog;
using NeuralSec.Policy.Descriptors;
using NeuralSec.Policy.Model;
using NeuralSec.Policy.Yaml;

namespace NeuralSec.Policy.Validation;

/// <summary>
/// Validates policy files, alone and as a set, and builds the records of the valid ones. The runtime (reload)
/// and the CLI (<c>neuralsec policy validate</c>) both use this one class, so they print the same messages.
/// </summary>
public sealed class PolicyValidator
{
    /// <summary>Policy files are small; a large one is a mistake (or an attack on the reload loop).</summary>
    public const int MaxFileBytes = 1024 * 1024;

    private readonly IReadOnlyDictionary<string, DefenseDefinition> _defenses;
    private readonly string? _modelRepository;

    /// <param name="defenses">The defense types policies may name; <see cref="DefenseCatalog.All"/> by default
    /// (tests pass their own).</param>
    /// <param name="modelRepository">Second place file references are looked up, after the policy's folder.</param>
    public PolicyValidator(IReadOnlyCollection<DefenseDefinition>? defenses = null, string? modelRepository = null)
    {
        _defenses = (defenses ?? DefenseCatalog.All).ToDictionary(d => d.Type, StringComparer.Ordinal);
        _modelRepository = modelRepository;
    }

    public IReadOnlyCollection<DefenseDefinition> Defenses => _defenses.Values.ToArray();

    public PolicyFileResult ValidateFile(PolicySource source)
    {
        var diagnostics = new PolicyDiagnostics(source.Path);
        if (source.Content.Length > MaxFileBytes)
        {
            diagnostics.Add(SourceLocation.Start, $"the file is {source.Content.Length} bytes; policy files may be at most {MaxFileBytes}");
            return new PolicyFileResult(source.Path, null, diagnostics.Errors);
        }

        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(source.Content);
        }
        catch (DecoderFallbackException)
        {
            diagnostics.Add(SourceLocation.Start, "the file is not valid UTF-8");
            return new PolicyFileResult(source.Path, null, diagnostics.Errors);
        }

        var root = YamlTreeReader.Read(text.TrimStart('\uFEFF'), diagnostics);
        if (root is not null)
        {
            new PolicyWalker(diagnostics, _defenses, new FileReferences(source.Path, _modelRepository)).Walk(root, PolicyDescriptors.Root, string.Empty);
        }

        if (diagnostics.HasErrors || root is not YMapping mapping)
        {
            return new PolicyFileResult(source.Path, null, InFileOrder(diagnostics.Errors));
        }

        var bound = PolicyBinder.Bind(source, mapping, _defenses);
        var crossOption = CrossOptionErrors(source.Path, bound.Policy!);
        return crossOption.Count == 0 ? bound : new PolicyFileResult(source.Path, null, crossOption);
    }

    /// <summary>
    /// Rules that span a defense's options (odd window sizes, lists that must agree in length) are the defense's
    /// own: building it is the check. Without this, such a policy would pass and then fail every request at run
    /// time. Only the real catalog's types are checked this way (tests may validate against a catalog of their own).
    /// </summary>
    private List<PolicyError> CrossOptionErrors(string file, FirewallPolicy policy)
    {
        var errors = new List<PolicyError>();
        foreach (var spec in policy.Preprocess.Concat(policy.Detect))
        {
            var real = DefenseCatalog.Find(spec.Type);
            if (real is null || !ReferenceEquals(real, _defenses.GetValueOrDefault(spec.Type)))
            {
                continue;
            }

            var (line, column) = Position(spec.Location);
            errors.AddRange(DefenseFactory.Validate(spec.Type, spec.Options).Select(message => new PolicyError(file, line, column, message)));
        }

        return errors;
    }

    /// <summary>Line and column of a <c>file:line:column</c> location.</summary>
    private static (int Line, int Column) Position(string location)
    {
        var parts = location.Split(':');
        return parts.Length >= 3
            && int.TryParse(parts[^2], CultureInfo.InvariantCulture, out var line)
            && int.TryParse(parts[^1], CultureInfo.InvariantCulture, out var column)
            ? (line, column)
            : (1, 1);
    }

    /// <summary>Every file, then the rules that span files: unique names, one policy per model and client group,
    /// at most one default. Files are taken in path order so the same set always reports the same errors.</summary>
    public PolicySetResult ValidateSet(IEnumerable<PolicySource> sources)
    {
        var results = sources.OrderBy(s => s.Path, StringComparer.Ordinal).Select(ValidateFile).ToArray();
        var errors = results.SelectMany(r => r.Errors).ToList();
        var valid = results.Where(r => r.Policy is not null).ToArray();
        errors.AddRange(PolicySetRules.Check(valid));
        var ordered = errors.OrderBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line).ThenBy(e => e.Column).ToArray();
        return new PolicySetResult(errors.Count == 0 ? valid.Select(r => r.Policy!).ToArray() : [], ordered);
    }

    /// <summary>Top to bottom, as an editor lists them (the walk finds some late, e.g. missing keys).</summary>
    private static PolicyError[] InFileOrder(IEnumerable<PolicyError> errors) =>
        errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToArray();
}
