using System.CommandLine;
using System.CommandLine.Invocation;
using System.Runtime.InteropServices;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using NeuralSec.Data;
using NeuralSec.Protocol.Inference;

// mnist-client: sends one test digit of the committed MNIST fixture to an OIP v2 server (the sidecar, or the
// model server behind it) and prints the prediction. Plain System.CommandLine, so the file can be copied alone;
// exit codes as every NeuralSec tool: 0 done, 1 failure (server error, unreachable), 2 usage error.
var address = new Option<Uri>("--address")
{
    Description = "the OIP v2 gRPC endpoint (the sidecar, or the model server)",
    HelpName = "URL",
    DefaultValueFactory = _ => new Uri("http://127.0.0.1:8001"),
    CustomParser = result =>
    {
        var text = result.Tokens[^1].Value;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri;
        }

        result.AddError($"--address must be an http:// or https:// address, got '{text}'");
        return null;
    },
};
var index = new Option<int>("--index") { Description = "which test digit to send (0..1999)", HelpName = "N", DefaultValueFactory = _ => 0 };
var model = new Option<string>("--model") { Description = "the model to ask", HelpName = "NAME", DefaultValueFactory = _ => "mnist" };
var json = new Option<bool>("--json") { Description = "write the REST v2 request body for the same digit to stdout instead of calling gRPC" };
var root = new RootCommand("Send one MNIST test digit to an Open Inference Protocol v2 server and print the prediction")
{
    address, index, model, json,
};
root.SetAction((parseResult, cancellationToken) => RunAsync(parseResult.GetRequiredValue(address), parseResult.GetValue(index), parseResult.GetRequiredValue(model), parseResult.GetValue(json), cancellationToken));

var parsed = root.Parse(args);
if (parsed.Action is ParseErrorAction errors)
{
    // System.CommandLine's own report (the error and its "did you mean"), all of it on stderr, and exit code 2.
    errors.ShowHelp = false;
    parsed.Invoke(new InvocationConfiguration { Output = Console.Error });
    return 2;
}

return await parsed.InvokeAsync();

static async Task<int> RunAsync(Uri address, int index, string model, bool json, CancellationToken cancellationToken)
{
    MnistSplit test;
    try
    {
        test = MnistDataset.Load().Test;
    }
    catch (Exception ex) when (ex is IOException or InvalidDataException)
    {
        Console.Error.WriteLine($"mnist-client: {ex.Message}");
        return 1;
    }

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
        using var call = client.ModelInferAsync(request, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
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
}
