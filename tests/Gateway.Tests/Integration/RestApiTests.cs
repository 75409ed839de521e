using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.Integration;

/// <summary>The REST v2 API on the HTTP port, through a real HttpClient.</summary>
public sealed class RestApiTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private HttpClient Http => fixture.Server.Http;

    [Fact]
    public async Task Health_endpoints_answer()
    {
        using var live = await Http.GetAsync(new Uri("/v2/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.True((await live.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("live").GetBoolean());
        using var ready = await Http.GetAsync(new Uri("/v2/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Server_and_model_metadata()
    {
        var server = await Http.GetFromJsonAsync<JsonElement>(new Uri("/v2", UriKind.Relative));
        Assert.Equal("neuralsec", server.GetProperty("name").GetString());

        var model = await Http.GetFromJsonAsync<JsonElement>(new Uri("/v2/models/mnist", UriKind.Relative));
        Assert.Equal("mnist", model.GetProperty("name").GetString());
        var input = model.GetProperty("inputs")[0];
        Assert.Equal("FP32", input.GetProperty("datatype").GetString());
        Assert.Equal("[-1,1,28,28]", input.GetProperty("shape").GetRawText());

        using var ready = await Http.GetAsync(new Uri("/v2/models/mnist/versions/1/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var missing = await Http.GetAsync(new Uri("/v2/models/nope", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Infer_with_nested_data_classifies_a_digit_like_gRPC_does()
    {
        var image = TestDigits.Image(5);
        var nested = Enumerable.Range(0, 28).Select(r => image.Skip(r * 28).Take(28).ToArray()).ToArray();
        var body = new
        {
            id = "rest-1",
            inputs = new[] { new { name = "input", shape = new[] { 1, 1, 28, 28 }, datatype = "FP32", data = new[] { new[] { nested } } } },
        };
        using var response = await Http.PostAsJsonAsync(new Uri("/v2/models/mnist/infer", UriKind.Relative), body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("x-neuralsec-request-id"));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("rest-1", json.GetProperty("id").GetString());
        Assert.Equal("mnist", json.GetProperty("model_name").GetString());
        var output = json.GetProperty("outputs")[0];
        Assert.Equal("logits", output.GetProperty("name").GetString());
        var logits = output.GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray();

        var grpc = await fixture.Server.Client.ModelInferAsync(InferRequests.Raw(image));
        var expected = InferRequests.Logits(grpc);
        Assert.Equal(expected.Length, logits.Length);
        for (var i = 0; i < logits.Length; i++)
        {
            Assert.Equal(expected[i], logits[i], 5);
        }

        Assert.Equal(TestDigits.Label(5), InferRequests.ArgMax(logits));
    }

    [Theory]
    [InlineData("{", "bad_json")]
    [InlineData("[]", "bad_json")]
    [InlineData("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,1,28,28],\"datatype\":\"FP32\",\"data\":[1,2]}]}", "bad_json")]
    [InlineData("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,1,28,28],\"datatype\":\"FP32\",\"data\":[\"x\"]}]}", "bad_json")]
    [InlineData("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,784],\"datatype\":\"FP32\",\"data\":[]}]}", "bad_json")]
    public async Task Malformed_json_is_400_with_an_error_body(string body, string reason)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri("/v2/models/mnist/infer", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(reason, response.Headers.GetValues("x-neuralsec-reason").Single());
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrEmpty(json.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Out_of_range_pixels_are_400_and_unknown_model_404()
    {
        var data = Enumerable.Repeat(2.0f, 784).ToArray();
        var body = new { inputs = new[] { new { name = "input", shape = new[] { 1, 1, 28, 28 }, datatype = "FP32", data } } };
        using var invalid = await Http.PostAsJsonAsync(new Uri("/v2/models/mnist/infer", UriKind.Relative), body);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("out_of_range", invalid.Headers.GetValues("x-neuralsec-reason").Single());

        using var missing = await Http.PostAsJsonAsync(new Uri("/v2/models/nope/infer", UriKind.Relative), body);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
