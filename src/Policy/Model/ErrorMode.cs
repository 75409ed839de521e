namespace NeuralSec.Policy.Model;

/// <summary><c>spec.onError</c>: what happens when a defense or the model fails.</summary>
public enum ErrorMode
{
    /// <summary><c>fail-open</c>: the failing defense is skipped (and alerted); the request goes on.</summary>
    FailOpen,

    /// <summary><c>fail-closed</c>: the request is refused.</summary>
    FailClosed,
}
