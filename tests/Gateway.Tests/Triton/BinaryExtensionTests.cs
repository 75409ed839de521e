using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.Triton;

/// <summary>
/// Triton's HTTP binary tensor extension on <c>POST /v2/models/{m}/infer</c>, the bodies built by hand: JSON header,
/// then raw little-endian tensor bytes, <c>Inference-Header-Content-Length</c> saying where one ends.
/// </summary>
public sealed class BinaryExtensionTests(PassThroughFixture fixture) : IClassFixture<PassThroughFixture>
{
    private const string Header = "Inference-Header-Content-Length";
    private const int ImageBytes = 784 * 4;

    private HttpClient Http => fixture.Server.Http;

    [Fact]
    public async Task Server_metadata_names_the_extension_on_both_transports()
    {
        Assert.Contains("binary_tensor_data", (await fixture.Server.Client.ServerMetadataAsync(new NeuralSec.Protocol.Inference.ServerMetadataRequest())).Extensions);
        var rest = await Http.GetFromJsonAsync<JsonElement>(new Uri("/v2", UriKind.Relative));
        Assert.Contains("binary_tensor_data", rest.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_binary_input_classifies_the_digit_exactly_as_gRPC_does_and_answers_JSON()
    {
        var image = TestDigits.Image(7);
        using var response = await Send(InputJson(ImageBytes), Bytes(image));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        var logits = json.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(InferRequests.Logits(await fixture.Server.Client.ModelInferAsync(InferRequests.Raw(image))), logits);
    }

    [Fact]
    public async Task Binary_data_output_answers_the_logits_as_raw_bytes_after_the_JSON_header()
    {
        var image = TestDigits.Image(8);
        using var response = await Send(InputJson(ImageBytes, requestParameters: "\"parameters\":{\"binary_data_output\":true},"), Bytes(image));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var expected = InferRequests.Logits(await fixture.Server.Client.ModelInferAsync(InferRequests.Raw(image)));
        Assert.Equal(expected, await BinaryLogits(response));
    }

    [Fact]
    public async Task An_outputs_own_binary_data_flag_decides_for_it()
    {
        var image = TestDigits.Image(9);
        var outputs = "\"outputs\":[{\"name\":\"logits\",\"parameters\":{\"binary_data\":true}}],";
        using var binary = await Send(InputJson(ImageBytes, requestParameters: outputs), Bytes(image));
        Assert.Equal(10, (await BinaryLogits(binary)).Length);

        var json = "\"parameters\":{\"binary_data_output\":true},\"outputs\":[{\"name\":\"logits\",\"parameters\":{\"binary_data\":false}}],";
        using var plain = await Send(InputJson(ImageBytes, requestParameters: json), Bytes(image));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.False(plain.Headers.Contains(Header));
        var body = await plain.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(10, body.GetProperty("outputs")[0].GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task Binary_inputs_go_through_the_same_validation_as_JSON_ones()
    {
        using var response = await Send(InputJson(ImageBytes), Bytes(Enumerable.Repeat(2f, 784).ToArray()));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("out_of_range", response.Headers.GetValues("x-neuralsec-reason").Single());
    }

    public static TheoryData<string, string, int, int> MalformedHeaders => new()
    {
        // header value, reason, binary_data_size declared, bytes sent after the JSON. (Leading and trailing
        // spaces are HTTP's own to strip, so " 12" reaches the sidecar as "12".)
        { "abc", "bad_binary_data", ImageBytes, ImageBytes },
        { "+1", "bad_binary_data", ImageBytes, ImageBytes },
        { "-1", "bad_binary_data", ImageBytes, ImageBytes },
        { "1 2", "bad_binary_data", ImageBytes, ImageBytes },
        { "12,13", "bad_binary_data", ImageBytes, ImageBytes },
        { "0x10", "bad_binary_data", ImageBytes, ImageBytes },
        { "12345678901", "bad_binary_data", ImageBytes, ImageBytes },
        { "999999", "bad_binary_data", ImageBytes, ImageBytes },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public async Task A_header_length_that_is_not_one_plain_decimal_within_the_body_is_400(string value, string reason, int declared, int sent)
    {
        using var response = await Send(InputJson(declared), new byte[sent], value);
        await AssertRefused(response, reason);
    }

    [Fact]
    public async Task Two_header_values_are_400()
    {
        var json = Encoding.UTF8.GetBytes(InputJson(ImageBytes));
        using var request = Request(json, new byte[ImageBytes], headerValue: null);
        request.Headers.TryAddWithoutValidation(Header, [json.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), "1"]);
        using var response = await Http.SendAsync(request);
        await AssertRefused(response, "bad_binary_data");
    }

    [Theory]
    [InlineData(ImageBytes - 4, ImageBytes)] // binary_data_size does not match the shape
    [InlineData(ImageBytes + 4, ImageBytes + 4)] // binary_data_size does not match the shape (and the bytes are there)
    [InlineData(ImageBytes, ImageBytes - 4)] // the body ends before the input's bytes do
    [InlineData(ImageBytes, ImageBytes + 1)] // bytes left over that no input accounts for
    [InlineData(ImageBytes, 0)] // no bytes at all after the JSON
    public async Task Sizes_that_do_not_add_up_exactly_are_400(int declared, int sent)
    {
        using var response = await Send(InputJson(declared), new byte[sent]);
        await AssertRefused(response, "bad_binary_data");
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("\"3136\"")]
    public async Task A_binary_data_size_that_is_not_a_non_negative_integer_is_400(string size)
    {
        var json = $"{{\"inputs\":[{{\"name\":\"input\",\"shape\":[1,1,28,28],\"datatype\":\"FP32\",\"parameters\":{{\"binary_data_size\":{size}}}}}]}}";
        using var response = await Send(json, new byte[ImageBytes]);
        await AssertRefused(response, "bad_json");
    }

    [Fact]
    public async Task Binary_data_size_without_the_header_is_400()
    {
        using var response = await Send(InputJson(ImageBytes), [], headerValue: null);
        await AssertRefused(response, "bad_binary_data");
    }

    [Fact]
    public async Task Both_data_and_binary_data_size_is_400()
    {
        var data = string.Join(',', Enumerable.Repeat("0", 784));
        var json = $"{{\"inputs\":[{{\"name\":\"input\",\"shape\":[1,1,28,28],\"datatype\":\"FP32\",\"data\":[{data}],\"parameters\":{{\"binary_data_size\":{ImageBytes}}}}}]}}";
        using var response = await Send(json, new byte[ImageBytes]);
        await AssertRefused(response, "bad_binary_data");
    }

    [Fact]
    public async Task A_header_length_that_cuts_the_JSON_is_400_bad_json()
    {
        var json = InputJson(ImageBytes);
        using var response = await Send(json, new byte[ImageBytes], (Encoding.UTF8.GetByteCount(json) - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await AssertRefused(response, "bad_json");
    }

    [Fact]
    public async Task A_body_over_the_REST_limit_is_413_binary_or_not()
    {
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
            ["NeuralSec:Limits:MaxJsonBodyBytes"] = "2048",
            ["NeuralSec:Limits:LargeJsonBodyBytes"] = "1024",
        });
        var json = Encoding.UTF8.GetBytes(InputJson(ImageBytes));
        using var request = Request(json, new byte[ImageBytes], json.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    private static string InputJson(int binarySize, string requestParameters = "") =>
        $"{{{requestParameters}\"inputs\":[{{\"name\":\"input\",\"shape\":[1,1,28,28],\"datatype\":\"FP32\",\"parameters\":{{\"binary_data_size\":{binarySize}}}}}]}}";

    private static byte[] Bytes(float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private Task<HttpResponseMessage> Send(string json, byte[] tail) =>
        Send(json, tail, Encoding.UTF8.GetByteCount(json).ToString(System.Globalization.CultureInfo.InvariantCulture));

    private async Task<HttpResponseMessage> Send(string json, byte[] tail, string? headerValue)
    {
        using var request = Request(Encoding.UTF8.GetBytes(json), tail, headerValue);
        return await Http.SendAsync(request);
    }

    private static HttpRequestMessage Request(byte[] json, byte[] tail, string? headerValue)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v2/models/mnist/infer", UriKind.Relative))
        {
            Content = new ByteArrayContent([.. json, .. tail]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (headerValue is not null)
        {
            request.Headers.TryAddWithoutValidation(Header, headerValue);
        }

        return request;
    }

    /// <summary>Splits a binary answer by its header and reads the logits from the bytes after the JSON.</summary>
    private static async Task<float[]> BinaryLogits(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        var jsonLength = int.Parse(response.Headers.GetValues(Header).Single(), System.Globalization.CultureInfo.InvariantCulture);
        var body = await response.Content.ReadAsByteArrayAsync();
        using var header = JsonDocument.Parse(body.AsMemory(0, jsonLength));
        var output = header.RootElement.GetProperty("outputs")[0];
        Assert.False(output.TryGetProperty("data", out _));
        var size = output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32();
        Assert.Equal(40, size);
        Assert.Equal(jsonLength + size, body.Length);
        return MemoryMarshal.Cast<byte, float>(body.AsSpan(jsonLength, size)).ToArray();
    }

    private static async Task AssertRefused(HttpResponseMessage response, string reason)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(reason, response.Headers.GetValues("x-neuralsec-reason").Single());
        Assert.False(string.IsNullOrEmpty((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()));
    }
}
