using System.Text;
using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Detectors.Stream;

/// <summary>Policy <c>type: nearDuplicate</c> (spec.extraction.detectors).</summary>
internal static class NearDuplicateDefinition
{
    public const string Type = "nearDuplicate";

    public static DefenseDefinition Definition { get; } = new(
        Type,
        DefenseStage.Stream,
        "Blacklight near-duplicate query detector, account-oblivious: each query's fingerprint (hashes of salted, quantised pixel windows) is matched against every client's recent queries; the score is the most hashes shared with one earlier query (with matches M, with the M-th best); HIGH is suspicious (query-based black-box attacks send long runs of near-identical images). Published threshold: 25 of 50.",
        [
            new OptionDefinition("quantization", OptionKind.Integer, "q: salted pixel values (0–255) are rounded to a multiple of q.") { Minimum = 1, Maximum = 255, Default = 50L },
            new OptionDefinition("window", OptionKind.Integer, "w: pixels per sliding window over the flattened image (stride 1). 20 (the published CIFAR-10 value) also for MNIST, because windows with no ink are skipped; larger windows miss dense small perturbations (SimBA-DCT).") { Minimum = 1, Maximum = 100_000, Default = 20L },
            new OptionDefinition("fingerprintSize", OptionKind.Integer, "S: window hashes kept per query (the numerically smallest).") { Minimum = 1, Maximum = 1000, Default = 50L },
            new OptionDefinition("salt", OptionKind.String, "Secret the salt array and hash key derive from; left out, the gateway's per-deployment secret is used. Keep it out of version control: an attacker who knows it can craft queries whose fingerprints differ."),
            new OptionDefinition("evidence", OptionKind.Integer, "Earlier matching queries named in an alert.") { Minimum = 0, Maximum = 100, Default = 5L },
            new OptionDefinition("view", OptionKind.Enum, "What is fingerprinted. pixels: the image as sent (Blacklight). aligned: shifted so the ink's centre of mass is at the centre, blurred 3×3 and divided by its brightest value — undoes the 1-pixel shift, noise and brightness an adaptive attacker (OARS) disguises each query with, so its queries match again; a camera re-sending a picture matches too, so use it with matches > 1. upright: as aligned, but resampled so that the ink's principal axis is vertical (turns of up to 60°) and its spread a standard size — also undoes the small rotation and rescaling an attacker who knows the aligned view adds. Assumes ink on a dark background.")
            {
                AllowedValues = ["pixels", "aligned", "upright"],
                Default = "pixels",
            },
            new OptionDefinition("matches", OptionKind.Integer, "M: the score is the hashes shared with the M-th best earlier query, so M near-duplicates must be on record before a query flags. 1: Blacklight (one match). A camera client re-sends a picture two or three times, an attack hundreds.") { Minimum = 1, Maximum = NearDuplicateOptions.MaxMatches, Default = 1L },
        ])
    {
        AtlasTechniqueId = "AML.T0043",
        Build = Create,
    };

    public static NearDuplicateDetector Create(Options.DefenseOptionReader reader, DefenseResources resources)
    {
        var options = new NearDuplicateOptions(
            (int)reader.Integer("quantization"),
            (int)reader.Integer("window"),
            (int)reader.Integer("fingerprintSize"),
            reader.String("salt"),
            (int)reader.Integer("evidence"),
            ViewOf(reader.String("view")),
            (int)reader.Integer("matches"));
        if (options.Salt is null && resources.DeploymentSecret.IsEmpty)
        {
            reader.Error("option 'salt' is left out and the host provides no per-deployment secret (DefenseResources.DeploymentSecret)");
        }

        reader.ThrowIfInvalid();
        return NearDuplicateDetector.Create(options, resources.DeploymentSecret.Span);
    }

    private static FingerprintViewSteps ViewOf(string? view) => view switch
    {
        "aligned" => FingerprintViewSteps.Aligned,
        "upright" => FingerprintViewSteps.UprightView,
        _ => FingerprintViewSteps.None,
    };

    internal static byte[] SecretOf(NearDuplicateOptions options, ReadOnlySpan<byte> secret) =>
        options.Salt is { } salt ? Encoding.UTF8.GetBytes(salt) : secret.ToArray();
}
