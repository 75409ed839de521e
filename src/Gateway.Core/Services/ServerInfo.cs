using System.Reflection;

namespace NeuralSec.Gateway.Services;

/// <summary>What ServerMetadata reports.</summary>
internal static class ServerInfo
{
    public static readonly string Version =
        typeof(ServerInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>Protocol extensions in the Triton sense that the sidecar implements itself, whatever its backend.
    /// Model configuration and statistics are left out: behind an upstream server they are that server's to offer
    /// (a KServe server answers them UNIMPLEMENTED).</summary>
    public static readonly IReadOnlyList<string> Extensions = ["binary_tensor_data"];
}
