namespace NeuralSec.RedTeam.Live;

/// <summary>Every attack <c>attack</c> runs, by name, in report order; <c>--attacks</c> picks among them. All but
/// <see cref="Poisoning"/> go through the sidecar's API; poisoning happens before serving and runs offline, with the
/// lab.</summary>
internal static class AttackCatalog
{
    public const string Poisoning = "poisoning";

    public static IReadOnlyList<string> Names { get; } =
        ["fgsm", "pgd", "pgd-targeted", "cw-l2", "simba", "square", "boundary", "hopskipjump", "patch", "eot", "adaptive", "jbda", "knockoff", Poisoning];

    /// <summary>The attacks that go through the API, in report order.</summary>
    public static IEnumerable<string> Live(IEnumerable<string> names) => names.Where(n => n != Poisoning);

    public static LiveAttack Create(string name) => name switch
    {
        "fgsm" or "pgd" or "pgd-targeted" or "cw-l2" => new TransferAttack(name),
        "simba" or "square" or "boundary" or "hopskipjump" => new QueryAttack(name),
        "patch" => new PatchAttack(),
        "eot" => new EotAttack(),
        "adaptive" => new AdaptiveAttack(),
        "jbda" or "knockoff" => new ExtractionAttack(name),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown attack"),
    };
}
