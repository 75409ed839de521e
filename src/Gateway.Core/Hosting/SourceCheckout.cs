using System.Reflection;

namespace NeuralSec.Gateway.Hosting;

/// <summary>
/// Where the sidecar runs from its own build output (<c>dotnet run --project src/Gateway</c>), the policy folder it
/// watches by default is the repository's <c>policies/</c>, the one people edit — not the copy the build put beside
/// the binary, which no edit reaches. A published sidecar (an image, <c>dotnet publish -o</c>) is not under the
/// project's <c>bin/</c> and keeps the folder beside it. The build records both paths (NeuralSec.Gateway.csproj).
/// </summary>
internal static class SourceCheckout
{
    public static string? PolicyDirectory(string contentRoot)
    {
        var metadata = typeof(SourceCheckout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToList();
        var output = metadata.FirstOrDefault(m => m.Key == "NeuralSec.BuildOutputRoot")?.Value;
        var policies = metadata.FirstOrDefault(m => m.Key == "NeuralSec.SourcePolicyDirectory")?.Value;
        if (output is null || policies is null || !Directory.Exists(policies))
        {
            return null;
        }

        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(output)) + Path.DirectorySeparatorChar;
        return Path.GetFullPath(contentRoot).StartsWith(root, StringComparison.Ordinal) ? Path.GetFullPath(policies) : null;
    }
}
