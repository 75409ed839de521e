namespace NeuralSec.Gateway.Hosting;

/// <summary>Endpoint metadata: the endpoint answers on the gRPC port only (<see cref="PortRole.Enforce"/>). With
/// TLS the HTTP port speaks HTTP/2 too, so a gRPC call could otherwise reach it there.</summary>
internal sealed class GrpcPortOnlyEndpoint;
