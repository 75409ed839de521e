using NeuralSec.Detectors.Images;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Defenses;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Gateway.Pipeline.Stages;

namespace NeuralSec.Gateway.Tests.Defenses;

/// <summary>Feature squeezing already runs the model on the caller's image and its squeezed views; forwarding
/// answers from those rows instead of a second model call when the tensor to forward is one of them byte for byte —
/// the caller's own input, or the bit-depth-1 view a purifying policy forwards — and asks the model otherwise.</summary>
public sealed class AnswerReuseTests
{
    private static readonly float[] Image = Enumerable.Range(0, 4).Select(i => i / 4f).ToArray();
    private static readonly float[] Squeezed = [0f, 0f, 1f, 1f];

    [Fact]
    public async Task Forwarding_reuses_the_detectors_answer_for_the_unchanged_input()
    {
        var (backend, answers) = await DetectorBatchAsync();
        var context = Context(answers, Image);
        await new ForwardStage(backend).ExecuteAsync(context, CancellationToken.None);

        Assert.Equal(1, backend.Calls);
        var output = Assert.Single(context.Outputs);
        Assert.Equal([1L, 2], output.Shape);
        Assert.Equal([1.5f, -1.5f], output.AsSpan<float>().ToArray());
        Assert.Equal("7", context.ServedVersion);
    }

    [Fact]
    public async Task Forwarding_reuses_the_answer_for_a_purified_view_the_detector_squeezed_too()
    {
        var (backend, answers) = await DetectorBatchAsync();
        var context = Context(answers, Image);
        context.Inputs = [InferenceTensor.FromFloats("input", [1, 1, 2, 2], Squeezed)];
        await new ForwardStage(backend).ExecuteAsync(context, CancellationToken.None);

        Assert.Equal(1, backend.Calls);
        Assert.Equal([2f, -2f], Assert.Single(context.Outputs).AsSpan<float>().ToArray());
    }

    [Fact]
    public async Task A_preprocessed_input_no_detector_sent_is_forwarded_to_the_model()
    {
        var (backend, answers) = await DetectorBatchAsync();
        var context = Context(answers, Image);
        context.Inputs = [InferenceTensor.FromFloats("input", [1, 1, 2, 2], new float[] { 0f, 0f, 0f, 0.5f })];
        await new ForwardStage(backend).ExecuteAsync(context, CancellationToken.None);

        Assert.Equal(2, backend.Calls);
        Assert.Equal([0.5f, -0.5f], Assert.Single(context.Outputs).AsSpan<float>().ToArray());
    }

    [Fact]
    public async Task Another_name_shape_or_requested_output_is_forwarded_to_the_model()
    {
        foreach (var (input, requested) in new (InferenceTensor, string[])[]
        {
            (InferenceTensor.FromFloats("other", [1, 1, 2, 2], Image), []),
            (InferenceTensor.FromFloats("input", [1, 1, 4, 1], Image), []),
            (InferenceTensor.FromFloats("input", [1, 1, 2, 2], Image), ["probabilities"]),
        })
        {
            var (backend, answers) = await DetectorBatchAsync();
            var context = new InferenceContext(new InferenceRequest { RequestId = "r1", ModelName = "m", Inputs = [input], RequestedOutputs = requested }) { ModelAnswers = answers };
            await new ForwardStage(backend).ExecuteAsync(context, CancellationToken.None);
            Assert.Equal(2, backend.Calls);
        }
    }

    [Fact]
    public async Task A_two_image_request_matches_its_own_block_of_rows_only()
    {
        var backend = new CountingBackend();
        var answers = new ModelAnswers("input");
        var runner = new BackendModelRunner(backend, "m", null, "input", "r1", answers);
        await runner.RunAsync(new ImageBatch(Image.Concat(Squeezed).Concat(Squeezed).Concat(Image).ToArray(), 4, 1, 2, 2), CancellationToken.None);

        // Rows 1–2 are not a block of a two-image request (blocks start at 0 and 2).
        var misaligned = Context(answers, [.. Squeezed, .. Squeezed], rows: 2);
        await new ForwardStage(backend).ExecuteAsync(misaligned, CancellationToken.None);
        Assert.Equal(2, backend.Calls);

        var aligned = Context(answers, [.. Squeezed, .. Image], rows: 2);
        await new ForwardStage(backend).ExecuteAsync(aligned, CancellationToken.None);
        Assert.Equal(2, backend.Calls);
        Assert.Equal([2f, -2f, 1.5f, -1.5f], Assert.Single(aligned.Outputs).AsSpan<float>().ToArray());
        Assert.Equal([2L, 2], aligned.Outputs[0].Shape);
    }

    /// <summary>The detector's batch: the original first, then a squeezed copy — one model call.</summary>
    private static async Task<(CountingBackend Backend, ModelAnswers Answers)> DetectorBatchAsync()
    {
        var backend = new CountingBackend();
        var answers = new ModelAnswers("input");
        var runner = new BackendModelRunner(backend, "m", null, "input", "r1", answers);
        var logits = await runner.RunAsync(new ImageBatch(Image.Concat(Squeezed).ToArray(), 2, 1, 2, 2), CancellationToken.None);
        Assert.Equal(1, backend.Calls);
        Assert.Equal([1.5f, -1.5f, 2f, -2f], logits);
        return (backend, answers);
    }

    private static InferenceContext Context(ModelAnswers answers, float[] pixels, int rows = 1) =>
        new(new InferenceRequest { RequestId = "r1", ModelName = "m", Inputs = [InferenceTensor.FromFloats("input", [rows, 1, 2, 2], pixels)] }) { ModelAnswers = answers };

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
