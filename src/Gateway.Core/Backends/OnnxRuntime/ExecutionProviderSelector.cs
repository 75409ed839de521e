using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using NeuralSec.Gateway.Logging;
using NeuralSec.Gateway.Options;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace NeuralSec.Gateway.Backends.OnnxRuntime;

/// <summary>
/// Builds session options with the best execution provider this machine has: CUDA when the CUDA build of ONNX
/// Runtime is present and a GPU answers, CPU otherwise — said once, in one log line.
/// </summary>
internal sealed class ExecutionProviderSelector(OnnxRuntimeOptions options, ILogger logger)
{
    private const string CudaProvider = "CUDAExecutionProvider";
    private string? _chosen;

    /// <summary>The provider the sessions use: <c>CUDA (device N)</c> or <c>CPU</c>.</summary>
    public string Chosen => _chosen ?? "not chosen yet";

    public SessionOptions Create()
    {
        var session = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = options.InterOpThreads,
        };
        var spinning = options.AllowSpinning ? "1" : "0";
        session.AddSessionConfigEntry("session.intra_op.allow_spinning", spinning);
        session.AddSessionConfigEntry("session.inter_op.allow_spinning", spinning);

        if (_chosen is null)
        {
            _chosen = Choose(session);
            Log.ExecutionProviderChosen(logger, _chosen);
        }
        else if (_chosen.StartsWith("CUDA", StringComparison.Ordinal))
        {
            session.AppendExecutionProvider_CUDA(options.CudaDeviceId);
        }

        return session;
    }

    private string Choose(SessionOptions session)
    {
        if (options.ExecutionProvider == ExecutionProviderPreference.Cpu)
        {
            return "CPU";
        }

        string reason;
        if (OrtEnv.Instance().GetAvailableProviders().Contains(CudaProvider))
        {
            try
            {
                session.AppendExecutionProvider_CUDA(options.CudaDeviceId);
                return $"CUDA (device {options.CudaDeviceId})";
            }
            catch (OnnxRuntimeException ex)
            {
                reason = ex.Message;
            }
        }
        else
        {
            if (options.ExecutionProvider == ExecutionProviderPreference.Cuda)
            {
                throw new InvalidOperationException("ExecutionProvider is Cuda but this build of ONNX Runtime has no CUDA provider (publish with -p:NeuralSecGpu=true)");
            }

            // The CPU build: CPU is what was asked for, not a fallback.
            return "CPU (this build has no CUDA provider; publish with -p:NeuralSecGpu=true for CUDA)";
        }

        if (options.ExecutionProvider == ExecutionProviderPreference.Cuda)
        {
            throw new InvalidOperationException($"ExecutionProvider is Cuda but CUDA is unavailable: {reason}");
        }

        // The CUDA build on a machine without a usable GPU: worth a warning, since a GPU was expected.
        Log.CudaUnavailable(logger, reason);
        return "CPU (CUDA unavailable)";
    }
}
