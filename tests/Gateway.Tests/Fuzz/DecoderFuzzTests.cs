using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Protocol;
using NeuralSec.Gateway.Rest;
using NeuralSec.Gateway.Services;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.Fuzz;

/// <summary>
/// Structure-aware fuzzing of what callers send, in-process: OIP v2 requests built from a grammar of tensors (names,
/// datatypes valid and not, shapes with negative, zero and huge dimensions, raw and typed contents of right and wrong
/// sizes), their protobuf bytes mutated, REST JSON bodies from the same grammar and mutated, and plain noise. Whatever
/// comes in, the decoders return a value or a refusal — never an exception — and what they accept is consistent with
/// its shape. The live-server counterpart is <c>neuralsec-loadtest fuzz</c> (docs/robustness.md).
/// </summary>
public sealed class DecoderFuzzTests
{
    private static readonly LimitsOptions Limits = new() { MaxInputBytes = 64 * 1024 };

    private static readonly string[] DataTypes = ["FP32", "FP64", "FP16", "BF16", "INT8", "INT64", "UINT8", "BOOL", "BYTES", "fp32", "", "FP33"];

    private static readonly Gen<long[]> Shapes = Gen.Frequency(
        (6, Gen.Choose(0, 4).SelectMany(rank => Gen.ArrayOf(Gen.Choose(0, 8).Select(d => (long)d), rank))),
        (1, Gen.Constant(new long[] { -1, 4 })),
        (1, Gen.Constant(new long[] { 1L << 40, 1L << 40 })),
        (1, Gen.Constant(new long[] { long.MaxValue, 2 })),
        (1, Gen.Choose(9, 20).SelectMany(rank => Gen.ArrayOf(Gen.Constant(1L), rank))));

    private static readonly Gen<string> Names = Gen.Elements("input", "x", "", new string('n', 300), "\u0000é\u202e", "logits");

    private static readonly Gen<(string Name, string DataType, long[] Shape, int Bytes)> Tensors =
        from name in Names
        from dataType in Gen.Elements(DataTypes)
        from shape in Shapes
        from bytes in Gen.Frequency((3, Gen.Constant(-1)), (1, Gen.Choose(0, 4096)))
        select (name, dataType, shape, bytes);

    [Fact]
    public void Any_grpc_request_the_grammar_makes_decodes_to_tensors_or_a_refusal()
    {
        var requests = from tensors in Gen.ListOf(Tensors).Select(t => t.Take(20).ToArray())
                       from raw in Gen.Elements(true, false)
                       from mutations in Gen.ArrayOf(Gen.Choose(0, int.MaxValue), 4)
                       select (tensors, raw, mutations);

        Check.One(FuzzBudget.Config(ci: 2_000), Prop.ForAll(requests.ToArbitrary(), c =>
        {
            var request = Build(c.tensors, c.raw);
            AssertDecodes(request);

            // The same request's bytes, damaged, as the tolerant marshaller would see them on the wire.
            var bytes = request.ToByteArray();
            foreach (var m in c.mutations)
            {
                if (bytes.Length > 0)
                {
                    bytes[m % bytes.Length] ^= (byte)(1 + (m % 255));
                }
            }

            ModelInferRequest? parsed = null;
            try
            {
                parsed = ModelInferRequest.Parser.ParseFrom(bytes);
            }
            catch (InvalidProtocolBufferException)
            {
                // Refused by the marshaller as malformed_request: the decoder never sees it.
            }

            if (parsed is not null)
            {
                AssertDecodes(parsed);
            }

            return true;
        }));
    }

    [Fact]
    public void Any_REST_body_decodes_to_tensors_or_a_bad_json_refusal()
    {
        var bodies = from tensors in Gen.ListOf(Tensors).Select(t => t.Take(8).ToArray())
                     from style in Gen.Choose(0, 3)
                     from mutations in Gen.ArrayOf(Gen.Choose(0, int.MaxValue), 3)
                     select (tensors, style, mutations);

        Check.One(FuzzBudget.Config(ci: 2_000), Prop.ForAll(bodies.ToArbitrary(), c =>
        {
            var body = Encoding.UTF8.GetBytes(Json(c.tensors, c.style));
            AssertRestDecodes(body);
            foreach (var m in c.mutations)
            {
                body[m % body.Length] = (byte)(m % 256);
            }

            AssertRestDecodes(body);
            return true;
        }));
    }

    [Fact]
    public void Noise_is_refused_by_both_decoders_without_an_exception()
    {
        Check.One(FuzzBudget.Config(ci: 2_000), Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            AssertRestDecodes(bytes);
            try
            {
                AssertDecodes(ModelInferRequest.Parser.ParseFrom(bytes));
            }
            catch (InvalidProtocolBufferException)
            {
            }

            return true;
        }));
    }

    private static ModelInferRequest Build((string Name, string DataType, long[] Shape, int Bytes)[] tensors, bool raw)
    {
        var request = new ModelInferRequest { ModelName = "mnist" };
        var random = new Random(tensors.Length);
        foreach (var (name, dataType, shape, bytes) in tensors)
        {
            var input = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = dataType };
            input.Shape.AddRange(shape);
            var count = (int)Math.Clamp(shape.Aggregate(1L, (a, d) => d <= 0 ? 0 : a > int.MaxValue / Math.Max(1, d) ? int.MaxValue : a * d), 0, 4096);
            if (raw)
            {
                var size = bytes >= 0 ? bytes : count * (TensorDataTypes.TryParse(dataType, out var t) ? Math.Max(1, t.Value.ElementSize()) : 4);
                var data = new byte[Math.Min(size, 65_536)];
                random.NextBytes(data);
                request.RawInputContents.Add(ByteString.CopyFrom(data));
            }
            else
            {
                input.Contents = new InferTensorContents();
                input.Contents.Fp32Contents.AddRange(Enumerable.Range(0, bytes >= 0 ? bytes % 64 : count).Select(i => (float)i));
            }

            request.Inputs.Add(input);
        }

        return request;
    }

    private static string Json((string Name, string DataType, long[] Shape, int Bytes)[] tensors, int style)
    {
        var text = new StringBuilder("{\"id\":\"f\",\"inputs\":[");
        for (var i = 0; i < tensors.Length; i++)
        {
            var (name, dataType, shape, bytes) = tensors[i];
            var count = (int)Math.Clamp(shape.Aggregate(1L, (a, d) => d <= 0 ? 0 : a > 4096 ? 4096 : a * d), 0, 512);
            var values = Enumerable.Range(0, bytes >= 0 ? bytes % 32 : count).Select(v => style switch
            {
                0 => (v * 0.25).ToString(System.Globalization.CultureInfo.InvariantCulture),
                1 => v % 2 == 0 ? "true" : "false",
                2 => $"\"s{v}\"",
                _ => "[" + v + "]",
            });
            text.Append(i == 0 ? string.Empty : ",")
                .Append("{\"name\":").Append(System.Text.Json.JsonSerializer.Serialize(name))
                .Append(",\"datatype\":\"").Append(dataType).Append("\",\"shape\":[").Append(string.Join(',', shape))
                .Append("],\"data\":[").Append(string.Join(',', values)).Append("]}");
        }

        return text.Append("]}").ToString();
    }

    private static void AssertDecodes(ModelInferRequest request)
    {
        var decoded = InferRequestDecoder.Decode(request, Limits);
        AssertConsistent(decoded);
    }

    private static void AssertRestDecodes(byte[] body) => AssertConsistent(RestInferDecoder.Decode(body, Limits).Inputs);

    private static void AssertConsistent(DecodedTensors decoded)
    {
        if (decoded.Rejection is { } rejection)
        {
            Assert.Null(decoded.Tensors);
            Assert.Matches("^[a-z_]+$", rejection.ReasonCode);
            Assert.Matches("^[ -~]{1,512}$", RejectionStatus.Message(rejection));
            return;
        }

        long total = 0;
        foreach (var tensor in decoded.Tensors!)
        {
            total += tensor.Data.Length;
            var elements = tensor.Shape.Aggregate(1L, (a, d) => a * d);
            if (tensor.DataType == TensorDataType.Bytes)
            {
                Assert.Equal(elements, RawBytesElements.Count(tensor.Data.Span));
            }
            else
            {
                Assert.Equal(elements * tensor.DataType.ElementSize(), tensor.Data.Length);
            }
        }

        Assert.True(total <= Limits.MaxInputBytes);
    }
}
