namespace NeuralSec.Gateway.Policy.Model;

/// <summary><c>spec.rateLimit.perClient</c>: a token bucket per client id.</summary>
internal sealed record RateLimitPolicy(double TokensPerSecond, int Burst);
