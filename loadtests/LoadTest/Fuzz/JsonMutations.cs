using System.Text;

namespace NeuralSec.LoadTest.Fuzz;

/// <summary>
/// Damage to a REST infer body, from JSON that is nearly right to bytes that are not JSON at all: cuts, nesting past
/// the reader's depth limit, values of the wrong type, numbers no type holds, invalid UTF-8, escapes of half a
/// surrogate pair (<c>"\ud800"</c>), keys given twice, a byte-order mark, trailing bytes, comments, shapes that
/// disagree with the data, many inputs, long strings.
/// </summary>
internal static class JsonMutations
{
    private static readonly string[] OddNumbers =
        ["1e999", "-1e999", "1e-999", "123456789012345678901234567890", "-0", "0x10", "NaN", "Infinity", "-Infinity", "01", "1.", ".5", "+1", "9223372036854775808", "-9223372036854775809"];

    private static readonly string[] OddValues = ["null", "true", "{}", "[]", "\"x\"", "[[[]]]", "{\"a\":1}", "-1", "1e999", "\"\\ud800\""];

    private static readonly string[] Surrogates = ["\\ud800", "\\udfff", "\\ud83d", "\\ud800\\u0041", "\\udc00\\ud800"];

    public static (string Kind, byte[] Body) Mutate(Random random, WellFormed wellFormed)
    {
        var json = wellFormed.Json;
        switch (random.Next(18))
        {
            case 0:
                return ("cut", Utf8(json)[..random.Next(json.Length)]);
            case 1:
                int[] depths = [63, 64, 65, 200, 5_000, 100_000];
                var depth = depths[random.Next(depths.Length)];
                return ($"nesting-{depth}", Utf8(json.Replace("\"data\":[", "\"data\":" + new string('[', depth) + "[", StringComparison.Ordinal).Replace("]}]}", new string(']', depth) + "]}]}", StringComparison.Ordinal)));
            case 2:
                string[] fields = ["\"name\":", "\"datatype\":", "\"shape\":", "\"id\":"];
                var field = fields[random.Next(fields.Length)];
                return ("wrong-type", Utf8(ReplaceValue(json, field, OddValues[random.Next(OddValues.Length)])));
            case 3:
                return ("wrong-type-top", Utf8(random.Next(3) switch
                {
                    0 => "{\"inputs\":" + OddValues[random.Next(OddValues.Length)] + "}",
                    1 => "{\"inputs\":[" + OddValues[random.Next(OddValues.Length)] + "]}",
                    _ => json.Replace("\"data\":[", "\"data\":" + OddValues[random.Next(OddValues.Length)] + ",\"x\":[", StringComparison.Ordinal),
                }));
            case 4:
                return ("odd-number", Utf8(random.Next(2) == 0
                    ? json.Replace("\"data\":[", "\"data\":[" + OddNumbers[random.Next(OddNumbers.Length)] + ",", StringComparison.Ordinal)
                    : ReplaceValue(json, "\"shape\":", "[" + OddNumbers[random.Next(OddNumbers.Length)] + ",1,28,28]")));
            case 5:
                var bytes = Utf8(json);
                var at = random.Next(bytes.Length);
                byte[][] invalid = [[0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0x80]];
                return ("invalid-utf8", [.. bytes[..at], .. invalid[random.Next(invalid.Length)], .. bytes[at..]]);
            case 6:
                var surrogate = Surrogates[random.Next(Surrogates.Length)];
                return ("unpaired-surrogate", Utf8(random.Next(5) switch
                {
                    0 => json.Replace("\"id\":\"fuzz\"", $"\"id\":\"{surrogate}\"", StringComparison.Ordinal),
                    1 => json.Replace($"\"name\":\"{wellFormed.Input}\"", $"\"name\":\"{surrogate}\"", StringComparison.Ordinal),
                    2 => json.Replace("\"datatype\":\"", $"\"datatype\":\"{surrogate}", StringComparison.Ordinal),
                    3 => json.Replace("{\"id\"", $"{{\"{surrogate}\":1,\"id\"", StringComparison.Ordinal),
                    _ => json.Replace("]}]}", $"]}}],\"outputs\":[{{\"name\":\"{surrogate}\"}}]}}", StringComparison.Ordinal),
                }));
            case 7:
                return ("duplicate-key", Utf8(random.Next(4) switch
                {
                    0 => json.Replace("{\"id\":\"fuzz\",", "{\"id\":\"fuzz\",\"inputs\":[],", StringComparison.Ordinal),
                    1 => json.Replace("\"datatype\":", "\"name\":\"other\",\"datatype\":", StringComparison.Ordinal),
                    2 => json.Replace("\"data\":", "\"shape\":[1],\"data\":", StringComparison.Ordinal),
                    _ => json.Replace("]}]}", "],\"data\":[1]}]}", StringComparison.Ordinal),
                }));
            case 8:
                return ("bom", [0xEF, 0xBB, 0xBF, .. Utf8(json)]);
            case 9:
                return ("trailing", [.. Utf8(json), .. Utf8(OddValues[random.Next(OddValues.Length)])]);
            case 10:
                return ("comment", Utf8(json.Replace("{\"id\"", "{/* c */\"id\"", StringComparison.Ordinal)));
            case 11:
                string[] notObjects = ["", " ", "null", "[]", "\"str\"", "0", "{", "}", "{\"inputs\"", "{\"inputs\":[{}]}", "{\"inputs\":[{\"name\":\"input\"}]}"];
                return ("not-an-object", Utf8(notObjects[random.Next(notObjects.Length)]));
            case 12:
                return ("noise", HostileValues.Bytes(random, HostileValues.Size(random, 64 * 1024)));
            case 13:
                var shape = HostileValues.Shape(random, wellFormed.Shape);
                return ("shape", Utf8(ReplaceValue(json, "\"shape\":", "[" + string.Join(',', shape) + "]")));
            case 14:
                var datatype = HostileValues.DataTypes[random.Next(HostileValues.DataTypes.Length)];
                return ("datatype", Utf8(json.Replace("\"datatype\":\"FP32\"", $"\"datatype\":\"{Escape(datatype)}\"", StringComparison.Ordinal)));
            case 15:
                var many = new StringBuilder("{\"inputs\":[");
                for (var i = random.Next(10, 3000); i > 0; i--)
                {
                    many.Append(CultureInfo($"{{\"name\":\"in{i}\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[0]}},"));
                }

                return ("many-inputs", Utf8(many.Append("{}]}").ToString()));
            case 16:
                return ("long-string", Utf8(json.Replace("\"id\":\"fuzz\"", $"\"id\":\"{new string('i', random.Next(1_000, 100_000))}\"", StringComparison.Ordinal)));
            default:
                return ("names", Utf8(json
                    .Replace($"\"name\":\"{wellFormed.Input}\"", $"\"name\":\"{Escape(HostileValues.Name(random, wellFormed.Input))}\"", StringComparison.Ordinal)
                    .Replace("\"id\":\"fuzz\"", $"\"id\":\"{Escape(HostileValues.Name(random, "fuzz"))}\"", StringComparison.Ordinal)));
        }
    }

    /// <summary>A JSON string's contents for <paramref name="text"/>, lone surrogates and control characters escaped.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '"' or '\\' || c < 0x20 || char.IsSurrogate(c))
            {
                escaped.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    private static string CultureInfo(FormattableString text) => FormattableString.Invariant(text);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The JSON with the value after the first <paramref name="field"/> replaced (values here hold no comma
    /// inside brackets but a shape's, which ends at its bracket).</summary>
    private static string ReplaceValue(string json, string field, string value)
    {
        var start = json.IndexOf(field, StringComparison.Ordinal);
        if (start < 0)
        {
            return json;
        }

        start += field.Length;
        var end = json[start] == '[' ? json.IndexOf(']', start) + 1 : json.IndexOfAny([',', '}'], start);
        return json[..start] + value + json[end..];
    }
}
