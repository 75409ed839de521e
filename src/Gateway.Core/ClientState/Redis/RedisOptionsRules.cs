using StackExchange.Redis;

namespace NeuralSec.Gateway.ClientState.Redis;

/// <summary>The <c>NeuralSec:Redis</c> rules DataAnnotations cannot say, reported with every other start-up error.</summary>
internal static class RedisOptionsRules
{
    public static void Validate(RedisOptions redis, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(errors);
        Within(errors, "OperationTimeout", redis.OperationTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10));
        Within(errors, "ConnectTimeout", redis.ConnectTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1));
        Within(errors, "NearDuplicateRetention", redis.NearDuplicateRetention, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30));
        Within(errors, "MaxIdleExpiry", redis.MaxIdleExpiry, TimeSpan.FromSeconds(1), TimeSpan.FromDays(365));
        if (!redis.Enabled)
        {
            return;
        }

        try
        {
            var parsed = ConfigurationOptions.Parse(redis.Configuration!);
            if (parsed.EndPoints.Count == 0)
            {
                errors.Add("NeuralSec:Redis:Configuration names no endpoint (host:port).");
            }
        }
        catch (ArgumentException ex)
        {
            // The message names the bad keyword, never the password.
            errors.Add($"NeuralSec:Redis:Configuration is not a StackExchange.Redis configuration string: {ex.Message}");
        }
    }

    private static void Within(List<string> errors, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add($"NeuralSec:Redis:{name}: {value} must be at least {min} and at most {max}.");
        }
    }
}
