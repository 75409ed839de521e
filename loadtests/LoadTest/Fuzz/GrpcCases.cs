using Google.Protobuf;
using Grpc.Core;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest.Fuzz;

/// <summary>
/// Hostile calls a real gRPC client can make: ModelInfer messages one to three mutations away from a valid request
/// (datatypes, shapes, contents of the wrong size or kind, raw and typed at once, names, many inputs or outputs,
/// parameters, odd values), the other OIP v2 calls with odd names, and metadata oddities (huge values, repeated
/// keys, <c>-bin</c> keys, repeated <c>-bin</c> keys).
/// </summary>
internal static class GrpcCases
{
    private const int MaxRawBytes = 1024 * 1024;

    private static readonly string[] Mutations =
    [
        "datatype", "shape", "raw-size", "raw-extra", "raw-and-typed", "typed-kind", "typed-count", "input-name", "duplicate-input",
        "many-inputs", "outputs", "parameters", "model-name", "model-version", "id", "values", "batch",
    ];

    public static FuzzCase Infer(Random random, WellFormed wellFormed)
    {
        var request = (random.Next(2) == 0 ? wellFormed.Raw : wellFormed.Typed).Clone();
        var applied = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = random.Next(0, 4); i > 0; i--)
        {
            var mutation = Mutations[random.Next(Mutations.Length)];
            Mutate(random, request, wellFormed, mutation);
            applied.Add(mutation);
        }

        var headers = random.Next(3) == 0 ? Metadata(random) : null;
        var kind = $"grpc infer [{string.Join('+', applied)}]{(headers is null ? string.Empty : " +metadata")}";
        return new FuzzCase(kind, clients => CallAsync(() => clients.Inference.ModelInferAsync(request, headers, FuzzClients.CallDeadline()).ResponseAsync));
    }

    /// <summary>ModelMetadata, ModelReady, ServerLive, ServerReady, ServerMetadata; odd model names and versions.</summary>
    public static FuzzCase OtherCall(Random random, WellFormed wellFormed)
    {
        var name = HostileValues.Name(random, wellFormed.Model);
        var version = random.Next(3) == 0 ? HostileValues.Name(random, "1") : string.Empty;
        var headers = random.Next(4) == 0 ? Metadata(random) : null;
        return random.Next(5) switch
        {
            0 => new FuzzCase("grpc ModelMetadata", c => CallAsync(() => c.Inference.ModelMetadataAsync(new ModelMetadataRequest { Name = name, Version = version }, headers, FuzzClients.CallDeadline()).ResponseAsync)),
            1 => new FuzzCase("grpc ModelReady", c => CallAsync(() => c.Inference.ModelReadyAsync(new ModelReadyRequest { Name = name, Version = version }, headers, FuzzClients.CallDeadline()).ResponseAsync)),
            2 => new FuzzCase("grpc ServerLive", c => CallAsync(() => c.Inference.ServerLiveAsync(new ServerLiveRequest(), headers, FuzzClients.CallDeadline()).ResponseAsync)),
            3 => new FuzzCase("grpc ServerReady", c => CallAsync(() => c.Inference.ServerReadyAsync(new ServerReadyRequest(), headers, FuzzClients.CallDeadline()).ResponseAsync)),
            _ => new FuzzCase("grpc ServerMetadata", c => CallAsync(() => c.Inference.ServerMetadataAsync(new ServerMetadataRequest(), headers, FuzzClients.CallDeadline()).ResponseAsync)),
        };
    }

    /// <summary>Metadata a gRPC library lets through: printable ASCII text values, any bytes in <c>-bin</c>
    /// values, keys repeated. Kept under ~24 KiB in all, inside the server's header limits; headers beyond
    /// them are <see cref="RawGrpcCases"/>' business.</summary>
    public static Metadata Metadata(Random random)
    {
        var metadata = new Metadata();
        var budget = 24 * 1024;
        for (var i = random.Next(1, 7); i > 0 && budget > 0; i--)
        {
            var size = Math.Min(budget, HostileValues.Size(random, 6_000));
            budget -= size + 64;
            switch (random.Next(9))
            {
                case 0:
                    metadata.Add("x-api-key", HostileValues.Ascii(random, size));
                    break;
                case 1:
                    metadata.Add("authorization", "Bearer " + HostileValues.Ascii(random, size));
                    break;
                case 2:
                    metadata.Add("x-forwarded-client-cert", HostileValues.Ascii(random, size));
                    break;
                case 3:
                    metadata.Add("trace-bin", HostileValues.Bytes(random, size / 2));
                    break;
                case 4:
                    // A binary key twice: legal gRPC, sent as one comma-joined header.
                    metadata.Add("dup-bin", HostileValues.Bytes(random, size / 4));
                    metadata.Add("dup-bin", HostileValues.Bytes(random, size / 4));
                    break;
                case 5:
                    metadata.Add("x-dup", HostileValues.Ascii(random, size / 2));
                    metadata.Add("x-dup", HostileValues.Ascii(random, size / 2));
                    break;
                case 6:
                    metadata.Add("grpc-trace-bin", HostileValues.Bytes(random, Math.Min(size, 256)));
                    break;
                case 7:
                    for (var k = 0; k < 40; k++)
                    {
                        metadata.Add($"x-many-{k}", HostileValues.Ascii(random, 8));
                    }

                    break;
                default:
                    metadata.Add($"x-{random.Next(1000)}", HostileValues.Ascii(random, size));
                    break;
            }
        }

        return metadata;
    }

    private static async Task<FuzzOutcome> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            await call();
            return FuzzOutcome.GrpcOk;
        }
        catch (RpcException ex)
        {
            return FuzzOutcome.FromRpc(ex);
        }
    }

    private static void Mutate(Random random, ModelInferRequest request, WellFormed wellFormed, string mutation)
    {
        var input = request.Inputs.Count > 0 ? request.Inputs[random.Next(request.Inputs.Count)] : null;
        switch (mutation)
        {
            case "datatype" when input is not null:
                input.Datatype = HostileValues.DataTypes[random.Next(HostileValues.DataTypes.Length)];
                break;
            case "shape" when input is not null:
                input.Shape.Clear();
                input.Shape.AddRange(HostileValues.Shape(random, wellFormed.Shape));
                break;
            case "raw-size" when request.RawInputContents.Count > 0:
                var index = random.Next(request.RawInputContents.Count);
                var original = request.RawInputContents[index];
                request.RawInputContents[index] = random.Next(2) == 0
                    ? ByteString.CopyFrom(original.Span[..random.Next(original.Length + 1)])
                    : ByteString.CopyFrom(HostileValues.Bytes(random, HostileValues.Size(random, MaxRawBytes)));
                break;
            case "raw-extra":
                request.RawInputContents.Add(ByteString.CopyFrom(HostileValues.Bytes(random, HostileValues.Size(random, 8192))));
                break;
            case "raw-and-typed" when input is not null:
                input.Contents ??= new InferTensorContents();
                input.Contents.Fp32Contents.AddRange(Enumerable.Repeat(0.5f, random.Next(0, 1000)));
                if (request.RawInputContents.Count == 0)
                {
                    request.RawInputContents.Add(wellFormed.Raw.RawInputContents[0]);
                }

                break;
            case "typed-kind" when input is not null:
                request.RawInputContents.Clear();
                input.Contents = WrongKind(random, random.Next(0, 2000));
                break;
            case "typed-count" when input is not null:
                request.RawInputContents.Clear();
                input.Contents = new InferTensorContents();
                input.Contents.Fp32Contents.AddRange(Enumerable.Repeat(0.25f, HostileValues.Size(random, 20_000)));
                break;
            case "input-name" when input is not null:
                input.Name = HostileValues.Name(random, wellFormed.Input);
                break;
            case "duplicate-input" when input is not null:
                request.Inputs.Add(input.Clone());
                if (request.RawInputContents.Count > 0)
                {
                    request.RawInputContents.Add(request.RawInputContents[0]);
                }

                break;
            case "many-inputs":
                for (var i = random.Next(10, 3000); i > 0; i--)
                {
                    request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = $"in{i}", Datatype = "FP32", Shape = { 1 } });
                }

                break;
            case "outputs":
                for (var i = random.Next(1, 2000); i > 0; i--)
                {
                    request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = HostileValues.Name(random, "logits") });
                }

                break;
            case "parameters":
                var parameters = input is not null && random.Next(2) == 0 ? input.Parameters : request.Parameters;
                for (var i = random.Next(1, 50); i > 0; i--)
                {
                    parameters[HostileValues.Name(random, "binary_data_size")] = random.Next(4) switch
                    {
                        0 => new InferParameter { StringParam = HostileValues.Ascii(random, HostileValues.Size(random, 20_000)) },
                        1 => new InferParameter { Int64Param = random.NextInt64(long.MinValue, long.MaxValue) },
                        2 => new InferParameter { BoolParam = true },
                        _ => new InferParameter(),
                    };
                }

                break;
            case "model-name":
                request.ModelName = HostileValues.Name(random, wellFormed.Model);
                break;
            case "model-version":
                request.ModelVersion = HostileValues.Name(random, "1");
                break;
            case "id":
                request.Id = random.Next(2) == 0 ? HostileValues.Name(random, "fuzz") : new string('i', random.Next(1_000, 50_000));
                break;
            case "values" when request.RawInputContents.Count > 0 && request.RawInputContents[0].Length >= sizeof(float):
                var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(request.RawInputContents[0].Span).ToArray();
                float[] odd = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, float.MaxValue, -1f, 2f, float.Epsilon];
                for (var i = random.Next(1, floats.Length + 1); i > 0; i--)
                {
                    floats[random.Next(floats.Length)] = odd[random.Next(odd.Length)];
                }

                request.RawInputContents[0] = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(floats.AsSpan()));
                break;
            case "batch" when input is not null && request.RawInputContents.Count > 0:
                int[] batches = [2, 16, 64, 65, 1000];
                var batch = batches[random.Next(batches.Length)];
                input.Shape.Clear();
                input.Shape.AddRange([batch, .. wellFormed.Shape[1..]]);
                var one = wellFormed.Raw.RawInputContents[0].Span;
                var many = new byte[one.Length * batch];
                for (var b = 0; b < batch; b++)
                {
                    one.CopyTo(many.AsSpan(b * one.Length));
                }

                request.RawInputContents[0] = ByteString.CopyFrom(many);
                break;
        }
    }

    private static InferTensorContents WrongKind(Random random, int count)
    {
        var contents = new InferTensorContents();
        switch (random.Next(6))
        {
            case 0:
                contents.IntContents.AddRange(Enumerable.Range(0, count));
                break;
            case 1:
                contents.Int64Contents.AddRange(Enumerable.Range(0, count).Select(i => (long)i << 40));
                break;
            case 2:
                contents.BytesContents.AddRange(Enumerable.Range(0, count).Select(_ => ByteString.CopyFrom(HostileValues.Bytes(random, random.Next(0, 64)))));
                break;
            case 3:
                contents.BoolContents.AddRange(Enumerable.Range(0, count).Select(i => i % 2 == 0));
                break;
            case 4:
                contents.Fp64Contents.AddRange(Enumerable.Range(0, count).Select(i => i * 1e300));
                break;
            default:
                contents.UintContents.AddRange(Enumerable.Range(0, count).Select(i => (uint)i));
                contents.Fp32Contents.AddRange(Enumerable.Range(0, count).Select(i => (float)i));
                break;
        }

        return contents;
    }
}
