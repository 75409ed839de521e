using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Pipeline;

namespace NeuralSec.Gateway.Rest;

/// <summary>
/// Reads a REST body into one pooled buffer, bounded three ways before the JSON is looked at: its size
/// (<see cref="LimitsOptions.MaxJsonBodyBytes"/>, refused from the Content-Length when it says so, before a byte is
/// read), how many large bodies are read at once (<see cref="LimitsOptions.MaxConcurrentLargeJsonBodies"/>; over it,
/// UNAVAILABLE with retry-after at once, rather than memory that grows with the number of senders), and Kestrel's
/// minimum data rate (a stalled body ends as 408, not as "too large").
/// </summary>
internal sealed class RestBodyReader(IOptions<GatewayOptions> options) : IDisposable
{
    private readonly LimitsOptions _limits = options.Value.Limits;
    private readonly SemaphoreSlim _largeBodies = new(options.Value.Limits.MaxConcurrentLargeJsonBodies);

    /// <summary>The body, or the refusal. The returned body must be disposed (it holds a pooled buffer and maybe a
    /// large-body slot).</summary>
    public async ValueTask<(RestBody? Body, PipelineRejection? Rejection)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var limit = _limits.MaxJsonBodyBytes;
        var declared = request.ContentLength;
        if (declared > limit)
        {
            return (null, TooLarge(limit));
        }

        var body = new RestBody(_largeBodies);
        try
        {
            if (declared is { } length && !body.Reserve((int)length, _limits.LargeJsonBodyBytes))
            {
                body.Dispose();
                return (null, Busy());
            }

            var reader = request.BodyReader;
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                if (body.Length + buffer.Length > limit)
                {
                    reader.AdvanceTo(buffer.End);
                    body.Dispose();
                    return (null, TooLarge(limit));
                }

                if (!body.Append(buffer, _limits.LargeJsonBodyBytes))
                {
                    reader.AdvanceTo(buffer.End);
                    body.Dispose();
                    return (null, Busy());
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    return (body, null);
                }
            }
        }
        catch (BadHttpRequestException ex)
        {
            body.Dispose();
            return (null, ex.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => TooLarge(limit),
                StatusCodes.Status408RequestTimeout => new PipelineRejection(RejectionKind.ClientTimeout, "body_timeout", "the request body arrived too slowly"),
                _ => PipelineRejection.Invalid("bad_body", "the request body could not be read"),
            });
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    public void Dispose() => _largeBodies.Dispose();

    private static PipelineRejection TooLarge(long limit) =>
        new(RejectionKind.TooLarge, "too_large", $"the request body exceeds the limit of {limit} bytes");

    private static PipelineRejection Busy() =>
        new(RejectionKind.Unavailable, "overloaded", "too many large requests are being read; retry shortly") { RetryAfter = TimeSpan.FromSeconds(1) };
}

/// <summary>A request body read into a pooled buffer; disposing returns the buffer and any large-body slot.</summary>
internal sealed class RestBody(SemaphoreSlim largeBodies) : IDisposable
{
    private byte[] _buffer = [];
    private bool _holdsSlot;

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    /// <summary>Makes room for a body of known length up front; false when that needs a large-body slot and none is free.</summary>
    public bool Reserve(int length, int largeBodyBytes) => Grow(length, largeBodyBytes);

    /// <summary>Appends what the pipe delivered; false when growing needs a large-body slot and none is free.</summary>
    public bool Append(ReadOnlySequence<byte> data, int largeBodyBytes)
    {
        var needed = Length + (int)data.Length;
        if (!Grow(needed, largeBodyBytes))
        {
            return false;
        }

        data.CopyTo(_buffer.AsSpan(Length));
        Length = needed;
        return true;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        if (_holdsSlot)
        {
            _holdsSlot = false;
            largeBodies.Release();
        }
    }

    private bool Grow(int needed, int largeBodyBytes)
    {
        if (needed <= _buffer.Length)
        {
            return true;
        }

        if (needed > largeBodyBytes && !_holdsSlot)
        {
            if (!largeBodies.Wait(0))
            {
                return false;
            }

            _holdsSlot = true;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Min(_buffer.Length * 2, int.MaxValue / 2)));
        _buffer.AsSpan(0, Length).CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = larger;
        return true;
    }
}
