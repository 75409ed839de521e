namespace NeuralSec.Gateway.ClientState;

/// <summary>The shared state store could not answer in time (its backing service is down or unreachable). The
/// stage that asked applies the policy's fail-open/fail-closed rule; the store reports the outage itself.</summary>
internal sealed class ClientStateUnavailableException : Exception
{
    public ClientStateUnavailableException()
    {
    }

    public ClientStateUnavailableException(string message)
        : base(message)
    {
    }

    public ClientStateUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
