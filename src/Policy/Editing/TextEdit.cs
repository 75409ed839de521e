using System.Text;

namespace NeuralSec.Policy.Editing;

/// <summary>Replace the characters [<see cref="Start"/>, <see cref="End"/>) of a text (an insertion when they are equal).</summary>
public readonly record struct TextEdit(int Start, int End, string Replacement)
{
    /// <summary>Applies non-overlapping edits; insertions at the same offset keep the order they were given in.</summary>
    public static string Apply(string text, IEnumerable<TextEdit> edits)
    {
        var ordered = edits.Select((e, i) => (Edit: e, Order: i)).OrderBy(e => e.Edit.Start).ThenBy(e => e.Order).Select(e => e.Edit).ToArray();
        var result = new StringBuilder(text.Length + 256);
        var position = 0;
        foreach (var edit in ordered)
        {
            if (edit.Start < position || edit.End < edit.Start || edit.End > text.Length)
            {
                throw new InvalidOperationException($"overlapping or invalid text edit at offset {edit.Start}");
            }

            result.Append(text, position, edit.Start - position).Append(edit.Replacement);
            position = edit.End;
        }

        return result.Append(text, position, text.Length - position).ToString();
    }
}
