namespace NeuralSec.Gateway.Tests.Infrastructure;

/// <summary>A temporary policy directory; files are replaced atomically (write + rename), as ops tooling and
/// ConfigMap updates do.</summary>
internal sealed class PolicyFolder : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("neuralsec-policies-");

    public string Path => _dir.FullName;

    public PolicyFolder Write(string name, string yaml)
    {
        var temp = System.IO.Path.Combine(_dir.FullName, "." + name + ".tmp");
        File.WriteAllText(temp, yaml);
        File.Move(temp, System.IO.Path.Combine(_dir.FullName, name), overwrite: true);
        return this;
    }

    /// <summary>A complete FirewallPolicy document around a <c>spec</c> body (indented by the caller).</summary>
    public static string Policy(string name, string spec) => $"""
        apiVersion: neuralsec.io/v1
        kind: FirewallPolicy
        metadata:
          name: {name}
        spec:
        {spec}
        """;

    public void Dispose() => _dir.Delete(recursive: true);
}
