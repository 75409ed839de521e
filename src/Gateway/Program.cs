namespace NeuralSec.Gateway;

/// <summary>
/// The <c>neuralsec</c> executable: the sidecar by default, ops commands beside it (healthcheck, policy, calibrate) —
/// the command line of <see cref="NeuralsecCommandLine"/> (src/Gateway.Core) on the process's console.
/// </summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => NeuralsecCommandLine.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
}
