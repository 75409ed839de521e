using NeuralSec.Processes;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest;

/// <summary>Waits for a process the run started to answer OIP v2 ServerReady true, outside any measurement.</summary>
internal static class ServerReadyProbe
{
    /// <summary>Polls <paramref name="grpc"/> until ServerReady is true; throws with the process's last output when
    /// it exits first or is not ready within <paramref name="limit"/>.</summary>
    /// <param name="name">The process, for the error ("the sidecar process exited …").</param>
    public static async Task WaitAsync(Uri grpc, string name, Func<bool> hasExited, OutputTail output, TimeSpan limit)
    {
        using var target = new Target("probe", grpc, TargetKind.Direct);
        using var deadline = new CancellationTokenSource(limit);
        while (true)
        {
            if (hasExited())
            {
                throw new InvalidOperationException($"the {name} process exited during start-up:{Environment.NewLine}{output}");
            }

            try
            {
                var response = await target.Client.ServerReadyAsync(new ServerReadyRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: deadline.Token);
                if (response.Ready)
                {
                    return;
                }
            }
            catch (Grpc.Core.RpcException) when (!deadline.IsCancellationRequested)
            {
                // Still starting.
            }
            catch (OperationCanceledException)
            {
                throw new InvalidOperationException($"the {name} process was not ready within {limit.TotalSeconds:F0} s:{Environment.NewLine}{output}");
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }
}
