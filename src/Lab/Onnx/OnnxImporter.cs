using Google.Protobuf;
using NeuralSec.Lab.Nn;
using NeuralSec.Lab.Onnx.Proto;

namespace NeuralSec.Lab.Onnx;

/// <summary>
/// Reads back the ONNX graphs <see cref="OnnxExporter"/> writes, so attacks and evaluation run against the
/// exact committed files. Anything outside that subset is rejected with a message, not a stack trace.
/// </summary>
public static class OnnxImporter
{
    public static Network Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new LabException($"model file not found: {path}");
        }

        try
        {
            return Parse(File.ReadAllBytes(path));
        }
        catch (LabException e)
        {
            throw new LabException($"{path}: {e.Message}", e);
        }
    }

    public static Network Parse(byte[] bytes)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new LabException($"not a valid ONNX protobuf ({e.Message})", e);
        }

        var graph = model.Graph;
        if (graph is null || graph.Node.Count == 0)
        {
            throw new LabException("not a valid ONNX model: it has no graph nodes");
        }

        if (graph.Input.Count == 0 || graph.Output.Count == 0)
        {
            throw new LabException("ONNX graph has no declared input or output");
        }

        var inputShape = ReadItemShape(graph.Input[0]);
        if (inputShape.Length != 3)
        {
            throw new LabException($"ONNX input '{graph.Input[0].Name}' must be [batch,C,H,W], got rank {inputShape.Length + 1}");
        }

        var inits = graph.Initializer.ToDictionary(t => t.Name, t => t);
        var layers = new List<ILayer>();
        var channels = inputShape[0];
        var current = graph.Input[0].Name;
        foreach (var node in graph.Node)
        {
            if (node.Input.Count == 0 || node.Input[0] != current)
            {
                throw new LabException($"ONNX node '{node.Name}' ({node.OpType}) does not continue a single chain; only sequential graphs are supported");
            }

            ILayer layer = node.OpType switch
            {
                "Conv" => Conv(node, inits, ref channels),
                "Relu" => new Relu(),
                "Sigmoid" => new Sigmoid(),
                "MaxPool" => new MaxPool2d(),
                "AveragePool" => new AvgPool2d(),
                "Resize" => new Upsample2d(),
                "Flatten" => new Flatten(),
                "Gemm" => Gemm(node, inits),
                _ => throw new LabException($"unsupported ONNX operator '{node.OpType}' in node '{node.Name}'"),
            };
            layers.Add(layer);
            current = node.Output[0];
        }

        try
        {
            return new Network(inputShape, layers);
        }
        catch (ArgumentException e)
        {
            throw new LabException($"ONNX graph shapes do not line up: {e.Message}", e);
        }
    }

    private static int[] ReadItemShape(ValueInfoProto vi)
    {
        var dims = vi.Type?.TensorType?.Shape?.Dim ?? throw new LabException($"ONNX input '{vi.Name}' has no tensor shape");
        return dims.Skip(1).Select(d => d.HasDimValue ? (int)d.DimValue : throw new LabException($"ONNX input '{vi.Name}' has a symbolic non-batch dimension")).ToArray();
    }

    private static Conv2d Conv(NodeProto node, Dictionary<string, TensorProto> inits, ref int channels)
    {
        var w = Weights(node, 1, inits, 4);
        var b = Weights(node, 2, inits, 1);
        var k = (int)w.Dims[2];
        var pads = node.Attribute.FirstOrDefault(a => a.Name == "pads")?.Ints.ToArray() ?? [0, 0, 0, 0];
        var conv = new Conv2d((int)w.Dims[1], (int)w.Dims[0], k, (int)pads[0]);
        Copy(w, conv.Weight);
        Copy(b, conv.Bias);
        channels = conv.OutChannels;
        return conv;
    }

    private static Dense Gemm(NodeProto node, Dictionary<string, TensorProto> inits)
    {
        if (node.Attribute.FirstOrDefault(a => a.Name == "transB")?.I != 1)
        {
            throw new LabException($"Gemm node '{node.Name}' must use transB=1");
        }

        var w = Weights(node, 1, inits, 2);
        var b = Weights(node, 2, inits, 1);
        var dense = new Dense((int)w.Dims[1], (int)w.Dims[0]);
        Copy(w, dense.Weight);
        Copy(b, dense.Bias);
        return dense;
    }

    private static TensorProto Weights(NodeProto node, int index, Dictionary<string, TensorProto> inits, int rank)
    {
        if (node.Input.Count <= index || !inits.TryGetValue(node.Input[index], out var t))
        {
            throw new LabException($"node '{node.Name}' ({node.OpType}) is missing initializer input {index}");
        }

        if (t.Dims.Count != rank || t.DataType != (int)TensorProto.Types.DataType.Float)
        {
            throw new LabException($"initializer '{t.Name}' must be a rank-{rank} float tensor");
        }

        return t;
    }

    private static void Copy(TensorProto t, Parameter p)
    {
        var count = p.Value.Length;
        if (t.RawData.Length == count * sizeof(float))
        {
            Buffer.BlockCopy(t.RawData.ToByteArray(), 0, p.Value, 0, count * sizeof(float));
        }
        else if (t.FloatData.Count == count)
        {
            t.FloatData.CopyTo(p.Value, 0);
        }
        else
        {
            throw new LabException($"initializer '{t.Name}' holds the wrong number of values for shape [{string.Join(",", t.Dims)}]");
        }
    }
}
