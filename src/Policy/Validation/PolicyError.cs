namespace NeuralSec.Policy.Validation;

/// <summary>
/// One problem in a policy file, printed the way compilers print them so editors and CI annotate the line:
/// <c>policies/mnist.yaml:12:7: error: unknown key 'treshold' in detect[0] (did you mean 'threshold'?)</c>.
/// </summary>
public sealed record PolicyError(string File, int Line, int Column, string Message, string? Hint = null)
{
    public override string ToString() =>
        Hint is null ? $"{File}:{Line}:{Column}: error: {Message}" : $"{File}:{Line}:{Column}: error: {Message} ({Hint})";
}
