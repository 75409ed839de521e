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

        if (!ListenAddress.TryParse(server.ListenAddress, out _))
        {
            errors.Add($"NeuralSec:Server:ListenAddress: '{server.ListenAddress}' is not an IP address, 'localhost' or '*'.");
        }

        if (server.MetricsListenAddress is not null && !ListenAddress.TryParse(server.MetricsListenAddress, out _))
        {
            errors.Add($"NeuralSec:Server:MetricsListenAddress: '{server.MetricsListenAddress}' is not an IP address, 'localhost' or '*'.");
        }

        var ports = new[] { server.HttpPort, server.GrpcPort, server.MetricsPort }.Where(p => p != 0).ToArray();
        if (ports.Distinct().Count() != ports.Length)
        {
            errors.Add("NeuralSec:Server: HttpPort, GrpcPort and MetricsPort must differ.");
        }

        var identity = options.Identity;
        if (identity.ClientCaPath is not null && !File.Exists(identity.ClientCaPath))
        {
            errors.Add($"NeuralSec:Identity:ClientCaPath: file '{identity.ClientCaPath}' does not exist.");
        }

        if (identity.ClientCaPath is not null && server.TlsCertificatePath is null)
        {
            errors.Add("NeuralSec:Identity:ClientCaPath needs TLS: set NeuralSec:Server:TlsCertificatePath and TlsKeyPath.");
        }

        if (identity.ApiKeysFile is not null && !File.Exists(identity.ApiKeysFile))
        {
            errors.Add($"NeuralSec:Identity:ApiKeysFile: file '{identity.ApiKeysFile}' does not exist.");
        }

        if (options.Limits.MaxQueueWait <= TimeSpan.Zero || options.Limits.MaxQueueWait > TimeSpan.FromMinutes(1))
        {
            errors.Add($"NeuralSec:Limits:MaxQueueWait: {options.Limits.MaxQueueWait} must be more than zero and at most 00:01:00.");
        }

        // DataAnnotations on every nested section, so one run reports every error.
        foreach (var (section, value) in new (string, object)[]
                 {
                     ("Server", server), ("OnnxRuntime", options.OnnxRuntime), ("Upstream", options.Upstream),
                     ("Limits", options.Limits), ("Identity", identity), ("Identity:FailedAuth", identity.FailedAuth),
                     ("ClientState", options.ClientState), ("Redis", options.Redis), ("Tracing", options.Tracing),
                 })
        {
            var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
            System.ComponentModel.DataAnnotations.Validator.TryValidateObject(value, new System.ComponentModel.DataAnnotations.ValidationContext(value), results, validateAllProperties: true);
            errors.AddRange(results.Select(r => $"NeuralSec:{section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        }

        ClientState.Redis.RedisOptionsRules.Validate(options.Redis, errors);

        if (options.Tracing.Enabled)
        {
            if (!Uri.TryCreate(options.Tracing.OtlpEndpoint, UriKind.Absolute, out var collector) || (collector.Scheme != "http" && collector.Scheme != "https"))
            {
                errors.Add($"NeuralSec:Tracing:OtlpEndpoint: '{options.Tracing.OtlpEndpoint}' is not an http:// or https:// address.");
            }

            if (options.Tracing.ExportInterval <= TimeSpan.Zero || options.Tracing.ExportInterval > TimeSpan.FromMinutes(5))
            {
                errors.Add($"NeuralSec:Tracing:ExportInterval: {options.Tracing.ExportInterval} must be more than zero and at most 00:05:00.");
            }
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
