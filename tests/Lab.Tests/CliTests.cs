using NeuralSec.Lab.Cli;
using NeuralSec.Lab.Nn;
using NeuralSec.Lab.Onnx;

namespace NeuralSec.Lab.Tests;

/// <summary>Bad input gives one clear line on stderr and a non-zero exit — never a stack trace.</summary>
public sealed class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = LabCli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static void AssertCleanError(string err, string expected)
    {
        Assert.Contains(expected, err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void MissingModelFile_ExitsOneWithAClearMessage()
    {
        var (code, _, err) = Run("eval", "/definitely/not/here.onnx");
        Assert.Equal(1, code);
        AssertCleanError(err, "model file not found");
    }

    [Fact]
    public void CorruptOnnx_ExitsOneWithAClearMessage()
    {
        var path = Path.Combine(TestData.TempDir(), "corrupt.onnx");
        File.WriteAllBytes(path, [0x08, 0x07, 0x12, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]);
        var (code, _, err) = Run("eval", path);
        Assert.Equal(1, code);
        AssertCleanError(err, "corrupt.onnx");
    }

    [Fact]
    public void TruncatedOnnx_ExitsOneWithAClearMessage()
    {
        var full = File.ReadAllBytes(NeuralSec.Data.RepositoryPaths.ModelFile("mnist"));
        var path = Path.Combine(TestData.TempDir(), "truncated.onnx");
        File.WriteAllBytes(path, full[..(full.Length / 2)]);
        var (code, _, err) = Run("robustness", path);
        Assert.Equal(1, code);
        AssertCleanError(err, "truncated.onnx");
    }

    [Fact]
    public void WrongInputShape_ExitsOneWithAClearMessage()
    {
        var net = new Network([1, 14, 14], [new Flatten(), new Dense(196, 10)]);
        var path = Path.Combine(TestData.TempDir(), "small.onnx");
        File.WriteAllBytes(path, OnnxExporter.Export(net, "small", OnnxNames.Logits));
        var (code, _, err) = Run("eval", path);
        Assert.Equal(1, code);
        AssertCleanError(err, "[batch,1,14,14] but the MNIST data is [batch,1,28,28]");
    }

    [Fact]
    public void MissingDataset_ExitsOneWithAClearMessage()
    {
        var (code, _, err) = Run("data", "info", "--data", "/nope/mnist.bin.gz");
        Assert.Equal(1, code);
        AssertCleanError(err, "dataset file not found");
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("train", "mnist-huge")]
    [InlineData("train", "mnist", "--seed", "abc")]
    [InlineData("attack", "--eps")]
    [InlineData("eval")]
    public void UsageErrors_ExitTwo(params string[] args)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        AssertCleanError(err, "neuralsec-lab");
    }

    [Fact]
    public void Eval_PrintsAccuracyOfTheDefaultModel()
    {
        var (code, output, err) = Run("eval", NeuralSec.Data.RepositoryPaths.ModelFile("mnist-backdoor"), "--trigger");
        Assert.Equal(0, code);
        Assert.Empty(err);
        Assert.Contains("accuracy on 2000 test digits", output, StringComparison.Ordinal);
        Assert.Contains("backdoor trigger", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("data", "--help")]
    [InlineData("data", "info", "--help")]
    [InlineData("train", "--help")]
    [InlineData("eval", "--help")]
    [InlineData("attack", "--help")]
    [InlineData("robustness", "-h")]
    [InlineData("help", "attack")]
    public void Help_ExitsZero_OnEveryCommand(params string[] args)
    {
        var (code, output, err) = Run(args);
        Assert.Equal(0, code);
        Assert.Empty(err);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 success, 1 failure, 2 usage error.", output, StringComparison.Ordinal);
    }

    [Fact]
    public void RootHelp_ListsEveryCommand()
    {
        var (_, output, _) = Run("--help");
        foreach (var command in new[] { "data", "train", "eval", "attack", "robustness" })
        {
            Assert.Contains($"  {command}", output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("neuralsec-lab: unknown command 'trian'; did you mean 'train'?", "trian", "all")]
    [InlineData("neuralsec-lab attack: unknown option '--stpes'; did you mean '--steps'?", "attack", "--stpes", "10")]
    [InlineData("neuralsec-lab train: unknown model 'mnist-bakdoor'; expected all or one of: mnist, mnist-backdoor, mnist-autoencoder, mnist-adv, mnist-distilled; did you mean 'mnist-backdoor'?", "train", "mnist-bakdoor")]
    [InlineData("neuralsec-lab robustness: --loss is ce or margin, not 'marign'; did you mean 'margin'?", "robustness", "m.onnx", "--loss", "marign")]
    [InlineData("neuralsec-lab data: unknown command 'inof'; did you mean 'info'?", "data", "inof")]
    public void Typos_ExitTwo_WithASuggestion(string expected, params string[] args)
    {
        var (code, output, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Empty(output);
        AssertCleanError(err, expected);
    }

    [Theory]
    [InlineData("neuralsec-lab attack: --count needs a value", "attack", "--count")]
    [InlineData("neuralsec-lab eval: missing <model.onnx>", "eval")]
    [InlineData("neuralsec-lab: missing command; expected one of: data, train, eval, attack, robustness")]
    public void MissingValues_ExitTwo(string expected, params string[] args)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        AssertCleanError(err, expected);
    }
}
