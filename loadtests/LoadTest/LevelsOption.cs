using System.CommandLine;

namespace NeuralSec.LoadTest;

/// <summary><c>--levels 1:5000,8:20000</c>: closed-loop levels measured in one run, or a usage error naming the bad pair.</summary>
internal static class LevelsOption
{
    public static Option<IReadOnlyList<LoadLevel>?> Create(int maxConcurrency, int maxRequests) => new("--levels")
    {
        Description = "closed-loop levels, CONCURRENCY:REQUESTS pairs measured one after the other with the same processes, e.g. 1:5000,8:20000 (replaces --concurrency and --requests)",
        HelpName = "LEVELS",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
            if (LoadLevel.TryParseList(text, maxConcurrency, maxRequests, out var levels, out var error))
            {
                return levels;
            }

            result.AddError($"--levels: {error}");
            return null;
        },
    };
}
