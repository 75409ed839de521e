using Google.Protobuf;
using NeuralSec.Lab.Nn;
using NeuralSec.Lab.Onnx.Proto;

namespace NeuralSec.Lab.Onnx;

/// <summary>Writes a lab <see cref="Network"/> as a plain opset-13 ONNX graph (Conv/Relu/MaxPool/AveragePool/Resize/Sigmoid/Flatten/Gemm).</summary>
public static class OnnxExporter
{
    public static byte[] Export(Network net, string graphName, string outputName, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var graph = new GraphProto { Name = graphName };
        graph.Input.Add(ValueInfo(OnnxNames.Input, net.InputShape));
        var current = OnnxNames.Input;
        // Dropout is the identity at inference, so it has no node.
        var layers = net.Layers.Where(l => l is not Dropout).ToList();
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var output = i == layers.Count - 1 ? outputName : $"t{i}";
            var prefix = $"l{i}_";
            var node = new NodeProto { Name = $"{layer.GetType().Name.ToLowerInvariant()}_{i}" };
            node.Input.Add(current);
            node.Output.Add(output);
            switch (layer)
            {
                case Conv2d c:
                    node.OpType = "Conv";
                    node.Input.Add(AddInitializer(graph, prefix + "W", c.Weight.Shape, c.Weight.Value));
                    node.Input.Add(AddInitializer(graph, prefix + "B", c.Bias.Shape, c.Bias.Value));
                    node.Attribute.Add(Ints("kernel_shape", c.Kernel, c.Kernel));
                    node.Attribute.Add(Ints("pads", c.Pad, c.Pad, c.Pad, c.Pad));
                    node.Attribute.Add(Ints("strides", 1, 1));
                    break;
                case MaxPool2d:
                    node.OpType = "MaxPool";
                    node.Attribute.Add(Ints("kernel_shape", 2, 2));
                    node.Attribute.Add(Ints("strides", 2, 2));
                    break;
                case AvgPool2d:
                    node.OpType = "AveragePool";
                    node.Attribute.Add(Ints("kernel_shape", 2, 2));
                    node.Attribute.Add(Ints("strides", 2, 2));
                    break;
                case Upsample2d:
                    node.OpType = "Resize";
                    node.Input.Add(string.Empty); // roi: unused by nearest/asymmetric
                    node.Input.Add(AddInitializer(graph, prefix + "scales", [4], [1f, 1f, 2f, 2f]));
                    node.Attribute.Add(Str("mode", "nearest"));
                    node.Attribute.Add(Str("coordinate_transformation_mode", "asymmetric"));
                    node.Attribute.Add(Str("nearest_mode", "floor"));
                    break;
                case Relu:
                    node.OpType = "Relu";
                    break;
                case Sigmoid:
                    node.OpType = "Sigmoid";
                    break;
                case Flatten:
                    node.OpType = "Flatten";
                    node.Attribute.Add(new AttributeProto { Name = "axis", I = 1, Type = AttributeProto.Types.AttributeType.Int });
                    break;
                case Dense d:
                    node.OpType = "Gemm";
                    node.Input.Add(AddInitializer(graph, prefix + "W", d.Weight.Shape, d.Weight.Value));
                    node.Input.Add(AddInitializer(graph, prefix + "B", d.Bias.Shape, d.Bias.Value));
                    node.Attribute.Add(new AttributeProto { Name = "transB", I = 1, Type = AttributeProto.Types.AttributeType.Int });
                    break;
                default:
                    throw new LabException($"cannot export layer {layer.GetType().Name} to ONNX");
            }

            graph.Node.Add(node);
            current = output;
        }

        graph.Output.Add(ValueInfo(outputName, net.OutputShape));
        var model = new ModelProto
        {
            IrVersion = OnnxNames.IrVersion,
            ProducerName = "neuralsec-lab",
            ProducerVersion = "1",
            Domain = "ai.neuralsec",
            ModelVersion = 1,
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OnnxNames.Opset });
        foreach (var (k, v) in metadata ?? new Dictionary<string, string>())
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = k, Value = v });
        }

        return model.ToByteArray();
    }

    private static ValueInfoProto ValueInfo(string name, int[] itemShape)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = OnnxNames.BatchDim });
        foreach (var d in itemShape)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static string AddInitializer(GraphProto graph, string name, int[] shape, float[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(shape.Select(d => (long)d));
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw_data is little-endian");
        }

        t.RawData = ByteString.CopyFrom(bytes);
        graph.Initializer.Add(t);
        return name;
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    private static AttributeProto Str(string name, string value)
        => new() { Name = name, S = ByteString.CopyFromUtf8(value), Type = AttributeProto.Types.AttributeType.String };
}
