namespace NeuralSec.Gateway.Alerts;

/// <summary>The MITRE ATLAS techniques NeuralSec reports (ids and current names, ATLAS v5.x).</summary>
internal static class AtlasTechniques
{
    public const string CraftAdversarialData = "AML.T0043";
    public const string EvadeModel = "AML.T0015";
    public const string ExfiltrationViaInferenceApi = "AML.T0024";
    public const string ExtractModel = "AML.T0024.002";
    public const string ManipulateModel = "AML.T0018";
    public const string DenialOfService = "AML.T0029";
    public const string InferenceApiAccess = "AML.T0040";

    public static string NameOf(string id) => id switch
    {
        CraftAdversarialData => "Craft Adversarial Data",
        EvadeModel => "Evade AI Model",
        ExfiltrationViaInferenceApi => "Exfiltration via AI Inference API",
        ExtractModel => "Extract AI Model",
        ManipulateModel => "Manipulate AI Model",
        DenialOfService => "Denial of AI Service",
        InferenceApiAccess => "AI Model Inference API Access",
        _ => id,
    };

    /// <summary>The ATLAS tactic each technique serves, as (uid, name).</summary>
    public static (string Uid, string Name) TacticOf(string id) => id switch
    {
        CraftAdversarialData => ("AML.TA0001", "AI Attack Staging"),
        EvadeModel => ("AML.TA0007", "Defense Evasion"),
        ExfiltrationViaInferenceApi or ExtractModel => ("AML.TA0010", "Exfiltration"),
        ManipulateModel => ("AML.TA0001", "AI Attack Staging"),
        DenialOfService => ("AML.TA0011", "Impact"),
        InferenceApiAccess => ("AML.TA0000", "AI Model Access"),
        _ => ("", ""),
    };
}
