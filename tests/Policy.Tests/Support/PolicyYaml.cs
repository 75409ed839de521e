using System.Text;
using NeuralSec.Detectors.Catalog;
using NeuralSec.Policy.Validation;

namespace NeuralSec.Policy.Tests;

/// <summary>Validates policy text as if it were a file named <c>test.yaml</c>.</summary>
internal static class PolicyYaml
{
    public const string File = "test.yaml";

    /// <summary>A valid policy to build variants from (6 lines; the next key goes on line 7).</summary>
    public const string Minimal = """
        apiVersion: neuralsec.io/v1
        kind: FirewallPolicy
        metadata:
          name: mnist-default
        spec:
          models: [mnist]

        """;

    public static PolicyFileResult Validate(string yaml, IReadOnlyCollection<DefenseDefinition>? catalog = null, string path = File) =>
        new PolicyValidator(catalog ?? TestCatalog.All).ValidateFile(Source(yaml, path));

    public static PolicySource Source(string yaml, string path = File) => new(path, Encoding.UTF8.GetBytes(yaml));

    /// <summary>The errors as printed, for exact assertions.</summary>
    public static string[] Errors(string yaml, IReadOnlyCollection<DefenseDefinition>? catalog = null) =>
        Validate(yaml, catalog).Errors.Select(e => e.ToString()).ToArray();
}
