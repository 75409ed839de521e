using System.Text;

namespace NeuralSec.LoadTest.Fuzz;

/// <summary>The odd values every generator draws from: names, datatypes, shapes, header values.</summary>
internal static class HostileValues
{
    public static readonly string[] DataTypes =
        ["FP32", "FP64", "FP16", "BF16", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64", "BOOL", "BYTES", "fp32", "", "FP33", "FP32\0", " FP32", "ＦＰ32"];

    /// <summary>A model or tensor name: empty, near-misses of <paramref name="real"/>, very long, unicode, control
    /// characters, bidi overrides, path tricks, lone surrogates (which protobuf and UTF-8 must cope with).</summary>
    public static string Name(Random random, string real) => random.Next(16) switch
    {
        0 => string.Empty,
        1 => real.ToUpperInvariant(),
        2 => real + " ",
        3 => real + "\0",
        4 => new string('m', random.Next(100, 20_000)),
        5 => new string('é', random.Next(100, 11_000)),
        6 => "mnïst-模型-🙂",
        7 => "\u202e" + real,
        8 => "../../../etc/passwd",
        9 => real + "/versions/1",
        10 => Control(random, random.Next(1, 64)),
        11 => "\ud800" + real + "\udfff",
        12 => "%00%2F%2e%2e",
        13 => "probe-" + random.Next(1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
        14 => Ascii(random, random.Next(1, 300)),
        _ => real,
    };

    /// <summary>A shape: plausible, negative, zero, huge, overflowing, too many dimensions, none.</summary>
    public static long[] Shape(Random random, long[] real) => random.Next(12) switch
    {
        0 => [],
        1 => [-1, .. real[1..]],
        2 => [.. real.Select(_ => -(long)random.Next(1, 1 << 20))],
        3 => [1L << 40, 1L << 40],
        4 => [long.MaxValue, 2],
        5 => [long.MinValue],
        6 => [.. Enumerable.Repeat(1L, random.Next(17, 40))],
        7 => [0, .. real[1..]],
        8 => [random.Next(2, 200), .. real[1..]],
        9 => [.. real.Reverse()],
        10 => [.. real.Select(d => d + random.Next(-1, 2))],
        _ => [int.MaxValue, int.MaxValue, int.MaxValue],
    };

    /// <summary>Printable ASCII only: what a gRPC library lets through in a text metadata value.</summary>
    public static string Ascii(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)random.Next(0x20, 0x7F);
        }

        return new string(chars);
    }

    /// <summary>Any Latin-1 character but CR, LF and NUL, which no HTTP client sends in a header value.</summary>
    public static string Latin1(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            char c;
            do
            {
                c = (char)random.Next(1, 0x100);
            }
            while (c is '\r' or '\n');
            chars[i] = c;
        }

        return new string(chars);
    }

    public static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A size near the interesting edges: empty, tiny, a few KiB, up to <paramref name="max"/>.</summary>
    public static int Size(Random random, int max) => random.Next(5) switch
    {
        0 => 0,
        1 => random.Next(1, 16),
        2 => random.Next(16, 4096),
        _ => random.Next(0, max + 1),
    };

    private static string Control(Random random, int length)
    {
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append((char)random.Next(0, 0x20));
        }

        return text.ToString();
    }
}
