using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NeuralSec.Gateway.Tests.Alerts;

/// <summary>
/// A SOC webhook on a real Kestrel at 127.0.0.1: takes JSON arrays of OCSF findings, dedupes as a receiver should
/// (a batch whose Idempotency-Key it has seen, and any event whose finding_info.uid it has seen), and can be told to
/// fail requests: <see cref="FailNext"/> answers 503 without keeping anything, <see cref="AcceptThenFailNext"/> keeps
/// the batch and then answers 500, as when the response is lost, forcing a re-send.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Lock gate = new();
    private readonly List<string> received = [];
    private readonly List<string> unique = [];
    private readonly HashSet<string> seenIds = [];
    private readonly HashSet<string> seenKeys = [];
    private int failNext;
    private int acceptThenFailNext;
    private int rejectNext;

    private WebhookReceiver(WebApplication app) => this.app = app;

    /// <summary>Every event uid the receiver kept, in arrival order, duplicates included.</summary>
    public IReadOnlyList<string> Received
    {
        get
        {
            lock (gate)
            {
                return [.. received];
            }
        }
    }

    /// <summary>Event uids after deduplication, in first-arrival order.</summary>
    public IReadOnlyList<string> Unique
    {
        get
        {
            lock (gate)
            {
                return [.. unique];
            }
        }
    }

    private int requests;
    private int duplicateBatches;

    public int Requests => Volatile.Read(ref requests);

    /// <summary>Batches that arrived again with an Idempotency-Key already seen.</summary>
    public int DuplicateBatches => Volatile.Read(ref duplicateBatches);

    public void FailNext(int requests) => Interlocked.Exchange(ref failNext, requests);

    public void AcceptThenFailNext(int requests) => Interlocked.Exchange(ref acceptThenFailNext, requests);

    public void RejectNext(int requests) => Interlocked.Exchange(ref rejectNext, requests);

    /// <summary>A port nobody listens on, for a receiver that is "down" until started on it.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public static string UrlFor(int port) => $"http://127.0.0.1:{port}/alerts";

    public static async Task<WebhookReceiver> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/alerts", receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(limit.Token);
        await app.DisposeAsync();
    }

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        Interlocked.Increment(ref requests);
        if (Decrement(ref failNext))
        {
            return Results.StatusCode(503);
        }

        if (Decrement(ref rejectNext))
        {
            return Results.StatusCode(400);
        }

        using var body = await JsonDocument.ParseAsync(request.Body);
        var ids = body.RootElement.EnumerateArray().Select(e => e.GetProperty("finding_info").GetProperty("uid").GetString()!).ToList();
        var key = request.Headers["Idempotency-Key"].ToString();
        lock (gate)
        {
            received.AddRange(ids);
            if (!string.IsNullOrEmpty(key) && !seenKeys.Add(key))
            {
                duplicateBatches++;
            }

            foreach (var id in ids.Where(seenIds.Add))
            {
                unique.Add(id);
            }
        }

        return Decrement(ref acceptThenFailNext) ? Results.StatusCode(500) : Results.Ok();
    }

    private static bool Decrement(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current)
            {
                return true;
            }
        }
    }
}
