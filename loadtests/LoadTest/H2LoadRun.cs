namespace NeuralSec.LoadTest;

/// <summary>One h2load run: one path at one level's concurrency, <paramref name="Connections"/> connections with
/// <paramref name="Streams"/> streams in flight each; <paramref name="Result"/> or the <paramref name="Error"/> that kept it.</summary>
internal sealed record H2LoadRun(string Level, Target Target, int Connections, int Streams, int Requests, H2LoadResult? Result, string? Error);
