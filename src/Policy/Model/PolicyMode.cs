namespace NeuralSec.Policy.Model;

/// <summary><c>spec.mode</c>.</summary>
public enum PolicyMode
{
    /// <summary><c>enforce</c>: decisions are applied.</summary>
    Enforce,

    /// <summary><c>monitor</c> (shadow): everything is computed and alerted, nothing is blocked or throttled.</summary>
    Monitor,
}
