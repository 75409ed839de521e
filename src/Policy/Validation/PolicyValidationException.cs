namespace NeuralSec.Policy.Validation;

/// <summary>
/// The policy directory did not validate. Thrown by the first load only (start-up fails, as YARP does with a bad
/// configuration); later reloads keep the last good snapshot instead. An <see cref="InvalidOperationException"/>
/// so the executable's entry point prints it as a configuration failure.
/// </summary>
public sealed class PolicyValidationException : InvalidOperationException
{
    public PolicyValidationException(string directory, IReadOnlyList<PolicyError> errors)
        : base(FormatMessage(directory, errors))
    {
        Errors = errors;
    }

    public PolicyValidationException()
    {
        Errors = [];
    }

    public PolicyValidationException(string message)
        : base(message)
    {
        Errors = [];
    }

    public PolicyValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public IReadOnlyList<PolicyError> Errors { get; }

    private static string FormatMessage(string directory, IReadOnlyList<PolicyError> errors) =>
        $"policy directory '{directory}' is invalid ({errors.Count} error{(errors.Count == 1 ? "" : "s")}):"
        + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e));
}
