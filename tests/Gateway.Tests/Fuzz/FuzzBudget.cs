namespace NeuralSec.Gateway.Tests.Fuzz;

/// <summary>How many cases each fuzz property runs: a bounded number in CI, more on demand
/// (<c>NEURALSEC_FUZZ_CASES=200000 dotnet test --filter Fuzz</c>). FsCheck prints the seed of a failing run.</summary>
internal static class FuzzBudget
{
    public static int Cases(int ci) =>
        int.TryParse(Environment.GetEnvironmentVariable("NEURALSEC_FUZZ_CASES"), out var cases) && cases > 0 ? cases : ci;

    public static FsCheck.Config Config(int ci) => FsCheck.Config.QuickThrowOnFailure.WithMaxTest(Cases(ci)).WithQuietOnSuccess(true);
}
