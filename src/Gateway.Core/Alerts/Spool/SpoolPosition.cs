namespace NeuralSec.Gateway.Alerts.Spool;

/// <summary>A place in the spool: segment number and byte offset in it.</summary>
internal readonly record struct SpoolPosition(long Segment, long Offset);
