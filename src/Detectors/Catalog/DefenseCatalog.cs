using System.Collections.Frozen;

namespace NeuralSec.Detectors.Catalog;

/// <summary>
/// Every defense type a policy may name. A defense is added by adding its folder (definition, options,
/// implementation) and one line here; the policy validator and the JSON Schema follow on their own.
/// </summary>
public static class DefenseCatalog
{
    private static readonly FrozenDictionary<string, DefenseDefinition> ByType =
        Definitions().ToFrozenDictionary(d => d.Type, StringComparer.Ordinal);

    public static IReadOnlyCollection<DefenseDefinition> All => ByType.Values;

    public static DefenseDefinition? Find(string type) => ByType.GetValueOrDefault(type);

    private static IEnumerable<DefenseDefinition> Definitions()
    {
        // Filled in as defenses land (one registration line each).
        yield break;
    }
}
