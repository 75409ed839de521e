using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NeuralSec.Gateway.Backends.OnnxRuntime;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Protocol.Inference;
using Microsoft.Extensions.DependencyInjection;

namespace NeuralSec.Gateway.Tests.Triton;

/// <summary>Triton's REST repository extensions (config, stats, index) through a real HttpClient.</summary>
public sealed class TritonRestTests(PassThroughFixture fixture) : IClassFixture<PassThroughFixture>
{
    private HttpClient Http => fixture.Server.Http;

    [Theory]
    [InlineData("/v2/models/mnist/config")]
    [InlineData("/v2/models/mnist/versions/1/config")]
    public async Task Config_is_Tritons_JSON(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("x-neuralsec-request-id"));
        var config = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("mnist", config.GetProperty("name").GetString());
        Assert.Equal("onnxruntime_onnx", config.GetProperty("platform").GetString());
        Assert.Equal(64, config.GetProperty("max_batch_size").GetInt32());
        var input = config.GetProperty("input")[0];
        Assert.Equal("TYPE_FP32", input.GetProperty("data_type").GetString());
        Assert.Equal("[1,28,28]", input.GetProperty("dims").GetRawText());
        Assert.Equal("[10]", config.GetProperty("output")[0].GetProperty("dims").GetRawText());
    }

    [Theory]
    [InlineData("/v2/models/nope/config")]
    [InlineData("/v2/models/mnist/versions/9/config")]
    [InlineData("/v2/models/nope/stats")]
    [InlineData("/v2/models/mnist/versions/9/stats")]
    public async Task Unknown_models_are_404_with_the_reason(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model_not_found", response.Headers.GetValues("x-neuralsec-reason").Single());
        Assert.False(string.IsNullOrEmpty((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Stats_are_Tritons_JSON_and_count_REST_inferences_too()
    {
        var before = await Stats("/v2/models/mnist/stats");
        var body = new { inputs = new[] { new { name = "input", shape = new[] { 1, 1, 28, 28 }, datatype = "FP32", data = TestDigits.Image(4) } } };
        using (var infer = await Http.PostAsJsonAsync(new Uri("/v2/models/mnist/infer", UriKind.Relative), body))
        {
            Assert.Equal(HttpStatusCode.OK, infer.StatusCode);
        }

        var after = await Stats("/v2/models/mnist/versions/1/stats");
        Assert.Equal("mnist", after.GetProperty("name").GetString());
        Assert.Equal("1", after.GetProperty("version").GetString());
        Assert.Equal(Count(before, "execution_count") + 1, Count(after, "execution_count"));
        Assert.Equal(Count(before, "inference_count") + 1, Count(after, "inference_count"));
        var success = after.GetProperty("inference_stats").GetProperty("success");
        Assert.Equal(before.GetProperty("inference_stats").GetProperty("success").GetProperty("count").GetUInt64() + 1, success.GetProperty("count").GetUInt64());
        Assert.Equal(JsonValueKind.Number, success.GetProperty("ns").ValueKind);
        Assert.True(after.GetProperty("last_inference").GetUInt64() > 0);
        Assert.False(after.GetProperty("inference_stats").TryGetProperty("queue", out _));

        var all = await Http.GetFromJsonAsync<JsonElement>(new Uri("/v2/models/stats", UriKind.Relative));
        Assert.Equal("mnist", Assert.Single(all.GetProperty("model_stats").EnumerateArray()).GetProperty("name").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{}")]
    [InlineData("{\"ready\":true}")]
    [InlineData("{\"ready\":false,\"other\":[1,2]}")]
    public async Task Repository_index_lists_the_served_models(string? body)
    {
        using var content = new StringContent(body ?? string.Empty, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri("/v2/repository/index", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var index = await response.Content.ReadFromJsonAsync<JsonElement>();
        var model = Assert.Single(index.EnumerateArray());
        Assert.Equal("mnist", model.GetProperty("name").GetString());
        Assert.Equal("1", model.GetProperty("version").GetString());
        Assert.Equal("READY", model.GetProperty("state").GetString());
        Assert.Equal(string.Empty, model.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("{\"ready\":\"yes\"}")]
    [InlineData("{\"ready\":true} x")]
    public async Task A_malformed_index_body_is_400(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri("/v2/repository/index", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("bad_json", response.Headers.GetValues("x-neuralsec-reason").Single());
    }

    [Fact]
    public async Task A_model_that_failed_to_load_is_UNAVAILABLE_in_the_index_with_a_coarse_reason()
    {
        var repository = Directory.CreateTempSubdirectory("neuralsec-repo-");
        try
        {
            CopyDirectory(Path.Combine(RepoPaths.ModelRepository, "mnist"), Path.Combine(repository.FullName, "mnist"));
            Directory.CreateDirectory(Path.Combine(repository.FullName, "broken", "1"));
            await File.WriteAllTextAsync(Path.Combine(repository.FullName, "broken", "1", "model.onnx"), "not an onnx graph");

            await using var server = await GatewayServer.StartAsync(
                new Dictionary<string, string?>
                {
                    // Every model of the repository, none named: a named model that fails stops the sidecar instead.
                    ["NeuralSec:OnnxRuntime:ModelRepository"] = repository.FullName,
                    ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
                },
                waitUntilReady: false,
                withoutAppSettings: true);
            await server.Services.GetRequiredService<OnnxRuntimeBackend>().WhenLoaded;

            var all = await server.Client.RepositoryIndexAsync(new RepositoryIndexRequest());
            Assert.Equal(2, all.Models.Count);
            var broken = Assert.Single(all.Models, m => m.Name == "broken");
            Assert.Equal("UNAVAILABLE", broken.State);
            Assert.Equal(string.Empty, broken.Version);
            Assert.DoesNotContain(repository.FullName, broken.Reason, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(broken.Reason));

            var ready = await server.Client.RepositoryIndexAsync(new RepositoryIndexRequest { Ready = true });
            Assert.Equal("mnist", Assert.Single(ready.Models).Name);
        }
        finally
        {
            repository.Delete(recursive: true);
        }
    }

    private async Task<JsonElement> Stats(string path)
    {
        var json = await Http.GetFromJsonAsync<JsonElement>(new Uri(path, UriKind.Relative));
        return Assert.Single(json.GetProperty("model_stats").EnumerateArray());
    }

    private static ulong Count(JsonElement stats, string name) => stats.GetProperty(name).GetUInt64();

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}
