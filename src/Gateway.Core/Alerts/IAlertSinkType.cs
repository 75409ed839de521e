using Microsoft.Extensions.Configuration;
using NeuralSec.Gateway.Alerts.Sinks;

namespace NeuralSec.Gateway.Alerts;

/// <summary>One kind of alert sink: how its options are bound and checked, and how the sink is made. A new sink is an
/// options class, a validator and a sink class in a folder of its own, and one line in <see cref="AlertSinkTypes"/>.</summary>
internal interface IAlertSinkType
{
    /// <summary>The <c>Type</c> value that selects it, e.g. <c>Webhook</c>.</summary>
    string Name { get; }

    /// <summary>The options class this type binds, so unknown keys under a sink can be reported.</summary>
    Type OptionsType { get; }

    /// <summary>The sink's options bound from its configuration entry.</summary>
    AlertSinkOptions Bind(IConfigurationSection section);

    /// <summary>Adds every error of the sink's own settings, each prefixed with <paramref name="path"/>.</summary>
    void Validate(AlertSinkOptions options, string path, List<string> errors);

    IAlertSink Create(AlertSinkOptions options, AlertSinkContext context);
}
