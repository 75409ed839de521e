using System.Globalization;

namespace NeuralSec.Lab.Cli;

/// <summary>A deliberately small parser: positionals plus `--name value` options and `--flag` switches.</summary>
internal sealed class ParsedArgs
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private ParsedArgs()
    {
    }

    public List<string> Positional { get; } = [];

    public static ParsedArgs Parse(IReadOnlyList<string> args, string[] valueOptions, string[]? flags = null)
    {
        var parsed = new ParsedArgs();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                parsed.Positional.Add(a);
                continue;
            }

            var name = a[2..];
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            string? inline = null;
            if (eq >= 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }

            if (flags?.Contains(name) == true && inline is null)
            {
                parsed._flags.Add(name);
            }
            else if (valueOptions.Contains(name))
            {
                var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"option --{name} needs a value"));
                parsed._options[name] = value;
            }
            else
            {
                throw new UsageException($"unknown option --{name}");
            }
        }

        return parsed;
    }

    public bool Flag(string name) => _flags.Contains(name);

    public string? Get(string name) => _options.GetValueOrDefault(name);

    public int GetInt(string name, int fallback)
    {
        var v = Get(name);
        if (v is null)
        {
            return fallback;
        }

        return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var x)
            ? x
            : throw new UsageException($"--{name} must be an integer, got '{v}'");
    }

    public float GetFloat(string name, float fallback)
    {
        var v = Get(name);
        return v is null ? fallback : ParseFloat(name, v);
    }

    public float[] GetFloats(string name, float[] fallback)
    {
        var v = Get(name);
        return v is null ? fallback : v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => ParseFloat(name, s)).ToArray();
    }

    public string Single(string what)
    {
        return Positional.Count switch
        {
            1 => Positional[0],
            0 => throw new UsageException($"missing {what}"),
            _ => throw new UsageException($"expected one {what}, got {Positional.Count} arguments"),
        };
    }

    private static float ParseFloat(string name, string v)
        => float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && float.IsFinite(x)
            ? x
            : throw new UsageException($"--{name} must be a number, got '{v}'");
}
