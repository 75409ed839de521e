namespace NeuralSec.Gateway.Pipeline;

/// <summary>The fixed label of each stage in metrics, logs and alerts.</summary>
internal static class PipelineStageNames
{
    private static readonly string[] Names = Enum.GetValues<PipelineStageId>().Select(Label).ToArray();

    public static string Of(PipelineStageId stage) => Names[(int)stage];

    private static string Label(PipelineStageId stage) => stage switch
    {
        PipelineStageId.Limit => "limit",
        PipelineStageId.Decide => "decide",
        PipelineStageId.Harden => "harden",
        _ => stage.ToString().ToLowerInvariant(),
    };
}
