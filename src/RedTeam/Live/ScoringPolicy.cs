using System.Globalization;

namespace NeuralSec.RedTeam.Live;

/// <summary>
/// The policy that lets a started sidecar's alerts carry every detector score of every request: for the keys of
/// client group <see cref="Group"/> on mnist, the defended combination's three detectors with the shipped options, in
/// monitor mode, each flagging at any score (threshold −1), so each request raises one alert with all three scores —
/// what a per-detector ROC through the live sidecar needs. Nothing is refused, preprocessed or hardened for them.
/// </summary>
internal static class ScoringPolicy
{
    public const string Group = "redteam-scoring";
    public const string File = "redteam-scoring.yaml";

    public static string Yaml(KnownPolicy defended)
    {
        static string List(IReadOnlyList<double>? values) => values is null
            ? throw new RedTeamException("the defended policy's statistics entry has no benignMean/benignStd for the scoring policy")
            : "[" + string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";
        return $$"""
            # Written by neuralsec-redteam attack: every detector score of every request into the alerts (ROC).
            apiVersion: neuralsec.io/v1
            kind: FirewallPolicy
            metadata:
              name: redteam-scoring
            spec:
              models: [mnist]
              clientGroups: [{{Group}}]
              mode: monitor
              onError: fail-open
              input:
                tensors:
                  - name: input
                    datatype: FP32
                    shape: [-1, 1, 28, 28]
                    range: [0, 1]
                image: { tensor: input, layout: NCHW, range: [0, 1] }
              detect:
                - type: featureSqueezing
                  threshold: -1
                  squeezers: [bitDepth1, median2]
                  action: alert
                - type: reconstructionError
                  threshold: -1
                  autoencoder: mnist-autoencoder
                  metric: error
                  p: 2
                  action: alert
                - type: statistics
                  threshold: -1
                  benignMean: {{List(defended.StatisticsMean)}}
                  benignStd: {{List(defended.StatisticsStd)}}
                  action: alert

            """;
    }
}
