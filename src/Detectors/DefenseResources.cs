using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors;

/// <summary>What some defenses need from the host at build time. The gateway resolves file references (relative to the policy
/// file or the model repository) — this library never touches the file system on its own.</summary>
public sealed class DefenseResources
{
    public static DefenseResources None { get; } = new();

    /// <summary>Loads an image set named by a file-reference option (STRIP's clean overlay pool). The batch's geometry and
    /// scaling must be those of the protected model's input.</summary>
    public Func<string, ImageBatch>? LoadImages { get; init; }

    /// <summary>The per-deployment secret a <c>nearDuplicate</c> detector derives its salt and hash key from when the policy
    /// gives no <c>salt</c>. Every replica of a deployment must pass the same bytes, so their fingerprints agree.</summary>
    public ReadOnlyMemory<byte> DeploymentSecret { get; init; }
}
