using Microsoft.Extensions.Options;

namespace NeuralSec.Gateway.Policy.Runtime;

/// <summary>Checked once at start-up, all errors together, before any policy is read.</summary>
internal sealed class PolicyOptionsValidator(string contentRoot) : IValidateOptions<PolicyOptions>
{
    private static readonly TimeSpan MinimumPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaximumWait = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, PolicyOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            errors.Add($"{PolicyOptions.SectionName}:Directory must name the policy folder.");
        }
        else if (!System.IO.Directory.Exists(options.ResolveDirectory(contentRoot)))
        {
            errors.Add($"{PolicyOptions.SectionName}:Directory: folder '{options.ResolveDirectory(contentRoot)}' does not exist.");
        }

        if (options.PollInterval < MinimumPoll || options.PollInterval > MaximumWait)
        {
            errors.Add($"{PolicyOptions.SectionName}:PollInterval must be between {MinimumPoll} and {MaximumWait}, not {options.PollInterval}.");
        }

        if (options.Debounce < TimeSpan.Zero || options.Debounce > MaximumWait)
        {
            errors.Add($"{PolicyOptions.SectionName}:Debounce must be between 0 and {MaximumWait}, not {options.Debounce}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
