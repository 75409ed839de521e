using Microsoft.Extensions.Logging;
using NeuralSec.Gateway.Alerts.Formats;

namespace NeuralSec.Gateway.Alerts;

/// <summary>What a sink is made with, besides its options: its resolved name, the product it reports as, the OCSF
/// formatter, the clock and its logger.</summary>
internal sealed record AlertSinkContext(string Name, AlertProduct Product, OcsfDetectionFindingFormatter Formatter, TimeProvider Time, ILogger Logger);
