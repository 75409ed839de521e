using System.Reflection;

namespace NeuralSec.Gateway.Alerts.Formats;

/// <summary>Who reports the finding: OCSF <c>metadata.product</c> and the CEF header's vendor/product/version.</summary>
internal sealed record AlertProduct(string Name, string Vendor, string Version)
{
    public static AlertProduct Create(string? version) => new("NeuralSec", "NeuralSec", version ?? AssemblyVersion());

    private static string AssemblyVersion()
    {
        var informational = typeof(AlertProduct).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

        // The SDK appends "+<commit>" to the informational version; the SOC wants the release, the commit is noise.
        return informational?.Split('+')[0] ?? "0.0.0";
    }
}
