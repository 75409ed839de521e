using Grpc.Core;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Backends.Upstream;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace NeuralSec.Gateway.Tests.Upstream;

public sealed class UpstreamFailureClassifierTests
{
    [Theory]
    [InlineData(StatusCode.Unavailable, nameof(BackendError.Unavailable), true)]
    [InlineData(StatusCode.ResourceExhausted, nameof(BackendError.Unavailable), true)]
    [InlineData(StatusCode.DeadlineExceeded, nameof(BackendError.DeadlineExceeded), false)]
    [InlineData(StatusCode.NotFound, nameof(BackendError.ModelNotFound), false)]
    [InlineData(StatusCode.InvalidArgument, nameof(BackendError.InvalidInput), false)]
    [InlineData(StatusCode.Internal, nameof(BackendError.Internal), false)]
    [InlineData(StatusCode.Unauthenticated, nameof(BackendError.Internal), false)]
    public void Classifies_RpcStatus(StatusCode status, string expected, bool transient)
    {
        var ex = new RpcException(new Status(status, "detail that must not leak"));

        var failure = UpstreamFailureClassifier.Classify(ex);

        Assert.Equal(Enum.Parse<BackendError>(expected), failure.Error);
        Assert.Equal(transient, UpstreamFailureClassifier.IsTransient(ex));
        Assert.DoesNotContain("leak", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classifies_PollyRejections()
    {
        Assert.Equal(BackendError.Unavailable, UpstreamFailureClassifier.Classify(new BrokenCircuitException()).Error);
        Assert.Equal(BackendError.Unavailable, UpstreamFailureClassifier.Classify(new RateLimiterRejectedException()).Error);
        Assert.Equal(BackendError.DeadlineExceeded, UpstreamFailureClassifier.Classify(new TimeoutRejectedException()).Error);
        Assert.False(UpstreamFailureClassifier.IsTransient(new BrokenCircuitException()));
        Assert.False(UpstreamFailureClassifier.IsTransient(new RateLimiterRejectedException()));
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument)]
    [InlineData(StatusCode.NotFound)]
    [InlineData(StatusCode.PermissionDenied)]
    public void CallersMistakes_DoNotCountAgainstTheServer(StatusCode status) =>
        Assert.False(UpstreamFailureClassifier.IndicatesUnhealthyServer(new RpcException(new Status(status, string.Empty))));

    [Fact]
    public void A_connection_broken_under_the_call_is_the_server_being_unavailable()
    {
        var broken = new RpcException(new Status(StatusCode.Internal, "stream reset", new IOException("The response ended prematurely.")));
        var answered = new RpcException(new Status(StatusCode.Internal, "model crashed"));

        Assert.Equal(BackendError.Unavailable, UpstreamFailureClassifier.Classify(broken).Error);
        Assert.True(UpstreamFailureClassifier.IsTransient(broken));
        Assert.True(UpstreamFailureClassifier.IndicatesServerDown(broken));

        Assert.Equal(BackendError.Internal, UpstreamFailureClassifier.Classify(answered).Error);
        Assert.False(UpstreamFailureClassifier.IsTransient(answered));
        Assert.False(UpstreamFailureClassifier.IndicatesServerDown(answered));
    }
}
