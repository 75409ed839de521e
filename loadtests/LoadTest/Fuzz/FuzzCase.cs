namespace NeuralSec.LoadTest.Fuzz;

/// <summary>One hostile request, built and ready to send: its kind (a short label of what was done to it, for the
/// failure table) and the call that sends it and classifies the answer. Sending never throws.</summary>
internal sealed record FuzzCase(string Kind, Func<FuzzClients, Task<FuzzOutcome>> SendAsync);
