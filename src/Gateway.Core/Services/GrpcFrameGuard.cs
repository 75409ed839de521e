using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Hosting;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Pipeline;

namespace NeuralSec.Gateway.Services;

/// <summary>
/// Checks the gRPC framing of an OIP v2 call before grpc-dotnet reads it. Every method of the inference service is
/// unary: the body must be exactly one length-prefixed message. grpc-dotnet answers a frame that breaks that rule
/// UNKNOWN ("Exception was thrown by handler", with an error log and stack trace per call) for a flag byte that is
/// neither 0 nor 1, a length of 2 GiB or more, or compressed bytes that do not decompress, and INTERNAL for a cut
/// message, bytes after it, or a compressed flag with no encoding — no request id, no reason, and UNKNOWN/INTERNAL
/// is what callers read as "the server broke". Here each is a malformed request like bytes that are not protobuf
/// (INVALID_ARGUMENT <c>malformed_request</c>), or <c>too_large</c> past the message size limit, with the usual trailers.
/// <para>
/// The body is examined in the request pipe, not consumed, so grpc-dotnet reads the same bytes afterwards and
/// nothing is copied; the frame is bounded by <see cref="ServerOptions.MaxReceiveMessageBytes"/>. A compressed message
/// (rare) is decompressed once into a counter, bounded likewise, to know that it decompresses.
/// </para>
/// </summary>
internal sealed class GrpcFrameGuard(RequestDelegate next, IOptions<GatewayOptions> options, MalformedRequests malformed, FrontDoor.InferenceAdmission admission, FrontDoor.RequestBodyBudget budget)
{
    private const string InferenceService = "/inference.GRPCInferenceService";
    private const int PrefixLength = 5;

    private readonly long _maxMessage = options.Value.Server.MaxReceiveMessageBytes;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (PortRole.Of(context) != PortRole.Grpc
            || !HttpMethods.IsPost(request.Method)
            || !request.Path.StartsWithSegments(InferenceService, StringComparison.Ordinal)
            || request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) != true)
        {
            // Not ours to judge: grpc-dotnet answers wrong content types and unknown paths itself.
            await next(context).ConfigureAwait(false);
            return;
        }

        if (admission.IsSaturated && request.Path.Value?.EndsWith("/ModelInfer", StringComparison.Ordinal) == true)
        {
            // Overloaded: shed before a byte of the body is parsed, so refused calls cost the CPU of their headers only.
            await ShedAsync(context, FrontDoor.InferenceAdmission.ShedUnread()).ConfigureAwait(false);
            return;
        }

        var held = new HeldBytes();
        try
        {
            if (await CheckAsync(request, held, context.RequestAborted).ConfigureAwait(false) is { } rejection)
            {
                await (held.OverBudget ? ShedAsync(context, rejection) : RefuseAsync(context, rejection)).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        }
        finally
        {
            if (held.Bytes > 0)
            {
                budget.Release(held.Bytes);
            }
        }
    }

    private async Task<PipelineRejection?> CheckAsync(HttpRequest request, HeldBytes held, CancellationToken cancellationToken)
    {
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var problem = Judge(buffer, result.IsCompleted, request.Headers.GrpcEncoding, out var frameComplete);
            if (problem is null && held.Bytes == 0 && buffer.Length >= PrefixLength)
            {
                // The declared length is known from the first five bytes: the call holds that much until answered.
                var bytes = FrameBytes(buffer);
                if (budget.TryReserve(bytes))
                {
                    held.Bytes = bytes;
                }
                else
                {
                    held.OverBudget = true;
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    return FrontDoor.InferenceAdmission.ShedOverBudget();
                }
            }

            if (problem is null && frameComplete && result.IsCompleted && buffer.FirstSpan[0] == 1)
            {
                problem = CheckDecompresses(buffer.Slice(PrefixLength), request.Headers.GrpcEncoding.ToString());
            }

            // Examined, not consumed: grpc-dotnet reads the same bytes from the start. The examined mark only ever
            // moves forward — Kestrel grants HTTP/2 flow-control window for newly examined bytes, and moving it back
            // would grant the same bytes twice, letting the client overrun the window (FLOW_CONTROL_ERROR, which
            // ends the whole connection).
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (problem is not null || result.IsCompleted)
            {
                return problem;
            }
        }
    }

    /// <summary>The whole frame's length, prefix included, as its first five bytes declare it.</summary>
    private static long FrameBytes(ReadOnlySequence<byte> buffer)
    {
        Span<byte> prefix = stackalloc byte[PrefixLength];
        buffer.Slice(0, PrefixLength).CopyTo(prefix);
        return PrefixLength + (long)BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);
    }

    /// <summary>What is wrong with the body so far, if anything; <paramref name="frameComplete"/> once the whole
    /// declared message is there.</summary>
    private PipelineRejection? Judge(ReadOnlySequence<byte> buffer, bool completed, Microsoft.Extensions.Primitives.StringValues encoding, out bool frameComplete)
    {
        frameComplete = false;
        if (buffer.Length < PrefixLength)
        {
            return completed ? Malformed("the body ends inside the 5-byte message prefix") : null;
        }

        Span<byte> prefix = stackalloc byte[PrefixLength];
        buffer.Slice(0, PrefixLength).CopyTo(prefix);
        var flag = prefix[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);
        if (flag > 1)
        {
            return Malformed($"the message prefix has compression flag {flag}; only 0 and 1 exist");
        }

        if (flag == 1 && (encoding.Count == 0 || string.Equals(encoding.ToString(), "identity", StringComparison.OrdinalIgnoreCase)))
        {
            return Malformed("the message is flagged compressed but the call names no grpc-encoding");
        }

        if (length > _maxMessage)
        {
            return new PipelineRejection(RejectionKind.TooLarge, "too_large", $"the message exceeds the limit of {_maxMessage} bytes");
        }

        var framed = PrefixLength + (long)length;
        if (buffer.Length > framed)
        {
            return Malformed("the body holds more than the one message a unary call takes");
        }

        frameComplete = buffer.Length == framed;
        return completed && !frameComplete ? Malformed($"the body ends before the {length}-byte message does") : null;
    }

    /// <summary>Decompresses into nothing, to learn whether it can be; grpc-dotnet answers encodings it does not know
    /// (UNIMPLEMENTED) itself.</summary>
    private PipelineRejection? CheckDecompresses(ReadOnlySequence<byte> message, string encoding)
    {
        using var compressed = new MemoryStream(message.ToArray(), writable: false);
        using Stream? decompressing = encoding.ToLowerInvariant() switch
        {
            "gzip" => new GZipStream(compressed, CompressionMode.Decompress),
            "deflate" => new ZLibStream(compressed, CompressionMode.Decompress),
            _ => null,
        };
        if (decompressing is null)
        {
            return null;
        }

        var scratch = ArrayPool<byte>.Shared.Rent(81_920);
        try
        {
            long total = 0;
            int read;
            while ((read = decompressing.Read(scratch)) > 0)
            {
                total += read;
                if (total > _maxMessage)
                {
                    return new PipelineRejection(RejectionKind.TooLarge, "too_large", $"the decompressed message exceeds the limit of {_maxMessage} bytes");
                }
            }

            return null;
        }
        catch (InvalidDataException)
        {
            return Malformed($"the message does not decompress as {encoding}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static PipelineRejection Malformed(string detail) => PipelineRejection.Invalid(MalformedRequests.Reason, detail);

    /// <summary>The answer goes out at once; the body is then read and dropped (never parsed), for at most a second
    /// and the message size bound, before the call ends: a server that ends a stream while its client still sends
    /// makes HTTP/2 clients report a reset instead of the answer, and Kestrel counts such streams as abuse.</summary>
    private async Task ShedAsync(HttpContext context, PipelineRejection shed)
    {
        _ = WriteRefusalHeaders(context, shed);
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        drain.CancelAfter(TimeSpan.FromSeconds(1));
        var reader = context.Request.BodyReader;
        long read = 0;
        try
        {
            while (read <= _maxMessage + PrefixLength)
            {
                var result = await reader.ReadAsync(drain.Token).ConfigureAwait(false);
                read += result.Buffer.Length;
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            // A stalled or abandoned body: the answer is out; the stream ends here.
        }

        await context.Response.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>The refusal as a trailers-only gRPC answer's headers, with a new request id (returned).</summary>
    private static string WriteRefusalHeaders(HttpContext context, PipelineRejection rejection)
    {
        var requestId = RequestIds.New();
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)RejectionStatus.ToGrpc(rejection.Kind)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(RejectionStatus.Message(rejection));
        response.Headers[RejectionStatus.ReasonHeader] = rejection.ReasonCode;
        response.Headers[RejectionStatus.RequestIdHeader] = requestId;
        if (RejectionStatus.RetryAfterSeconds(rejection) is { } seconds)
        {
            response.Headers[RejectionStatus.RetryAfterHeader] = seconds;
        }

        return requestId;
    }

    private async Task RefuseAsync(HttpContext context, PipelineRejection rejection)
    {
        var requestId = WriteRefusalHeaders(context, rejection);
        if (rejection.ReasonCode == MalformedRequests.Reason)
        {
            malformed.Refuse("grpc", requestId, rejection.Message);
        }

        // What is left of the body is not read; the stream is ended from our side with the answer.
        await context.Response.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>What a call holds of the <see cref="FrontDoor.RequestBodyBudget"/>, or that it could not.</summary>
    private sealed class HeldBytes
    {
        public long Bytes { get; set; }

        public bool OverBudget { get; set; }
    }
}
