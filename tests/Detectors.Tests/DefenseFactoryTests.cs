using NeuralSec.Detectors.Catalog;
using NeuralSec.Detectors.Detection.FeatureSqueezing;
using NeuralSec.Detectors.Detection.ReconstructionError;
using NeuralSec.Detectors.Detection.Strip;
using NeuralSec.Detectors.Images;
using NeuralSec.Detectors.Preprocessing.BitDepth;
using NeuralSec.Detectors.Preprocessing.Jpeg;
using NeuralSec.Detectors.Preprocessing.NonLocalMeans;
using NeuralSec.Detectors.Preprocessing.RandomResizePad;

namespace NeuralSec.Detectors.Tests;

public sealed class DefenseFactoryTests
{
    private static readonly Dictionary<string, object> None = [];

    [Fact]
    public void AppliesDefaults_FromDefinitions()
    {
        var bitDepth = Assert.IsType<BitDepthPreprocessor>(DefenseFactory.CreatePreprocessor("bitDepth", None));
        var squeezing = Assert.IsType<FeatureSqueezingDetector>(DefenseFactory.CreateDetector("featureSqueezing", None));
        var resize = Assert.IsType<RandomResizePadPreprocessor>(DefenseFactory.CreatePreprocessor("randomResizePad"));

        Assert.Equal(5, bitDepth.Options.Bits);
        Assert.Equal(["bitDepth1", "median2"], squeezing.Options.Squeezers);
        Assert.Equal(new RandomResizePadOptions(0.9, 0, ResizeInterpolation.Nearest), resize.Options);
    }

    [Fact]
    public void ReadsValues_AsThePolicyParserProducesThem()
    {
        var jpeg = Assert.IsType<JpegPreprocessor>(DefenseFactory.CreatePreprocessor("jpeg", new Dictionary<string, object> { ["quality"] = 85L }));
        var nlm = Assert.IsType<NonLocalMeansPreprocessor>(DefenseFactory.CreatePreprocessor("nonLocalMeans", new Dictionary<string, object>
        {
            ["searchWindow"] = 7L,
            ["blockSize"] = 3.0, // an integral double is an integer
            ["strength"] = 4L,   // an integer is a number
        }));
        var magnet = Assert.IsType<ReconstructionErrorDetector>(DefenseFactory.CreateDetector("reconstructionError", new Dictionary<string, object>
        {
            ["autoencoder"] = "mnist-autoencoder",
            ["metric"] = "divergence",
            ["temperature"] = 40.0,
        }));

        Assert.Equal(85, jpeg.Options.Quality);
        Assert.Equal(new NonLocalMeansOptions(7, 3, 4), nlm.Options);
        Assert.Equal(new ReconstructionErrorOptions("mnist-autoencoder", ReconstructionMetric.Divergence, 2, 40), magnet.Options);
    }

    [Fact]
    public void RejectsBadValues_ListingEveryProblem()
    {
        var error = Assert.Throws<DefenseConfigurationException>(() => DefenseFactory.CreatePreprocessor("nonLocalMeans", new Dictionary<string, object>
        {
            ["searchWindow"] = 8L,
            ["blockSize"] = "three",
            ["strenght"] = 2.0,
        }));

        Assert.Equal("nonLocalMeans", error.Type);
        Assert.Equal(3, error.Errors.Count);
        Assert.Contains(error.Errors, e => e.Contains("unknown option 'strenght'") && e.Contains("strength"));
        Assert.Contains(error.Errors, e => e.Contains("'blockSize' must be an integer in [1, 9]; got \"three\""));
        Assert.Contains(error.Errors, e => e.Contains("'searchWindow' must be odd"));
        Assert.Contains("invalid options for defense 'nonLocalMeans'", error.Message);
    }

    [Theory]
    [InlineData("bitDepth", "bits", 9L, "in [1, 8]")]
    [InlineData("bitDepth", "bits", 2.5, "an integer")]
    [InlineData("median", "size", 1L, "in [2, 9]")]
    [InlineData("jpeg", "quality", 0L, "in [1, 100]")]
    [InlineData("gaussianNoise", "clip", "yes", "true or false")]
    [InlineData("randomResizePad", "interpolation", "bicubic", "one of nearest, bilinear")]
    [InlineData("gaussianBlur", "sigma", double.NaN, "a number")]
    public void RejectsOutOfRangeOrMistypedOption(string type, string option, object value, string expected)
    {
        var error = Assert.Throws<DefenseConfigurationException>(() => DefenseFactory.CreatePreprocessor(type, new Dictionary<string, object> { [option] = value }));

        Assert.Contains($"option '{option}' must be", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void RejectsUnknownType_AndWrongStage()
    {
        var unknown = Assert.Throws<DefenseConfigurationException>(() => DefenseFactory.CreatePreprocessor("jpg"));
        var wrongStage = Assert.Throws<DefenseConfigurationException>(() => DefenseFactory.CreatePreprocessor("strip"));

        Assert.Contains("unknown preprocessing defense type 'jpg'", unknown.Message);
        Assert.Contains("jpeg", unknown.Message);
        Assert.Contains("unknown preprocessing defense type 'strip'", wrongStage.Message);
    }

    [Fact]
    public void Detector_RequiredOptions_AreReported()
    {
        var magnet = Assert.Throws<DefenseConfigurationException>(() => DefenseFactory.CreateDetector("reconstructionError", None));
        var stats = Assert.Throws<DefenseConfigurationException>(() => DefenseFactory.CreateDetector("statistics", new Dictionary<string, object>
        {
            ["features"] = new[] { "mean", "std" },
            ["benignMean"] = new[] { 0.1 },
            ["benignStd"] = new[] { 0.1, 0.0 },
        }));

        Assert.Contains("missing required option 'autoencoder'", magnet.Message);
        Assert.Contains(stats.Errors, e => e.Contains("'benignMean' has 1 values for 2 features"));
        Assert.Contains(stats.Errors, e => e.Contains("'benignStd' values must be greater than 0"));
    }

    [Fact]
    public void Strip_LoadsItsPool_ThroughTheHost()
    {
        var pool = new ImageBatch(new float[2 * 4], 2, 1, 2, 2);
        string? requested = null;
        var resources = new DefenseResources { LoadImages = name => { requested = name; return pool; } };

        var strip = Assert.IsType<StripDetector>(DefenseFactory.CreateDetector("strip", new Dictionary<string, object> { ["pool"] = "pools/mnist-clean.bin" }, resources));
        var withoutLoader = Assert.Throws<DefenseConfigurationException>(() => DefenseFactory.CreateDetector("strip", new Dictionary<string, object> { ["pool"] = "p" }));

        Assert.Equal("pools/mnist-clean.bin", requested);
        Assert.Equal(new StripOptions("pools/mnist-clean.bin", 100, false, true), strip.Options);
        Assert.True(strip.FlagsBelowThreshold);
        Assert.Contains("no image loader", withoutLoader.Message);
    }

    [Fact]
    public void Validate_ReturnsErrors_WithoutLoadingAnything()
    {
        Assert.Empty(DefenseFactory.Validate("strip", new Dictionary<string, object> { ["pool"] = "missing-file" }));
        Assert.Single(DefenseFactory.Validate("strip", new Dictionary<string, object> { ["pool"] = "p", ["samples"] = 0L }));
        Assert.Single(DefenseFactory.Validate("nope", None));
    }

    [Fact]
    public void Catalog_RegistersEveryDefense_WithBuildersAndTypedDefaults()
    {
        string[] preprocess = ["bitDepth", "median", "gaussianBlur", "nonLocalMeans", "jpeg", "randomResizePad", "randomShift", "gaussianNoise"];
        string[] detect = ["featureSqueezing", "reconstructionError", "strip", "statistics"];
        string[] stream = ["nearDuplicate", "distanceDistribution", "queryCoverage", "flaggedInputs"];

        Assert.Equal(preprocess.Order(), DefenseCatalog.All.Where(d => d.Stage == DefenseStage.Preprocess).Select(d => d.Type).Order());
        Assert.Equal(detect.Order(), DefenseCatalog.All.Where(d => d.Stage == DefenseStage.Detect).Select(d => d.Type).Order());
        Assert.Equal(stream.Order(), DefenseCatalog.All.Where(d => d.Stage == DefenseStage.Stream).Select(d => d.Type).Order());
        foreach (var definition in DefenseCatalog.All)
        {
            Assert.NotNull(definition.Build);
            Assert.Equal(definition.Stage != DefenseStage.Preprocess, definition.AtlasTechniqueId is not null);
            foreach (var option in definition.Options.Where(o => o.Default is not null))
            {
                // The policy binder stores defaults as they are: they must have the type a parsed value of that kind has.
                var expected = option.Kind switch
                {
                    OptionKind.Integer => typeof(long),
                    OptionKind.Number => typeof(double),
                    OptionKind.Boolean => typeof(bool),
                    OptionKind.String or OptionKind.Enum => typeof(string),
                    OptionKind.StringList => typeof(string[]),
                    _ => typeof(double[]),
                };
                Assert.IsType(expected, option.Default);
            }
        }

        Assert.True(DefenseCatalog.Find("strip")!.FlagsBelowThreshold);
        Assert.True(DefenseCatalog.Find("strip")!.Options.Single(o => o.Name == "pool").IsFileReference);
        Assert.True(DefenseCatalog.Find("reconstructionError")!.Options.Single(o => o.Name == "autoencoder").IsFileReference);
    }
}
