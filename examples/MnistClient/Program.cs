using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using NeuralSec.Protocol.Inference;
using NeuralSec.Data;

// mnist-client: sends one test digit of the committed MNIST fixture to an OIP v2 server (the sidecar, or the
// model server behind it) and prints the prediction.
//   mnist-client [--address http://127.0.0.1:8001] [--index 0] [--model mnist]
//   mnist-client --json [--index 0]      writes the REST v2 request body for the same digit to stdout
var address = "http://127.0.0.1:8001";
var index = 0;
var model = "mnist";
var json = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--address" when i + 1 < args.Length: address = args[++i]; break;
        case "--index" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n): index = n; i++; break;
        case "--model" when i + 1 < args.Length: model = args[++i]; break;
        case "--json": json = true; break;
        default:
            Console.Error.WriteLine($"mnist-client: unknown or incomplete argument '{args[i]}'");
            Console.Error.WriteLine("usage: mnist-client [--address URL] [--index N] [--model NAME] [--json]");
            return 2;
    }
}

var test = MnistDataset.Load().Test;
if (index < 0 || index >= test.Count)
{
    Console.Error.WriteLine($"mnist-client: --index must be in 0..{test.Count - 1}");
    return 2;
}

var image = test.Images.AsSpan(index * 784, 784).ToArray();
var label = test.Labels[index];

if (json)
{
    var body = new { id = $"digit-{index}", inputs = new[] { new { name = "input", shape = new[] { 1, 1, 28, 28 }, datatype = "FP32", data = image } } };
    Console.WriteLine(JsonSerializer.Serialize(body));
    return 0;
}

using var channel = GrpcChannel.ForAddress(address);
var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
var request = new ModelInferRequest { ModelName = model, Id = $"digit-{index}" };
var input = new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32" };
input.Shape.AddRange([1, 1, 28, 28]);
request.Inputs.Add(input);
request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(image.AsSpan())));

try
{
    using var call = client.ModelInferAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
    var response = await call.ResponseAsync;
    var logits = MemoryMarshal.Cast<byte, float>(response.RawOutputContents[0].Span);
    var predicted = 0;
    for (var k = 1; k < logits.Length; k++)
    {
        predicted = logits[k] > logits[predicted] ? k : predicted;
    }

    Console.WriteLine($"digit #{index}: label {label}, predicted {predicted} (model {response.ModelName} v{response.ModelVersion}, request id {call.GetTrailers().GetValue("x-neuralsec-request-id") ?? "-"})");
    return 0;
}
catch (RpcException ex)
{
    Console.Error.WriteLine($"mnist-client: {ex.StatusCode}: {ex.Status.Detail} (reason {ex.Trailers.GetValue("x-neuralsec-reason") ?? "-"}, request id {ex.Trailers.GetValue("x-neuralsec-request-id") ?? "-"})");
    return 1;
}
