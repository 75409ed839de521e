using NeuralSec.Text;
namespace NeuralSec.CommandLine.Tests;

public sealed class SuggestionsTests
{
    [Theory]
    [InlineData("--hepl", "--help")]
    [InlineData("polcy", "policy")]
    [InlineData("--modle-repository", "--model-repository")]
    [InlineData("--model-repo", "--model-repository")]
    [InlineData("calibrte", "calibrate")]
    public void Suggests_the_intended_name(string typo, string intended)
    {
        Assert.Equal([intended], Suggestions.For(typo, ["--help", "--version", "policy", "calibrate", "serve", "--model", "--model-repository", "-h"]));
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("--strict")]
    [InlineData("-x")]
    public void Suggests_nothing_that_is_not_a_typo(string token)
    {
        Assert.Empty(Suggestions.For(token, ["--help", "--version", "policy", "calibrate", "serve", "--model"]));
    }

    [Fact]
    public void A_swap_of_neighbours_is_one_edit()
    {
        Assert.Equal(1, Suggestions.Distance("hepl", "help"));
        Assert.Equal(3, Suggestions.Distance("kitten", "sitting"));
    }

    [Fact]
    public void Hint_names_every_equally_close_candidate()
    {
        Assert.Equal("; did you mean 'ce' or 'cf'?", Suggestions.Hint("cx", ["ce", "cf", "margin"]));
        Assert.Equal(string.Empty, Suggestions.Hint("zzz", ["ce", "margin"]));
    }
}
