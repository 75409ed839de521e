using System.Security.Cryptography;

namespace NeuralSec.Policy.Validation;

/// <summary>One policy file as read: the path used in messages and its exact bytes (the revision hashes these).</summary>
public sealed record PolicySource(string Path, byte[] Content)
{
    /// <summary>First 12 hex digits of the SHA-256 of the bytes: short enough for alerts, unique enough to tell
    /// revisions apart.</summary>
    public string Revision => Convert.ToHexStringLower(SHA256.HashData(Content))[..12];

    public static PolicySource FromFile(string path) => new(path, File.ReadAllBytes(path));
}
