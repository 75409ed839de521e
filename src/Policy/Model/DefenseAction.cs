namespace NeuralSec.Policy.Model;

/// <summary>What a flagged defense does (<c>action:</c>).</summary>
public enum DefenseAction
{
    /// <summary><c>block</c>: refuse with PERMISSION_DENIED.</summary>
    Block,

    /// <summary><c>alert</c>: answer normally, raise an alert.</summary>
    Alert,

    /// <summary><c>throttle</c>: refuse with RESOURCE_EXHAUSTED and a retry-after.</summary>
    Throttle,

    /// <summary><c>degrade</c>: answer with a label-only output.</summary>
    Degrade,

    /// <summary><c>repair</c> (detect entries only): answer from the purified view — the input after
    /// <c>spec.repair</c> — instead of refusing, and raise an alert.</summary>
    Repair,
}
