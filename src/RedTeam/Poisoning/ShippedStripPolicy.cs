using NeuralSec.Data;
using NeuralSec.Policy.Validation;

namespace NeuralSec.RedTeam.Poisoning;

/// <summary>
/// The <c>strip</c> entry of the shipped example policy for the backdoored twin (<c>policies/examples/mnist-backdoor.yaml</c>),
/// read with the sidecar's own validator: its threshold was written by <c>neuralsec calibrate</c>, so the flags at it are what
/// the sidecar as shipped would do.
/// </summary>
internal static class ShippedStripPolicy
{
    public const string RelativePath = "policies/examples/mnist-backdoor.yaml";

    /// <summary>The policy's STRIP threshold, or null outside a checkout or when the policy has none.</summary>
    public static double? Threshold()
    {
        var root = RepositoryPaths.TryRoot();
        var file = root is null ? null : Path.Combine(root, RelativePath);
        if (file is null || !File.Exists(file))
        {
            return null;
        }

        var result = new PolicyValidator(modelRepository: RepositoryPaths.ModelRepository()).ValidateFile(PolicySource.FromFile(file));
        if (result.Policy is not { } policy)
        {
            throw new RedTeamException($"{file} is not a valid policy: {(result.Errors.Count > 0 ? result.Errors[0].ToString() : "no policy")}");
        }

        return policy.Detect.FirstOrDefault(d => d.Type == "strip")?.Threshold;
    }
}
