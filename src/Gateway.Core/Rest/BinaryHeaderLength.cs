using Microsoft.Extensions.Primitives;

namespace NeuralSec.Gateway.Rest;

/// <summary>
/// Triton's HTTP binary tensor extension, request side: <c>Inference-Header-Content-Length: N</c> says the first N
/// bytes of the body are the JSON header and the rest are tensor bytes. The value is read strictly — one plain
/// decimal, no sign, no spaces, no second header — because a lenient parse here decides where JSON ends and raw
/// bytes begin.
/// </summary>
internal static class BinaryHeaderLength
{
    public const string HeaderName = "Inference-Header-Content-Length";

    /// <summary>Ten digits cover every int; more is refused before it could overflow.</summary>
    private const int MaxDigits = 10;

    /// <summary>The JSON header's length, null when the request does not use the extension; <paramref name="error"/>
    /// is set when it does but the value is unusable.</summary>
    public static int? Read(StringValues values, int bodyLength, out string? error)
    {
        error = null;
        if (values.Count == 0)
        {
            return null;
        }

        var text = values.Count == 1 ? values[0] ?? string.Empty : string.Empty;
        if (text.Length is 0 or > MaxDigits)
        {
            error = $"the {HeaderName} header must be one decimal byte count";
            return null;
        }

        long length = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                error = $"the {HeaderName} header must be one decimal byte count";
                return null;
            }

            length = (length * 10) + (c - '0');
        }

        if (length > bodyLength)
        {
            error = $"the {HeaderName} header says {length} bytes of JSON, but the body has {bodyLength}";
            return null;
        }

        return (int)length;
    }
}
