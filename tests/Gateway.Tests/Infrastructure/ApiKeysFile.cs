using NeuralSec.Gateway.Identity;

namespace NeuralSec.Gateway.Tests.Infrastructure;

/// <summary>A temporary API-keys file (<c>NeuralSec:Identity:ApiKeysFile</c>): one <c>client:tier:sha256(key)</c> line
/// per account, written before the sidecar starts and deleted with the test.</summary>
internal sealed class ApiKeysFile : IDisposable
{
    public string Path { get; } = System.IO.Path.GetTempFileName();

    /// <param name="accounts">Each account's client id, tier (empty for none) and the key its client sends.</param>
    public Task WriteAsync(params IEnumerable<(string Client, string Tier, string Key)> accounts) =>
        File.WriteAllLinesAsync(Path, accounts.Select(a => $"{a.Client}:{a.Tier}:{ApiKeyStore.Hash(a.Key)}"));

    public void Dispose() => File.Delete(Path);
}
