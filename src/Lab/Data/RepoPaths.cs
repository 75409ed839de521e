namespace NeuralSec.Lab.Data;

/// <summary>Default locations, resolved from the repository root (the folder holding NeuralSec.sln).</summary>
public static class RepoPaths
{
    /// <summary>Walks up from the current directory, then from the assembly's folder, to NeuralSec.sln.</summary>
    public static string Root()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "NeuralSec.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new LabException("cannot find the repository root (no NeuralSec.sln above the current directory); pass explicit paths");
    }

    public static string MnistFile() => Path.Combine(Root(), "data", "mnist", "mnist-10k.bin.gz");

    public static string ModelRepository() => Path.Combine(Root(), "models", "repository");

    public static string ModelFile(string name) => Path.Combine(ModelRepository(), name, "1", "model.onnx");

    public static string AdversarialDir() => Path.Combine(Root(), "artifacts", "adversarial");
}
