using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// The simulation's API-key identities, written to the sidecar's keys file as <c>client::sha256hex</c> lines (the format
/// of the gateway's ApiKeyStore: client id, client group (often empty), SHA-256 of the key in lower-case hex). Keys derive from the
/// run's seed, so a rerun is identical; every benign client and every attack run gets accounts of its own.
/// </summary>
internal sealed class Accounts
{
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _groups = new(StringComparer.Ordinal);
    private readonly int _seed;

    public Accounts(int seed)
    {
        _seed = seed;
    }

    public IReadOnlyCollection<string> Names => _keys.Keys;

    /// <summary>Adds (or returns) the account <paramref name="name"/>, in client group <paramref name="group"/> when
    /// given (the group selects the policy: <c>spec.clientGroups</c>).</summary>
    public string Add(string name, string? group = null)
    {
        if (group is not null)
        {
            _groups[name] = group;
        }

        if (!_keys.ContainsKey(name))
        {
            _keys[name] = string.Create(CultureInfo.InvariantCulture, $"sim-{_seed}-{name}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{_seed}/{name}")))[..16]}");
        }

        return name;
    }

    public string KeyOf(string account) => _keys.TryGetValue(account, out var key) ? key : throw new InvalidOperationException($"no account '{account}'");

    public void WriteKeysFile(string path) => File.WriteAllLines(path, _keys.Select(k =>
        $"{k.Key}:{_groups.GetValueOrDefault(k.Key)}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(k.Value)))}"));
}
