namespace NeuralSec.LoadTest;

/// <summary>
/// A temporary model repository holding a copy of one model's folder whose <c>config.yaml</c> turns dynamic batching
/// on (<see cref="BatchingSetting"/>): what a batched model server of <c>--dynamic-batching</c> serves, or the
/// autoencoder an <c>--auxiliary-batching</c> sidecar's detectors call, so the repository's own models stay as they
/// are. Deleted on dispose.
/// </summary>
internal sealed class BatchedRepository : IDisposable
{
    private const string ConfigFile = "config.yaml";

    private BatchedRepository(string path) => Path = path;

    public string Path { get; }

    public static BatchedRepository Create(string repository, string model, BatchingSetting setting)
    {
        var source = System.IO.Path.Combine(repository, model);
        var folder = Directory.CreateTempSubdirectory("neuralsec-loadtest-batched-").FullName;
        var copy = new BatchedRepository(folder);
        try
        {
            var target = System.IO.Path.Combine(folder, model);
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var destination = System.IO.Path.Combine(target, System.IO.Path.GetRelativePath(source, file));
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(destination)!);
                File.Copy(file, destination);
            }

            var configPath = System.IO.Path.Combine(target, ConfigFile);
            var config = File.Exists(configPath) ? File.ReadAllText(configPath) : string.Empty;
            var keys = config.Split('\n').Select(line => line.TrimEnd('\r')).ToArray();
            if (keys.Any(line => line.StartsWith("dynamicBatching:", StringComparison.Ordinal)))
            {
                throw new InvalidOperationException($"{System.IO.Path.Combine(source, ConfigFile)} already has dynamicBatching; --dynamic-batching and --auxiliary-batching add their own to a copy");
            }

            // Batching needs maxBatch; a model without one gets the batch size as its largest batch.
            var maxBatch = keys.Any(line => line.StartsWith("maxBatch:", StringComparison.Ordinal))
                ? string.Empty
                : FormattableString.Invariant($"maxBatch: {setting.MaxBatchSize}\n");
            File.WriteAllText(configPath, $"{maxBatch}{config}{(config.Length == 0 || config.EndsWith('\n') ? string.Empty : "\n")}{setting.Yaml}");
            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
