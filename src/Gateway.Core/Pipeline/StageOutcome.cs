namespace NeuralSec.Gateway.Pipeline;

/// <summary>What a stage says: go on, or stop with a rejection. A value, so the hot path throws nothing.</summary>
internal readonly struct StageOutcome
{
    private StageOutcome(PipelineRejection? rejection) => Rejection = rejection;

    public static StageOutcome Continue => default;

    public PipelineRejection? Rejection { get; }

    public bool IsRejected => Rejection is not null;

    public static StageOutcome Reject(PipelineRejection rejection) => new(rejection);

    public static implicit operator StageOutcome(PipelineRejection rejection) => new(rejection);
}
