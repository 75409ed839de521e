using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using NeuralSec.Gateway.Pipeline;

namespace NeuralSec.Gateway.Rest;

/// <summary>
/// Triton's HTTP binary tensor extension, response side: when the request asks for it (<c>binary_data_output</c>,
/// or an output's own <c>binary_data</c>), the answer is the JSON header, then each such output's raw bytes in
/// output order; <c>Inference-Header-Content-Length</c> gives the JSON's length and the body is
/// <c>application/octet-stream</c>, as Triton sends it.
/// </summary>
internal static class RestBinaryResponse
{
    private const string ContentType = "application/octet-stream";

    /// <summary>Whether any output of the answer is to travel as raw bytes.</summary>
    public static bool IsWanted(InferenceContext context, RestInferRequest request)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        if (!request.BinaryOutput && request.OutputBinary is null)
        {
            return false;
        }

        foreach (var output in context.Outputs)
        {
            if (request.IsBinary(output.Name))
            {
                return true;
            }
        }

        return false;
    }

    public static async Task WriteAsync(HttpContext http, InferenceContext context, RestInferRequest request)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(context);
        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json))
        {
            RestJsonWriter.WriteResponse(writer, context, request);
        }

        long length = json.WrittenCount;
        foreach (var output in context.Outputs)
        {
            if (request.IsBinary(output.Name))
            {
                length += output.Data.Length;
            }
        }

        http.Response.ContentType = ContentType;
        http.Response.ContentLength = length;
        http.Response.Headers[BinaryHeaderLength.HeaderName] = json.WrittenCount.ToString(CultureInfo.InvariantCulture);
        var body = http.Response.BodyWriter;
        await body.WriteAsync(json.WrittenMemory, http.RequestAborted).ConfigureAwait(false);
        foreach (var output in context.Outputs)
        {
            if (request.IsBinary(output.Name))
            {
                await body.WriteAsync(output.Data, http.RequestAborted).ConfigureAwait(false);
            }
        }
    }
}
