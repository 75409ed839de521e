using Google.Protobuf;
using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.Integration;

/// <summary>Each malformed request gets INVALID_ARGUMENT with a precise message and reason code — never a crash,
/// never an internal detail.</summary>
public sealed class MalformedInputTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    public static TheoryData<string, string, string> Cases => new()
    {
        // case name, reason code, a fragment the message must contain
        { "no inputs", "no_inputs", "no inputs" },
        { "unknown datatype", "bad_tensor", "unknown datatype 'FLOAT32'" },
        { "wrong datatype", "wrong_datatype", "must be FP32, got FP64" },
        { "wrong rank", "wrong_shape", "must have shape [-1,1,28,28]" },
        { "wrong spatial size", "wrong_shape", "got [1,1,32,32]" },
        { "negative dimension", "bad_tensor", "dimension 2 is -28" },
        { "overflowing shape", "bad_tensor", "exceeds the request size limit" },
        { "raw length mismatch", "raw_size_mismatch", "raw data is 3132 bytes but shape x FP32 needs 3136" },
        { "raw count mismatch", "raw_count_mismatch", "raw_input_contents has 2 entries but there are 1 inputs" },
        { "typed count mismatch", "contents_mismatch", "contents hold 783 elements but the shape needs 784" },
        { "contents in the wrong field", "contents_mismatch", "does not match datatype FP32" },
        { "mixed raw and typed", "mixed_contents", "sets contents although raw_input_contents is used" },
        { "missing contents", "missing_contents", "has neither contents nor raw_input_contents" },
        { "NaN", "non_finite", "NaN and infinity are refused" },
        { "infinity", "non_finite", "NaN and infinity are refused" },
        { "out of range", "out_of_range", "outside the allowed range [0, 1]" },
        { "batch too large", "batch_too_large", "batch size 65; at most 64" },
        { "unknown input name", "unknown_input", "has no input 'image'" },
        { "duplicate input", "duplicate_input", "appears more than once" },
        { "unknown output", "unknown_output", "has no output 'probabilities'" },
        { "FP16 typed", "contents_mismatch", "has no typed contents field" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Malformed_request_is_INVALID_ARGUMENT(string name, string reason, string fragment)
    {
        var request = Build(name);
        var ex = await Assert.ThrowsAsync<RpcException>(() => fixture.Server.Client.ModelInferAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(reason, ex.Trailers.GetValue("x-neuralsec-reason"));
        Assert.Contains(fragment, ex.Status.Detail, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{32}$", ex.Trailers.GetValue("x-neuralsec-request-id"));
        Assert.DoesNotContain("Exception", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sidecar_keeps_serving_after_malformed_requests()
    {
        foreach (var row in Cases)
        {
            await Assert.ThrowsAsync<RpcException>(() => fixture.Server.Client.ModelInferAsync(Build((string)row[0])).ResponseAsync);
        }

        var response = await fixture.Server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(0)));
        Assert.Equal(TestDigits.Label(0), InferRequests.ArgMax(InferRequests.Logits(response)));
    }

    private static ModelInferRequest Build(string name)
    {
        var image = TestDigits.Image(0);
        var typed = InferRequests.Typed(image);
        var raw = InferRequests.Raw(image);
        var input = typed.Inputs[0];
        switch (name)
        {
            case "no inputs":
                typed.Inputs.Clear();
                return typed;
            case "unknown datatype":
                input.Datatype = "FLOAT32";
                return typed;
            case "wrong datatype":
                input.Datatype = "FP64";
                input.Contents = new InferTensorContents();
                input.Contents.Fp64Contents.AddRange(image.Select(v => (double)v));
                return typed;
            case "wrong rank":
                input.Shape.Clear();
                input.Shape.AddRange([1, 784]);
                return typed;
            case "wrong spatial size":
                input.Shape.Clear();
                input.Shape.AddRange([1, 1, 32, 32]);
                input.Contents.Fp32Contents.AddRange(new float[(32 * 32) - 784]);
                return typed;
            case "negative dimension":
                input.Shape[2] = -28;
                return typed;
            case "overflowing shape":
                input.Shape.Clear();
                input.Shape.AddRange([long.MaxValue / 2, 1, 28, 28]);
                return typed;
            case "raw length mismatch":
                raw.RawInputContents[0] = ByteString.CopyFrom(raw.RawInputContents[0].Span[..^4]);
                return raw;
            case "raw count mismatch":
                raw.RawInputContents.Add(raw.RawInputContents[0]);
                return raw;
            case "typed count mismatch":
                input.Contents.Fp32Contents.RemoveAt(0);
                return typed;
            case "contents in the wrong field":
                input.Contents.Fp64Contents.Add(1.0);
                return typed;
            case "mixed raw and typed":
                raw.Inputs[0].Contents = new InferTensorContents();
                raw.Inputs[0].Contents.Fp32Contents.Add(0.5f);
                return raw;
            case "missing contents":
                input.Contents = null;
                return typed;
            case "NaN":
                input.Contents.Fp32Contents[100] = float.NaN;
                return typed;
            case "infinity":
                input.Contents.Fp32Contents[5] = float.PositiveInfinity;
                return typed;
            case "out of range":
                input.Contents.Fp32Contents[300] = 1.5f;
                return typed;
            case "batch too large":
                return InferRequests.Raw(Enumerable.Repeat(image, 65).ToArray());
            case "unknown input name":
                input.Name = "image";
                return typed;
            case "duplicate input":
                typed.Inputs.Add(input.Clone());
                return typed;
            case "unknown output":
                typed.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "probabilities" });
                return typed;
            case "FP16 typed":
                input.Datatype = "FP16";
                return typed;
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, null);
        }
    }
}
