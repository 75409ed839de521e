using NeuralSec.Gateway.Pipeline;

namespace NeuralSec.Gateway.FrontDoor;

/// <summary>What the front door answers: a value, or the refusal both transports write in their own terms.</summary>
internal readonly struct FrontDoorResult<T>
{
    private FrontDoorResult(T? value, PipelineRejection? rejection)
    {
        Value = value;
        Rejection = rejection;
    }

    public T? Value { get; }

    public PipelineRejection? Rejection { get; }

    public static implicit operator FrontDoorResult<T>(T value) => new(value, null);

    public static implicit operator FrontDoorResult<T>(PipelineRejection rejection) => new(default, rejection);
}
