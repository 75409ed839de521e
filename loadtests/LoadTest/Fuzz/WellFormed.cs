using System.Globalization;
using System.Text;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest.Fuzz;

/// <summary>
/// The well-formed requests every hostile one starts from — one real MNIST digit (so the untouched request passes
/// the shipped detectors) as raw contents, as typed contents and as a REST JSON body — built once from the model's
/// own metadata. Structure-aware fuzzing mutates these rather than sending noise only: most of the interesting
/// paths lie one step from a valid request.
/// </summary>
internal sealed record WellFormed(string Model, string Input, long[] Shape, ModelInferRequest Raw, ModelInferRequest Typed, string Json)
{
    public static WellFormed From(ModelMetadataResponse metadata, float[]? image)
    {
        var raw = RequestFactory.Build(metadata, 1, image);
        raw.Id = "fuzz";
        var tensor = raw.Inputs[0];
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw.RawInputContents[0].Span).ToArray();

        var typed = raw.Clone();
        typed.RawInputContents.Clear();
        typed.Inputs[0].Contents = new InferTensorContents();
        typed.Inputs[0].Contents.Fp32Contents.AddRange(values);

        var json = new StringBuilder();
        json.Append(CultureInfo.InvariantCulture, $"{{\"id\":\"fuzz\",\"inputs\":[{{\"name\":\"{tensor.Name}\",\"datatype\":\"{tensor.Datatype}\",\"shape\":[{string.Join(',', tensor.Shape)}],\"data\":[");
        json.AppendJoin(',', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        json.Append("]}]}");
        return new WellFormed(metadata.Name, tensor.Name, [.. tensor.Shape], raw, typed, json.ToString());
    }
}
