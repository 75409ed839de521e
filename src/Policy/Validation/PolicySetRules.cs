using NeuralSec.Policy.Descriptors;

namespace NeuralSec.Policy.Validation;

/// <summary>Rules across the files of one directory. Each conflict is reported on the later file (in path order),
/// pointing at the earlier one, so the operator sees both places.</summary>
internal static class PolicySetRules
{
    public static IEnumerable<PolicyError> Check(IReadOnlyList<PolicyFileResult> files)
    {
        var names = new Dictionary<string, PolicyFileResult>(StringComparer.Ordinal);
        var claims = new Dictionary<(string Model, string? Group), (PolicyFileResult File, int Index)>();
        PolicyFileResult? defaultPolicy = null;

        foreach (var file in files)
        {
            var policy = file.Policy!;
            if (names.TryGetValue(policy.Name, out var other))
            {
                yield return Error(file, file.NameLocation.Line, file.NameLocation.Column, $"policy name '{policy.Name}' is already used by {Where(other, other.NameLocation)}", "metadata.name must be unique across the policy directory");
            }
            else
            {
                names.Add(policy.Name, file);
            }

            for (var i = 0; i < policy.Models.Count; i++)
            {
                var model = policy.Models[i];
                var at = file.ModelLocations[i];
                if (model == PolicyDescriptors.AnyModel)
                {
                    if (defaultPolicy is not null)
                    {
                        yield return Error(file, at.Line, at.Column, $"more than one default policy: '{defaultPolicy.Policy!.Name}' ({defaultPolicy.Path}) already lists \"*\"", "keep one default policy; name the models this one is for");
                    }
                    else
                    {
                        defaultPolicy = file;
                    }

                    continue;
                }

                var groups = policy.ClientGroups.Count == 0 ? new string?[] { null } : policy.ClientGroups.ToArray<string?>();
                foreach (var group in groups)
                {
                    if (claims.TryGetValue((model, group), out var claim))
                    {
                        var whom = group is null ? "every client" : $"client group '{group}'";
                        yield return Error(file, at.Line, at.Column, $"model '{model}' for {whom} is already governed by policy '{claim.File.Policy!.Name}' ({Where(claim.File, claim.File.ModelLocations[claim.Index])})", "one policy per model and client group");
                    }
                    else
                    {
                        claims.Add((model, group), (file, i));
                    }
                }
            }
        }
    }

    private static string Where(PolicyFileResult file, Yaml.SourceLocation at) => $"{file.Path}:{at.Line}:{at.Column}";

    private static PolicyError Error(PolicyFileResult file, int line, int column, string message, string hint) =>
        new(file.Path, line, column, message, hint);
}
