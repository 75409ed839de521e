using System.Text.Json;

namespace NeuralSec.Gateway.Rest;

/// <summary>The optional body of <c>POST /v2/repository/index</c>: nothing, or <c>{"ready": bool}</c> (Triton's
/// one option: only the models that are ready). Other keys are ignored, as Triton does.</summary>
internal static class RepositoryIndexBody
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 16, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Whether only ready models are asked for; null with <paramref name="error"/> set when the body is
    /// not such an object.</summary>
    public static bool? ReadyOnly(ReadOnlySpan<byte> body, out string? error)
    {
        error = null;
        if (body.Trim(" \t\r\n"u8).IsEmpty)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(body, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "the body must be a JSON object";
                return null;
            }

            var ready = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isReady = reader.ValueTextEquals("ready"u8);
                reader.Read();
                if (isReady)
                {
                    if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                    {
                        error = "'ready' must be a boolean";
                        return null;
                    }

                    ready = reader.GetBoolean();
                }
                else
                {
                    reader.Skip();
                }
            }

            // Trailing bytes after the object are refused by the reader on the final Read.
            while (reader.Read())
            {
            }

            return ready;
        }
        catch (JsonException)
        {
            error = "the body is not valid JSON";
            return null;
        }
        catch (InvalidOperationException)
        {
            // A property name escaping half a surrogate pair (ValueTextEquals throws on it).
            error = "the body is not valid JSON";
            return null;
        }
    }
}
