namespace NeuralSec.Gateway.Hosting;

/// <summary>Endpoint metadata on the Prometheus scrape, so <see cref="PortRole.Enforce"/> recognises it by what
/// routing chose and not only by how the path is spelled.</summary>
internal sealed class MetricsEndpoint;
