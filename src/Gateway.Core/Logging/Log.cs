using Microsoft.Extensions.Logging;

namespace NeuralSec.Gateway.Logging;

/// <summary>The gateway's log events, source-generated (no boxing or formatting when the level is off).</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Error, "Pipeline stage {Stage} failed")]
    public static partial void StageFailed(ILogger logger, Exception exception, string stage);

    [LoggerMessage(1002, LogLevel.Information, "Request refused at stage {Stage}: {Reason} ({Detail})")]
    public static partial void RequestRejected(ILogger logger, string stage, string reason, string detail);

    [LoggerMessage(1003, LogLevel.Error, "Backend fault ({Error}): {Detail}")]
    public static partial void BackendFault(ILogger logger, Exception exception, string error, string detail);

    [LoggerMessage(1004, LogLevel.Error, "Defense {Defense} failed in stage {Stage}; the policy's onError rule applies")]
    public static partial void DefenseFailed(ILogger logger, Exception exception, string stage, string defense);

    [LoggerMessage(1005, LogLevel.Warning, "Malformed {Protocol} request refused ({Reason}: {Detail}); {Suppressed} more since the last such line")]
    public static partial void MalformedRequest(ILogger logger, string protocol, string reason, string detail, long suppressed);

    [LoggerMessage(1006, LogLevel.Warning, "Defenses of policy {Policy}@{Revision} could not be built ahead of its requests; they will be retried per request under its onError rule")]
    public static partial void DefensePrebuildFailed(ILogger logger, Exception exception, string policy, string revision);

    [LoggerMessage(1007, LogLevel.Error, "Policy revision change could not be applied to the defenses or client state; requests still build what they need")]
    public static partial void PolicyChangeFailed(ILogger logger, Exception exception);

    [LoggerMessage(2001, LogLevel.Information, "ONNX Runtime execution provider: {Provider}")]
    public static partial void ExecutionProviderChosen(ILogger logger, string provider);

    [LoggerMessage(2002, LogLevel.Warning, "CUDA execution provider unavailable, falling back to CPU: {Reason}")]
    public static partial void CudaUnavailable(ILogger logger, string reason);

    [LoggerMessage(2003, LogLevel.Information, "Loaded model {Model} version {Version} from {Path}: inputs {Inputs}, outputs {Outputs}")]
    public static partial void ModelLoaded(ILogger logger, string model, string version, string path, string inputs, string outputs);

    [LoggerMessage(2006, LogLevel.Critical, "Stopping: {Reason}")]
    public static partial void StartupFailed(ILogger logger, string reason);

    [LoggerMessage(2004, LogLevel.Error, "Failed to load model {Model} from {Path}: {Reason}")]
    public static partial void ModelLoadFailed(ILogger logger, string model, string path, string reason);

    [LoggerMessage(2005, LogLevel.Warning, "Model repository {Path} holds no loadable model")]
    public static partial void EmptyRepository(ILogger logger, string path);

    [LoggerMessage(2007, LogLevel.Information, "Model {Model} version {Version}: dynamic batching up to {MaxBatchSize} rows per execution, queue delay at most {MaxQueueDelayMicroseconds} µs, at most {QueueCapacity} requests queued")]
    public static partial void DynamicBatchingOn(ILogger logger, string model, string version, int maxBatchSize, int maxQueueDelayMicroseconds, int queueCapacity);

    [LoggerMessage(2008, LogLevel.Error, "Dynamic batching of model {Model} version {Version} failed on a batch of {Requests} requests; they are answered INTERNAL and batching goes on")]
    public static partial void DynamicBatchFault(ILogger logger, Exception exception, string model, string version, int requests);

    [LoggerMessage(2009, LogLevel.Warning, "Dynamic batching of model {Model} version {Version}: a batch of {Requests} requests failed ({Detail}); each runs alone, so only a request that fails by itself is answered with the error")]
    public static partial void DynamicBatchIsolated(ILogger logger, string model, string version, int requests, string detail);

    [LoggerMessage(3001, LogLevel.Information, "Readiness changed: {Ready}")]
    public static partial void ReadinessChanged(ILogger logger, bool ready);

    [LoggerMessage(3002, LogLevel.Information, "NeuralSec {Version} listening: gRPC {Grpc}, HTTP {Http}, metrics {Metrics}; backend {Backend}")]
    public static partial void Listening(ILogger logger, string version, string grpc, string http, string metrics, string backend);
}
