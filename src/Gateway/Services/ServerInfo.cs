using System.Reflection;

namespace NeuralSec.Gateway.Services;

/// <summary>What ServerMetadata reports.</summary>
internal static class ServerInfo
{
    public static readonly string Version =
        typeof(ServerInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>Protocol extensions in the Triton sense. NeuralSec speaks the core protocol only.</summary>
    public static readonly IReadOnlyList<string> Extensions = [];
}
