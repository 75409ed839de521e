using System.Globalization;

namespace NeuralSec.LoadTest;

/// <summary>A small hand parser: a dozen flags do not justify a dependency, and the errors stay specific.</summary>
internal static class CommandLine
{
    /// <summary>Hard ceilings, so a slip of the keyboard cannot start an unbounded run.</summary>
    private const int MaxRequests = 10_000_000;
    private static readonly TimeSpan MaxRunDuration = TimeSpan.FromMinutes(30);

    public const string Usage = """
        usage: neuralsec-loadtest --self-host [options]
               neuralsec-loadtest --direct http://127.0.0.1:9001 --sidecar http://127.0.0.1:8001 [options]

        Measures the sidecar's added latency: the same requests go to the model server directly and through the
        sidecar, alternating in rounds (ABBA) within one run. Targets must be loopback (127.0.0.0/8, ::1, localhost).

          --self-host              start a model server (gateway + ONNX Runtime) and a sidecar (gateway + Upstream)
                                   in this process on loopback, then measure them
          --model-repository DIR   ONNX model repository for --self-host (default: nearest models/repository)
          --neuralsec PATH         with --self-host: the neuralsec binary or neuralsec.dll to start (default: the Release
                                   build of src/Gateway in this checkout, built when missing)
          --defended-policies DIR  with --self-host: also measure a second sidecar enforcing this policy folder
                                   (e.g. policies), beside the pass-through sidecar, in the same run
          --mnist-digit            send a real MNIST test digit (data/mnist) instead of uniform noise
          --direct URL             the model server's gRPC address (baseline)
          --sidecar URL            the sidecar's gRPC address, forwarding to the same model server
          --model NAME             model to call (default mnist); inputs are built from its metadata
          --batch N                batch size substituted for a -1 first dimension (default 1)
          --concurrency N          closed loop: workers with one request in flight each (default 8)
          --rate R                 open loop instead: R requests/s per target, latency from the scheduled time
          --requests N             measured requests per target over all rounds (default 20000)
          --warmup N               unmeasured requests per target first (default 1000)
          --rounds N               alternation rounds (default 4)
          --max-duration SECONDS   hard cap on the run's wall time (default 120)
          --markdown FILE          also write the result table to FILE
        """;

    public static bool TryParse(string[] args, out LoadTestOptions options, out string? error)
    {
        options = new LoadTestOptions();
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var flag = args[i];
            if (flag == "--self-host")
            {
                options = options with { SelfHost = true };
                continue;
            }

            if (flag == "--mnist-digit")
            {
                options = options with { MnistDigit = true };
                continue;
            }

            if (i + 1 >= args.Length)
            {
                error = $"{flag} needs a value";
                return false;
            }

            var value = args[++i];
            switch (flag)
            {
                case "--direct":
                case "--sidecar":
                    if (!LoopbackGuard.TryParse(value, out var uri, out error))
                    {
                        return false;
                    }

                    options = flag == "--direct" ? options with { Direct = uri } : options with { Sidecar = uri };
                    break;
                case "--model-repository":
                    options = options with { ModelRepository = value };
                    break;
                case "--neuralsec":
                    options = options with { NeuralsecBinary = value };
                    break;
                case "--defended-policies":
                    options = options with { DefendedPolicies = value };
                    break;
                case "--model":
                    options = options with { Model = value };
                    break;
                case "--markdown":
                    options = options with { MarkdownPath = value };
                    break;
                case "--batch":
                    if (!TryInt(flag, value, 1, 65_536, out var batch, out error))
                    {
                        return false;
                    }

                    options = options with { BatchSize = batch };
                    break;
                case "--concurrency":
                    if (!TryInt(flag, value, 1, 4_096, out var concurrency, out error))
                    {
                        return false;
                    }

                    options = options with { Concurrency = concurrency };
                    break;
                case "--requests":
                    if (!TryInt(flag, value, 1, MaxRequests, out var requests, out error))
                    {
                        return false;
                    }

                    options = options with { Requests = requests };
                    break;
                case "--warmup":
                    if (!TryInt(flag, value, 0, MaxRequests, out var warmup, out error))
                    {
                        return false;
                    }

                    options = options with { Warmup = warmup };
                    break;
                case "--rounds":
                    if (!TryInt(flag, value, 1, 1_000, out var rounds, out error))
                    {
                        return false;
                    }

                    options = options with { Rounds = rounds };
                    break;
                case "--rate":
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || rate <= 0 || rate > 1_000_000)
                    {
                        error = $"--rate must be a number of requests/s in (0, 1000000], got '{value}'";
                        return false;
                    }

                    options = options with { Rate = rate };
                    break;
                case "--max-duration":
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > MaxRunDuration.TotalSeconds)
                    {
                        error = $"--max-duration must be seconds in (0, {MaxRunDuration.TotalSeconds}], got '{value}'";
                        return false;
                    }

                    options = options with { MaxDuration = TimeSpan.FromSeconds(seconds) };
                    break;
                default:
                    error = $"unknown option '{flag}'";
                    return false;
            }
        }

        if (options.SelfHost == (options.Direct is not null || options.Sidecar is not null))
        {
            error = "give either --self-host, or both --direct and --sidecar";
            return false;
        }

        if (!options.SelfHost && (options.Direct is null || options.Sidecar is null))
        {
            error = "--direct and --sidecar go together";
            return false;
        }

        return true;
    }

    private static bool TryInt(string flag, string value, int min, int max, out int result, out string? error)
    {
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out result) && result >= min && result <= max)
        {
            error = null;
            return true;
        }

        error = $"{flag} must be an integer in [{min}, {max}], got '{value}'";
        return false;
    }
}
