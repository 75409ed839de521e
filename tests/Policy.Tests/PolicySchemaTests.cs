using System.Text.Json;
using NeuralSec.Data;
using NeuralSec.Detectors.Catalog;
using NeuralSec.Policy.Schema;

namespace NeuralSec.Policy.Tests;

public sealed class PolicySchemaTests
{
    public static string CommittedPath => Path.Combine(RepositoryPaths.Root(), "policies", "schema", "firewallpolicy.schema.json");

    [Fact]
    public void CommittedSchema_IsUpToDate()
    {
        // Regenerate with: neuralsec policy schema > policies/schema/firewallpolicy.schema.json
        Assert.Equal(PolicySchemaGenerator.Generate(DefenseCatalog.All), File.ReadAllText(CommittedPath));
    }

    [Fact]
    public void Schema_DescribesDefenseOptions_FromTheCatalog()
    {
        using var schema = JsonDocument.Parse(PolicySchemaGenerator.Generate(TestCatalog.All));
        var spec = schema.RootElement.GetProperty("properties").GetProperty("spec").GetProperty("properties");
        var detectItems = spec.GetProperty("detect").GetProperty("items");

        Assert.Equal(["autoencoder", "squeeze"], detectItems.GetProperty("properties").GetProperty("type").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        var squeeze = detectItems.GetProperty("allOf").EnumerateArray()
            .Single(b => b.GetProperty("if").GetProperty("properties").GetProperty("type").GetProperty("const").GetString() == "squeeze")
            .GetProperty("then");
        Assert.False(squeeze.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["type", "threshold"], squeeze.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["l1", "l2"], squeeze.GetProperty("properties").GetProperty("metric").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        var bits = spec.GetProperty("preprocess").GetProperty("items").GetProperty("allOf")[0].GetProperty("then").GetProperty("properties").GetProperty("bits");
        Assert.Equal("integer", bits.GetProperty("type").GetString());
        Assert.Equal(8, bits.GetProperty("maximum").GetDouble());
    }

    [Fact]
    public void Schema_CarriesTheSpecBounds()
    {
        using var schema = JsonDocument.Parse(PolicySchemaGenerator.Generate(TestCatalog.All));
        var spec = schema.RootElement.GetProperty("properties").GetProperty("spec");
        var maxBatch = spec.GetProperty("properties").GetProperty("input").GetProperty("properties").GetProperty("maxBatch");

        Assert.Equal("http://json-schema.org/draft-07/schema#", schema.RootElement.GetProperty("$schema").GetString());
        Assert.Equal(["models"], spec.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.False(spec.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(1, maxBatch.GetProperty("minimum").GetDouble());
        Assert.Equal(100_000, maxBatch.GetProperty("maximum").GetDouble());
        Assert.Equal(JsonValueKind.Array, spec.GetProperty("properties").GetProperty("identity").GetProperty("properties").GetProperty("defaultClient").GetProperty("type").ValueKind);
    }
}
