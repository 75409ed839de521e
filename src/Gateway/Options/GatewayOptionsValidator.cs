using Microsoft.Extensions.Options;

namespace NeuralSec.Gateway.Options;

/// <summary>Rules that span fields, reported together with the DataAnnotations errors at start-up.</summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new List<string>();
        var server = options.Server;
        if ((server.TlsCertificatePath is null) != (server.TlsKeyPath is null))
        {
            errors.Add("NeuralSec:Server: TlsCertificatePath and TlsKeyPath must be set together.");
        }

        if (server.TlsCertificatePath is not null && !File.Exists(server.TlsCertificatePath))
        {
            errors.Add($"NeuralSec:Server:TlsCertificatePath: file '{server.TlsCertificatePath}' does not exist.");
        }

        if (server.TlsKeyPath is not null && !File.Exists(server.TlsKeyPath))
        {
            errors.Add($"NeuralSec:Server:TlsKeyPath: file '{server.TlsKeyPath}' does not exist.");
        }

        var ports = new[] { server.HttpPort, server.GrpcPort, server.MetricsPort }.Where(p => p != 0).ToArray();
        if (ports.Distinct().Count() != ports.Length)
        {
            errors.Add("NeuralSec:Server: HttpPort, GrpcPort and MetricsPort must differ.");
        }

        if (options.Backend == BackendKind.Upstream)
        {
            var upstream = options.Upstream;
            if (!Uri.TryCreate(upstream.Address, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            {
                errors.Add($"NeuralSec:Upstream:Address: '{upstream.Address}' is not an http:// or https:// address.");
            }

            if (upstream.AttemptTimeout > upstream.TotalTimeout)
            {
                errors.Add("NeuralSec:Upstream: AttemptTimeout must not exceed TotalTimeout.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
