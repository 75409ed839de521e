using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Backends;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Services;

/// <summary>A <see cref="ModelDescriptor"/> as the OIP's ModelMetadataResponse.</summary>
internal static class ModelMetadataMapper
{
    public static ModelMetadataResponse ToResponse(ModelDescriptor model)
    {
        var response = new ModelMetadataResponse { Name = model.Name, Platform = model.Platform };
        response.Versions.AddRange(model.Versions);
        response.Inputs.AddRange(model.Inputs.Select(ToMetadata));
        response.Outputs.AddRange(model.Outputs.Select(ToMetadata));
        return response;
    }

    private static ModelMetadataResponse.Types.TensorMetadata ToMetadata(TensorSpec spec)
    {
        var metadata = new ModelMetadataResponse.Types.TensorMetadata { Name = spec.Name, Datatype = spec.DataType.ToWireName() };
        metadata.Shape.AddRange(spec.Shape);
        return metadata;
    }
}
