namespace NeuralSec.RedTeam.Live;

/// <summary>Every attack <c>attack</c> runs, by name, in report order; <c>--attacks</c> picks among them.</summary>
internal static class AttackCatalog
{
    public static IReadOnlyList<string> Names { get; } =
        ["fgsm", "pgd", "pgd-targeted", "cw-l2", "simba", "square", "boundary", "patch", "eot", "adaptive", "jbda", "knockoff"];

    public static LiveAttack Create(string name) => name switch
    {
        "fgsm" or "pgd" or "pgd-targeted" or "cw-l2" => new TransferAttack(name),
        "simba" or "square" or "boundary" => new QueryAttack(name),
        "patch" => new PatchAttack(),
        "eot" => new EotAttack(),
        "adaptive" => new AdaptiveAttack(),
        "jbda" or "knockoff" => new ExtractionAttack(name),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown attack"),
    };
}
