using Google.Protobuf;
using NeuralSec.Lab.Onnx.Proto;

namespace NeuralSec.Gateway.Tests.OnnxRuntime;

/// <summary>
/// Hand-built ONNX graphs of one or two nodes, for what the MNIST fixtures cannot show: inputs whose non-batch
/// dimensions vary, a model with a fixed first dimension, a model that fails on some values, and one that does not
/// keep its batch first. Written with the lab's ONNX protobuf types, run by the real ONNX Runtime.
/// </summary>
internal static class TinyModels
{
    /// <summary><c>x</c> f32 [batch, n] → <c>y</c> f32 [batch, 1], each row's sum: n varies between requests.</summary>
    public static byte[] RowSum() => Model(
        [Float("x", "batch", "n")],
        [Float("y", "batch", 1)],
        [Int64s("axes", [1], 1)],
        Node("ReduceSum", ["x", "axes"], ["y"], Int("keepdims", 1)));

    /// <summary><c>x</c> f32 [1, 4] → <c>y</c> f32 [1, 4]: no batch dimension to batch along.</summary>
    public static byte[] FixedBatch() => Model(
        [Float("x", 1, 4)],
        [Float("y", 1, 4)],
        [],
        Node("Identity", ["x"], ["y"]));

    /// <summary><c>index</c> i64 [batch] → <c>y</c> f32 [batch, 2], rows of a 3×2 table: an index outside 0…2 fails
    /// the execution (a value-dependent model error).</summary>
    public static byte[] TableLookup() => Model(
        [Int64("index", "batch")],
        [Float("y", "batch", 2)],
        [FloatTensor("table", [3, 2], [0, 1, 10, 11, 20, 21])],
        Node("Gather", ["table", "index"], ["y"], Int("axis", 0)));

    /// <summary><c>x</c> f32 [batch, n] → <c>y</c> f32 [n, batch], the transpose: its first dimension is variable
    /// but not the batch, so a batch's output cannot be split between its requests.</summary>
    public static byte[] Transpose() => Model(
        [Float("x", "batch", "n")],
        [Float("y", "n", "batch")],
        [],
        Node("Transpose", ["x"], ["y"]));

    private static byte[] Model(ValueInfoProto[] inputs, ValueInfoProto[] outputs, TensorProto[] initializers, NodeProto node)
    {
        var graph = new GraphProto { Name = "tiny" };
        graph.Input.AddRange(inputs);
        graph.Output.AddRange(outputs);
        graph.Initializer.AddRange(initializers);
        graph.Node.Add(node);
        var model = new ModelProto { IrVersion = 8, ProducerName = "neuralsec-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 13 });
        return model.ToByteArray();
    }

    private static NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = op.ToLowerInvariant() };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, I = value, Type = AttributeProto.Types.AttributeType.Int };

    private static ValueInfoProto Float(string name, params object[] dims) => Value(name, TensorProto.Types.DataType.Float, dims);

    private static ValueInfoProto Int64(string name, params object[] dims) => Value(name, TensorProto.Types.DataType.Int64, dims);

    /// <summary>A tensor's declaration; each dimension a number or a symbolic name (variable).</summary>
    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    private static TensorProto Int64s(string name, long[] dims, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        return tensor;
    }

    private static TensorProto FloatTensor(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        return tensor;
    }
}
