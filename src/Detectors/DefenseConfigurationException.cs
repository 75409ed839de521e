namespace NeuralSec.Detectors;

/// <summary>A defense's options are invalid. <see cref="Exception.Message"/> lists every problem, one per line, prefixed with
/// the defense type; <see cref="Errors"/> has them one by one for validators that attach file positions.</summary>
public sealed class DefenseConfigurationException : Exception
{
    public DefenseConfigurationException()
    {
        Type = string.Empty;
        Errors = [];
    }

    public DefenseConfigurationException(string message)
        : base(message)
    {
        Type = string.Empty;
        Errors = [message];
    }

    public DefenseConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Type = string.Empty;
        Errors = [message];
    }

    public DefenseConfigurationException(string type, IReadOnlyList<string> errors)
        : base($"invalid options for defense '{type}': " + string.Join("; ", errors))
    {
        Type = type;
        Errors = errors.ToArray();
    }

    /// <summary>The defense <c>type:</c> whose options were rejected.</summary>
    public string Type { get; }

    public IReadOnlyList<string> Errors { get; }
}
