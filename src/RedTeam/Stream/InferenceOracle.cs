using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using NeuralSec.Data;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// The sidecar as every simulated client sees it: one 28×28 digit per ModelInfer call, identified by the account's API
/// key in <c>x-api-key</c>, answered with the (possibly hardened) scores or refused with a status and a reason. Each
/// call is bounded by a deadline; transport failures other than a refusal end the run.
/// </summary>
internal sealed class InferenceOracle
{
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(20);

    private readonly GRPCInferenceService.GRPCInferenceServiceClient _client;
    private readonly Func<string, string> _keyOf;
    private readonly string _model;
    private long _calls;

    public InferenceOracle(GRPCInferenceService.GRPCInferenceServiceClient client, Accounts accounts)
        : this(client, accounts.KeyOf, "mnist")
    {
    }

    /// <param name="keyOf">The API key of an account.</param>
    /// <param name="model">The model every query names.</param>
    public InferenceOracle(GRPCInferenceService.GRPCInferenceServiceClient client, Func<string, string> keyOf, string model)
    {
        _client = client;
        _keyOf = keyOf;
        _model = model;
    }

    /// <summary>Calls made so far, all clients.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    public async Task<QueryOutcome> QueryAsync(string account, ReadOnlyMemory<float> image, CancellationToken cancellationToken)
    {
        if (image.Length != MnistSplit.Pixels)
        {
            throw new ArgumentException($"a query is one {MnistSplit.Pixels}-pixel digit, not {image.Length} values", nameof(image));
        }

        Interlocked.Increment(ref _calls);
        var request = new ModelInferRequest { ModelName = _model };
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32" };
        tensor.Shape.AddRange([1, 1, MnistSplit.Rows, MnistSplit.Cols]);
        request.Inputs.Add(tensor);
        request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(image.Span)));
        var headers = new Metadata { { "x-api-key", _keyOf(account) } };
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var call = _client.ModelInferAsync(request, headers, deadline: DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc), cancellationToken: cancellationToken);
        try
        {
            var response = await call.ResponseAsync.WaitAsync(CallLimit, cancellationToken).ConfigureAwait(false);
            return new QueryOutcome(account, RequestId(call.GetTrailers()), Scores(response), StatusCode.OK, null, Milliseconds(started));
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.PermissionDenied or StatusCode.ResourceExhausted or StatusCode.InvalidArgument or StatusCode.FailedPrecondition)
        {
            return new QueryOutcome(account, RequestId(e.Trailers), null, e.StatusCode, e.Trailers.GetValue("x-neuralsec-reason") ?? e.StatusCode.ToString(), Milliseconds(started));
        }
        catch (RpcException e)
        {
            throw new RedTeamException($"the sidecar failed a query of {account}: {e.StatusCode} {e.Status.Detail}", e);
        }
        catch (TimeoutException e)
        {
            throw new RedTeamException($"the sidecar did not answer a query of {account} within {CallLimit.TotalSeconds:F0} s", e);
        }
    }

    private static double Milliseconds(long started) => System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    private static string RequestId(Metadata trailers) => trailers.GetValue("x-neuralsec-request-id") ?? string.Empty;

    private static float[] Scores(ModelInferResponse response)
    {
        if (response.RawOutputContents.Count > 0)
        {
            return MemoryMarshal.Cast<byte, float>(response.RawOutputContents[0].Span).ToArray();
        }

        return response.Outputs.Count > 0 && response.Outputs[0].Contents is { } contents
            ? contents.Fp32Contents.ToArray()
            : throw new RedTeamException("the sidecar answered without class scores");
    }
}
