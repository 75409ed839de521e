namespace NeuralSec.Gateway.Policy.Runtime;

/// <summary>Where the policies live and how changes are picked up (<c>NeuralSec:Policies</c>).</summary>
internal sealed class PolicyOptions
{
    public const string SectionName = "NeuralSec:Policies";

    public const string DefaultDirectory = "policies";

    /// <summary>The policy folder: absolute, or relative to the content root (the executable's folder, where the
    /// build copies <c>policies/*.yaml</c>). Left at its default by a sidecar run from its build output, it is the
    /// repository's own <c>policies/</c> (<see cref="Hosting.SourceCheckout"/>).</summary>
    public string Directory { get; set; } = DefaultDirectory;

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
        Directory == DefaultDirectory && Hosting.SourceCheckout.PolicyDirectory(contentRoot) is { } source
            ? source
            : Path.GetFullPath(Path.IsPathRooted(Directory) ? Directory : Path.Combine(contentRoot, Directory));
}
