namespace NeuralSec.Gateway.Backends.Upstream;

/// <summary>A classified upstream failure: what the caller is told (<see cref="Error"/>, <see cref="Message"/>)
/// and the <see cref="Reason"/> label of <c>neuralsec_upstream_errors_total</c>.</summary>
internal readonly record struct UpstreamFailure(BackendError Error, string Message, string Reason)
{
    public BackendException ToException(Exception inner) => new(Error, Message, inner);
}
