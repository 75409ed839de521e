namespace NeuralSec.Gateway.Policy.Runtime;

/// <summary>Where the policies live and how changes are picked up (<c>NeuralSec:Policies</c>).</summary>
internal sealed class PolicyOptions
{
    public const string SectionName = "NeuralSec:Policies";

    /// <summary>The policy folder: absolute, or relative to the content root (the executable's folder, where the
    /// build copies <c>policies/*.yaml</c>).</summary>
    public string Directory { get; set; } = "policies";

    /// <summary>How often the folder's content hashes are compared, as a fallback for file-system events that
    /// never come (network volumes, some ConfigMap symlink swaps, exhausted inotify watches).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Quiet time after a file-system event before reloading, so an editor's save-in-three-writes or a
    /// ConfigMap swap is read once, whole.</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Turn off where inotify misbehaves; polling still picks up every change.</summary>
    public bool UseFileSystemWatcher { get; set; } = true;

    /// <summary>The folder as an absolute path.</summary>
    public string ResolveDirectory(string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(Directory) ? Directory : Path.Combine(contentRoot, Directory));
}
