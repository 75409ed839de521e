using NeuralSec.Gateway.Decisions;

namespace NeuralSec.Gateway.QueryStream;

/// <summary>A stream detector's verdict on one request and whether it is the copy rule's (<see cref="DegradedCopy"/>),
/// which degrades only this answer: carried beside the verdict, so the action never reads it back from the
/// analyst's measures.</summary>
internal readonly record struct StreamVerdict(Verdict Verdict, DegradedCopy Copy = DegradedCopy.None);
