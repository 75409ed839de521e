using NeuralSec.Detectors.Images;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Defenses;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Gateway.Pipeline.Stages;

namespace NeuralSec.Gateway.Tests.Defenses;

/// <summary>Feature squeezing already runs the model on the caller's image; forwarding reuses that answer instead
/// of a second model call — but only when nothing changed the input since.</summary>
public sealed class AnswerReuseTests
{
    private static readonly float[] Image = Enumerable.Range(0, 4).Select(i => i / 4f).ToArray();

    [Fact]
    public async Task Forwarding_reuses_the_detectors_answer_for_the_unchanged_input()
    {
        var backend = new CountingBackend();
        var original = new ImageBatch(Image.ToArray(), 1, 1, 2, 2);
        var runner = new BackendModelRunner(backend, "m", null, "input", "r1", original);

        // The detector's batch: the original first, then a squeezed copy.
        var logits = await runner.RunAsync(new ImageBatch(Image.Concat(new float[4]).ToArray(), 2, 1, 2, 2), CancellationToken.None);
        Assert.Equal(1, backend.Calls);
        Assert.Equal([1.5f, -1.5f, 0f, 0f], logits);

        var inputs = new[] { InferenceTensor.FromFloats("input", [1, 1, 2, 2], Image) };
        var context = new InferenceContext(new InferenceRequest { RequestId = "r1", ModelName = "m", Inputs = inputs }) { AnswerForOriginal = runner.AnswerForOriginal };
        await new ForwardStage(backend).ExecuteAsync(context, CancellationToken.None);

        Assert.Equal(1, backend.Calls);
        var output = Assert.Single(context.Outputs);
        Assert.Equal([1L, 2], output.Shape);
        Assert.Equal([1.5f, -1.5f], output.AsSpan<float>().ToArray());
        Assert.Equal("7", context.ServedVersion);
    }

    [Fact]
    public async Task A_preprocessed_input_is_forwarded_to_the_model()
    {
        var backend = new CountingBackend();
        var runner = new BackendModelRunner(backend, "m", null, "input", "r1", new ImageBatch(Image.ToArray(), 1, 1, 2, 2));
        await runner.RunAsync(new ImageBatch(Image.ToArray(), 1, 1, 2, 2), CancellationToken.None);

        var inputs = new[] { InferenceTensor.FromFloats("input", [1, 1, 2, 2], Image) };
        var context = new InferenceContext(new InferenceRequest { RequestId = "r1", ModelName = "m", Inputs = inputs }) { AnswerForOriginal = runner.AnswerForOriginal };
        context.Inputs = [InferenceTensor.FromFloats("input", [1, 1, 2, 2], new float[4])];
        await new ForwardStage(backend).ExecuteAsync(context, CancellationToken.None);

        Assert.Equal(2, backend.Calls);
        Assert.Equal([0f, 0f], Assert.Single(context.Outputs).AsSpan<float>().ToArray());
    }

    [Fact]
    public async Task A_batch_that_does_not_start_with_the_original_is_not_kept()
    {
        var backend = new CountingBackend();
        var runner = new BackendModelRunner(backend, "m", null, "input", "r1", new ImageBatch(Image.ToArray(), 1, 1, 2, 2));
        await runner.RunAsync(new ImageBatch(new float[4], 1, 1, 2, 2), CancellationToken.None);
        Assert.Null(runner.AnswerForOriginal);
    }

    /// <summary>A two-class "model": logits (sum, −sum) of each image; counts its calls.</summary>
    private sealed class CountingBackend : IModelBackend
    {
        public int Calls { get; private set; }

        public string Kind => "counting";

        public bool IsReady => true;

        public ValueTask<ModelDescriptor?> GetModelAsync(string name, string? version, CancellationToken cancellationToken) => ValueTask.FromResult<ModelDescriptor?>(null);

        public ValueTask<bool> IsModelReadyAsync(string name, string? version, CancellationToken cancellationToken) => ValueTask.FromResult(true);

        public ValueTask<BackendInferResult> InferAsync(BackendInferRequest request, CancellationToken cancellationToken)
        {
            Calls++;
            var pixels = request.Inputs[0].AsSpan<float>();
            var count = (int)request.Inputs[0].Shape[0];
            var per = pixels.Length / count;
            var logits = new float[count * 2];
            for (var i = 0; i < count; i++)
            {
                var sum = 0f;
                foreach (var p in pixels.Slice(i * per, per))
                {
                    sum += p;
                }

                logits[2 * i] = sum;
                logits[(2 * i) + 1] = -sum;
            }

            return ValueTask.FromResult(new BackendInferResult("7", [InferenceTensor.FromFloats("logits", [count, 2], logits)]));
        }
    }
}
