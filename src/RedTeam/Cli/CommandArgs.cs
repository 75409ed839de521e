using System.Globalization;

namespace NeuralSec.RedTeam.Cli;

/// <summary>`--name value` / `--name=value` options of one command; anything unknown or positional is a usage error.</summary>
internal sealed class CommandArgs
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    private CommandArgs()
    {
    }

    public static CommandArgs Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> known)
    {
        var parsed = new CommandArgs();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{a}'");
            }

            var name = a[2..];
            string? inline = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }

            if (!known.Contains(name))
            {
                throw new UsageException($"unknown option --{name}");
            }

            parsed.values[name] = inline ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"option --{name} needs a value"));
        }

        return parsed;
    }

    public string? Get(string name) => values.GetValueOrDefault(name);

    public int GetInt(string name, int fallback, int min, int max)
    {
        var v = Get(name);
        if (v is null)
        {
            return fallback;
        }

        return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var x) && x >= min && x <= max
            ? x
            : throw new UsageException($"--{name} must be an integer in {min}..{max}, got '{v}'");
    }
}
