using NeuralSec.Detectors.Images;

namespace NeuralSec.Gateway.Defenses;

/// <summary>Reads an <see cref="ImageSetFormat"/> file, naming the file in any error.</summary>
internal static class ImageSetFile
{
    public static ImageBatch Read(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return ImageSetFormat.Read(stream);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }
}
