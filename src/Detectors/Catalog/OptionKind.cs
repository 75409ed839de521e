namespace NeuralSec.Detectors.Catalog;

/// <summary>The type of one defense option as it appears in a policy file.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The members name the YAML / JSON Schema types of policy values.")]
public enum OptionKind
{
    Integer,
    Number,
    Boolean,
    String,

    /// <summary>One of <see cref="OptionDefinition.AllowedValues"/>.</summary>
    Enum,

    /// <summary>A list of <see cref="OptionDefinition.AllowedValues"/> (or any strings when none are listed).</summary>
    StringList,

    NumberList,
}
