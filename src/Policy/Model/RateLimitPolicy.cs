namespace NeuralSec.Policy.Model;

/// <summary><c>spec.rateLimit.perClient</c>: a token bucket per client id.</summary>
public sealed record RateLimitPolicy(double TokensPerSecond, int Burst);
