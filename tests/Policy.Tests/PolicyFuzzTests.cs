using System.Text;
using FsCheck;
using FsCheck.Fluent;
using NeuralSec.Data;
using NeuralSec.Policy.Validation;

namespace NeuralSec.Policy.Tests;

/// <summary>
/// The shipped policy files, damaged a few characters at a time (inserted brackets, quotes, colons, tabs, control
/// characters, deleted or replaced characters, cut short): the validator reads whatever it is given and answers a
/// policy or errors with a line and column inside the file — never an exception, whatever YamlDotNet throws inside.
/// </summary>
public sealed class PolicyFuzzTests
{
    private static readonly string[] Seeds = Directory.GetFiles(Path.Combine(RepositoryPaths.Root(), "policies"), "*.yaml")
        .Concat(Directory.GetFiles(Path.Combine(RepositoryPaths.Root(), "policies", "examples"), "*.yaml"))
        .Select(File.ReadAllText)
        .ToArray();

    private const string Alphabet = "[]{}:,-?!&*|>'\"#%@` \t\n\\.0123456789e\u0000\uFEFF\u00e9";

    [Fact]
    public void Damaged_policies_are_refused_with_positions_never_with_an_exception()
    {
        var cases = from seed in Gen.Choose(0, Seeds.Length - 1)
                    from edits in Gen.ArrayOf(Gen.Zip(Gen.Choose(0, int.MaxValue), Gen.Choose(0, 3)), 5)
                    select (seed, edits);
        var validator = new PolicyValidator(modelRepository: RepositoryPaths.ModelRepository());
        var runs = int.TryParse(Environment.GetEnvironmentVariable("NEURALSEC_FUZZ_CASES"), out var n) && n > 0 ? n : 1_500;

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(runs).WithQuietOnSuccess(true), Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var text = new StringBuilder(Seeds[c.seed]);
            foreach (var (at, kind) in c.edits)
            {
                var position = at % Math.Max(1, text.Length);
                switch (kind)
                {
                    case 0:
                        text.Insert(position, Alphabet[at % Alphabet.Length]);
                        break;
                    case 1 when text.Length > 0:
                        text.Remove(position, 1);
                        break;
                    case 2 when text.Length > 0:
                        text[position] = Alphabet[at % Alphabet.Length];
                        break;
                    default:
                        text.Length = position;
                        break;
                }
            }

            var content = text.ToString();
            var lines = content.Split('\n').Length + 1;
            var result = validator.ValidateFile(new PolicySource("fuzz.yaml", Encoding.UTF8.GetBytes(content)));
            Assert.True(result.Policy is not null || result.Errors.Count > 0);
            Assert.All(result.Errors, e => Assert.InRange(e.Line, 1, lines));
            Assert.All(result.Errors, e => Assert.True(e.Column >= 1));
            return true;
        }));
    }
}
