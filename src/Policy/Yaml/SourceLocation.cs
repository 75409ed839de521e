namespace NeuralSec.Policy.Yaml;

/// <summary>A 1-based line and column in a policy file, as editors and CI annotations count them.</summary>
public readonly record struct SourceLocation(int Line, int Column)
{
    public static SourceLocation Start { get; } = new(1, 1);

    public override string ToString() => $"{Line}:{Column}";
}
