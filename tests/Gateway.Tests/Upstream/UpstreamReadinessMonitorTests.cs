using NeuralSec.Gateway.Tests.Infrastructure;
namespace NeuralSec.Gateway.Tests.Upstream;

public sealed class UpstreamReadinessMonitorTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Poll_FollowsTheServersReadyAnswer()
    {
        await using var server = await FakeModelServer.StartAsync();
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address));

        Assert.False(backend.IsReady, "nothing is known before the first poll");
        Assert.True(await backend.Readiness.PollOnceAsync(CancellationToken.None));
        Assert.True(backend.IsReady);

        server.Behavior.Ready = false;
        Assert.False(await backend.Readiness.PollOnceAsync(CancellationToken.None));
        Assert.False(backend.IsReady);
    }

    [Fact]
    public async Task Poll_ServerDown_IsNotReady()
    {
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(UpstreamTestOptions.DeadAddress()));

        Assert.False(await backend.Readiness.PollOnceAsync(CancellationToken.None));
        Assert.False(backend.IsReady);
    }

    [Fact]
    public async Task Poll_ServerGoesAway_DropsReadiness()
    {
        var server = await FakeModelServer.StartAsync();
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address));
        Assert.True(await backend.Readiness.PollOnceAsync(CancellationToken.None));

        await server.DisposeAsync();

        Assert.False(await backend.Readiness.PollOnceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Poll_HungServer_TimesOutAsNotReady_ThenRecovers()
    {
        await using var server = await FakeModelServer.StartAsync();
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address, o => o.AttemptTimeout = TimeSpan.FromMilliseconds(200)));

        // A fresh channel's first poll also connects, which on a loaded machine can take longer than the 200 ms the
        // poll is given: poll until the connection is up, then hang the server.
        await Wait.Until(() => backend.Readiness.PollOnceAsync(CancellationToken.None), "the first successful poll");

        server.Behavior.Hang();
        Assert.False(await backend.Readiness.PollOnceAsync(CancellationToken.None));
        Assert.False(backend.IsReady);

        server.Behavior.Release();
        await Wait.Until(() => backend.Readiness.PollOnceAsync(CancellationToken.None), "a successful poll after the release");
    }

    /// <summary>The red team's SIGSTOP: the poll's deadline surfaced as a cancellation, the loop faulted and the
    /// host stopped. The loop must keep polling through any failure.</summary>
    [Fact]
    public async Task BackgroundLoop_SurvivesAHungServer_AndSeesItRecover()
    {
        await using var server = await FakeModelServer.StartAsync();
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address, o => o.AttemptTimeout = TimeSpan.FromMilliseconds(100)));

        await backend.Readiness.StartAsync(CancellationToken.None);
        await Wait.Until(() => backend.IsReady);
        server.Behavior.Hang();
        await Wait.Until(() => !backend.IsReady);
        var pollsWhileHung = server.Behavior.ServerReadyCalls;
        await Wait.Until(() => server.Behavior.ServerReadyCalls >= pollsWhileHung + 3);

        Assert.False(backend.Readiness.ExecuteTask!.IsCompleted, "the loop ended on a timed-out poll");
        server.Behavior.Release();
        await Wait.Until(() => backend.IsReady);
        await backend.Readiness.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task BackgroundLoop_PollsUntilStopped()
    {
        await using var server = await FakeModelServer.StartAsync();
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address));

        await backend.Readiness.StartAsync(CancellationToken.None);
        await Wait.Until(() => backend.IsReady);
        server.Behavior.Ready = false;
        await Wait.Until(() => !backend.IsReady);
        await backend.Readiness.StopAsync(CancellationToken.None);

        var polls = server.Behavior.ServerReadyCalls;
        Assert.True(polls >= 2, $"expected repeated polls, saw {polls}");
    }

}
