namespace NeuralSec.LoadTest;

/// <summary>Every path measured at one level, in the targets' order.</summary>
/// <param name="Label">"c=8", or the open loop's rate.</param>
internal sealed record LevelResult(LoadLevel Level, string Label, IReadOnlyList<PathMeasurement> Paths)
{
    /// <summary>The first path of <paramref name="kind"/> (the first defended sidecar for <see cref="TargetKind.Defended"/>).</summary>
    public PathMeasurement? Of(TargetKind kind) => Paths.FirstOrDefault(p => p.Target.Kind == kind);
}
