using NeuralSec.Policy.Yaml;

namespace NeuralSec.Policy.Validation;

/// <summary>Collects the errors of one file. Validation never stops at the first: an operator fixing a policy
/// wants the whole list in one run.</summary>
internal sealed class PolicyDiagnostics(string file)
{
    private readonly List<PolicyError> _errors = [];

    public string File { get; } = file;

    public IReadOnlyList<PolicyError> Errors => _errors;

    public bool HasErrors => _errors.Count > 0;

    public void Add(SourceLocation location, string message, string? hint = null) =>
        _errors.Add(new PolicyError(File, location.Line, location.Column, message, hint));
}
