namespace NeuralSec.Policy.Validation;

/// <summary>How a value is named in messages: paths under <c>spec</c> drop the prefix (<c>detect[0]</c>, as
/// operators think of it), the rest keep theirs (<c>metadata.name</c>).</summary>
public static class PolicyPaths
{
    public static string Display(string path) => path switch
    {
        "" => "the policy",
        _ when path.StartsWith("spec.", StringComparison.Ordinal) => path["spec.".Length..],
        _ => path,
    };

    public static string Child(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    public static string Item(string path, int index) => $"{path}[{index}]";
}
