namespace NeuralSec.Gateway.Alerts.Spool;

/// <summary>Records read from the head of the spool, not yet committed: committing <see cref="End"/> removes them.</summary>
internal sealed record SpoolBatch(IReadOnlyList<byte[]> Records, SpoolPosition End, long Bytes);
