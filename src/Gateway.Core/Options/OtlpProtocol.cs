namespace NeuralSec.Gateway.Options;

/// <summary>OTLP's two transports.</summary>
internal enum OtlpProtocol
{
    /// <summary>OTLP/gRPC, usually port 4317.</summary>
    Grpc,

    /// <summary>OTLP/HTTP with protobuf bodies, usually port 4318, path <c>/v1/traces</c>.</summary>
    HttpProtobuf,
}
