using Microsoft.Extensions.Configuration;
using NeuralSec.Gateway.Alerts.Sinks;

namespace NeuralSec.Gateway.Alerts;

/// <summary>An <see cref="IAlertSinkType"/> from its three parts: options, validator, factory.</summary>
internal sealed class AlertSinkType<TOptions, TValidator>(string name, Func<TOptions, AlertSinkContext, IAlertSink> create) : IAlertSinkType
    where TOptions : AlertSinkOptions, new()
    where TValidator : IAlertSinkOptionsValidator<TOptions>, new()
{
    private readonly TValidator _validator = new();

    public string Name { get; } = name;

    public Type OptionsType => typeof(TOptions);

    public AlertSinkOptions Bind(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var options = new TOptions();
        section.Bind(options);
        return options;
    }

    public void Validate(AlertSinkOptions options, string path, List<string> errors) => _validator.Validate(Typed(options), path, errors);

    public IAlertSink Create(AlertSinkOptions options, AlertSinkContext context) => create(Typed(options), context);

    /// <summary>The options as this type's own; base options (made in code with the common fields only) get the
    /// type's defaults for the rest.</summary>
    private static TOptions Typed(AlertSinkOptions options) => options as TOptions ?? new TOptions
    {
        Type = options.Type,
        Name = options.Name,
        QueueCapacity = options.QueueCapacity,
    };
}
