using NeuralSec.Policy.Editing;

namespace NeuralSec.Policy.Tests.Editing;

public sealed class UnifiedDiffTests
{
    private static readonly string Before = string.Concat(Enumerable.Range(1, 20).Select(i => $"line {i}\n"));

    [Fact]
    public void Equal_texts_give_no_patch() => Assert.Empty(UnifiedDiff.Create("p.yaml", Before, Before));

    [Fact]
    public void Distant_changes_get_hunks_of_their_own_with_three_lines_of_context()
    {
        var after = Before.Replace("line 2\n", "line two\n", StringComparison.Ordinal).Replace("line 18\n", "line 18\nline 18b\n", StringComparison.Ordinal);

        Assert.Equal(
            """
            diff --git a/p.yaml b/p.yaml
            --- a/p.yaml
            +++ b/p.yaml
            @@ -1,5 +1,5 @@
             line 1
            -line 2
            +line two
             line 3
             line 4
             line 5
            @@ -16,5 +16,6 @@
             line 16
             line 17
             line 18
            +line 18b
             line 19
             line 20

            """,
            UnifiedDiff.Create("p.yaml", Before, after));
    }

    [Fact]
    public void A_last_line_without_newline_is_marked() =>
        Assert.Equal(
            "diff --git a/p b/p\n--- a/p\n+++ b/p\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n",
            UnifiedDiff.Create("p", "a\nb", "a\nc"));
}
