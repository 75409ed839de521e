using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Backends;

/// <summary>
/// Triton's repository extensions — model configuration, per-model statistics, the repository index — answered by
/// the backend that knows them. The answers are Triton's protocol messages rather than our own records because the
/// upstream backend passes the model server's answer through unchanged: fields our proto subset does not declare
/// ride along as unknown fields, which a domain type would drop. Faults surface as <see cref="BackendException"/>.
/// </summary>
internal interface IModelRepository
{
    /// <summary>The model's configuration, or <c>null</c> when the model (or the version) is not served.</summary>
    ValueTask<ModelConfigResponse?> GetModelConfigAsync(ModelConfigRequest request, CancellationToken cancellationToken);

    /// <summary>Cumulative statistics (every model when the request names none), or <c>null</c> when a named model
    /// (or version) is not served.</summary>
    ValueTask<ModelStatisticsResponse?> GetModelStatisticsAsync(ModelStatisticsRequest request, CancellationToken cancellationToken);

    ValueTask<RepositoryIndexResponse> GetRepositoryIndexAsync(RepositoryIndexRequest request, CancellationToken cancellationToken);
}
