using NeuralSec.Detectors.Catalog;
using NeuralSec.Policy.Model;

namespace NeuralSec.Policy.Tests;

/// <summary><c>spec.detectOrder</c>: concurrent by default, cheapFirst when asked, anything else refused at its
/// position with the choices; and the catalog ranks the detectors it orders.</summary>
public sealed class DetectOrderPolicyTests
{
    [Fact]
    public void Binds_the_order_with_concurrent_by_default()
    {
        Assert.Equal(DetectOrder.Concurrent, PolicyYaml.Validate(PolicyYaml.Minimal).Policy!.DetectOrder);
        Assert.Equal(DetectOrder.CheapFirst, PolicyYaml.Validate(PolicyYaml.Minimal + "  detectOrder: cheapFirst\n").Policy!.DetectOrder);
        Assert.Equal(DetectOrder.Concurrent, PolicyYaml.Validate(PolicyYaml.Minimal + "  detectOrder: concurrent\n").Policy!.DetectOrder);
    }

    [Fact]
    public void An_unknown_order_is_refused_at_its_line_with_the_choices()
    {
        var error = Assert.Single(PolicyYaml.Errors(PolicyYaml.Minimal + "  detectOrder: fastest\n"));

        Assert.StartsWith("test.yaml:7:16: error:", error, StringComparison.Ordinal);
        Assert.Contains("concurrent", error, StringComparison.Ordinal);
        Assert.Contains("cheapFirst", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_catalog_ranks_pixel_statistics_below_models_and_strip_last()
    {
        var cost = DefenseCatalog.All.Where(d => d.Stage == DefenseStage.Detect).ToDictionary(d => d.Type, d => d.Cost);

        Assert.Equal(DetectorCost.Pixels, cost["statistics"]);
        Assert.Equal(DetectorCost.AuxiliaryModel, cost["reconstructionError"]);
        Assert.Equal(DetectorCost.ServedModel, cost["featureSqueezing"]);
        Assert.Equal(DetectorCost.ServedModelMany, cost["strip"]);
        Assert.Equal(4, cost.Count);
    }
}
