using System.CommandLine;

namespace NeuralSec.LoadTest;

/// <summary>An address option that <see cref="LoopbackGuard"/> accepts, or a usage error naming the option.</summary>
internal static class LoopbackOption
{
    public static Option<Uri?> Create(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "URL",
        CustomParser = result =>
        {
            if (LoopbackGuard.TryParse(result.Tokens[^1].Value, out var uri, out var error))
            {
                return uri;
            }

            result.AddError($"{name}: {error}");
            return null;
        },
    };
}
