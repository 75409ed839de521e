using Microsoft.Extensions.Configuration;
using NeuralSec.Gateway.Hosting;
using NeuralSec.Gateway.Tests.Options;

namespace NeuralSec.Gateway.Tests.ClientState.Redis;

/// <summary><c>NeuralSec:Redis</c> at start-up: off by default (in-memory stores), and every bad value refused
/// together with the others, naming its key and never echoing a password.</summary>
public sealed class RedisOptionsTests
{
    [Fact]
    public void Without_a_configuration_the_stores_stay_in_memory()
    {
        var options = GatewayApplication.BindAndValidate(new ConfigurationBuilder().Build());

        Assert.False(options.Redis.Enabled);
        Assert.Equal("neuralsec:", options.Redis.KeyPrefix);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.Redis.OperationTimeout);
    }

    [Fact]
    public void Bad_values_are_refused_together()
    {
        var errors = GatewayOptionsValidatorTests.Errors(new()
        {
            ["NeuralSec:Redis:Configuration"] = "redis.internal:6379,password=hunter2,notAnOption=1",
            ["NeuralSec:Redis:KeyPrefix"] = "with space",
            ["NeuralSec:Redis:OperationTimeout"] = "00:00:00",
            ["NeuralSec:Redis:NearDuplicateCapacity"] = "0",
            ["NeuralSec:Redis:MaxPostingsPerHash"] = "100000",
            ["NeuralSec:Redis:NearDuplicateRetention"] = "90.00:00:00",
        });

        Assert.Contains(errors, e => e.StartsWith("NeuralSec:Redis:Configuration is not", StringComparison.Ordinal) && e.Contains("notAnOption", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("NeuralSec:Redis:KeyPrefix:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("NeuralSec:Redis:OperationTimeout:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("NeuralSec:Redis:NearDuplicateCapacity:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("NeuralSec:Redis:MaxPostingsPerHash:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("NeuralSec:Redis:NearDuplicateRetention:", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("hunter2", StringComparison.Ordinal));
    }
}
