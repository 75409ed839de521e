namespace NeuralSec.Gateway.ClientState;

/// <summary>A token bucket's shape: <see cref="TokensPerSecond"/> refill, <see cref="Burst"/> tokens at most.</summary>
internal readonly record struct TokenBucket(double TokensPerSecond, int Burst)
{
    /// <summary>Tokens after <paramref name="elapsed"/> of refill from <paramref name="tokens"/>.</summary>
    public double Refill(double tokens, TimeSpan elapsed) => Math.Min(Burst, tokens + (elapsed.TotalSeconds * TokensPerSecond));

    /// <summary>How long until one token is there, from <paramref name="tokens"/> (&lt; 1).</summary>
    public TimeSpan UntilOneToken(double tokens) => TimeSpan.FromSeconds((1 - tokens) / TokensPerSecond);
}
