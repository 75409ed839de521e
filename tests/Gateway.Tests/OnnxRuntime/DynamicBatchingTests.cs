using System.Runtime.InteropServices;
using Microsoft.Extensions.Time.Testing;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Metrics;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.OnnxRuntime;

/// <summary>
/// Dynamic batching on the embedded backend, with real ONNX Runtime sessions: the fixture classifier and tiny graphs.
/// Time is a <see cref="FakeTimeProvider"/> wherever the queue delay matters, so that a batch forms because it is full
/// (the delay cannot pass unless the test moves the clock) and nothing depends on how fast the machine is.
/// </summary>
public sealed class DynamicBatchingTests
{
    /// <summary>A queue delay that never passes on a fake clock the test does not move.</summary>
    private const int Forever = 1_000_000;

    /// <summary>How long a test waits for answers that a fake clock's batch owes it: a batch that never forms fails the
    /// test instead of hanging the run.</summary>
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Concurrent_requests_get_exactly_their_unbatched_outputs_from_one_execution()
    {
        const string name = "mnist-batching-full";
        using var batched = await EmbeddedBackend.StartAsync(
            EmbeddedBackend.Repository((name, EmbeddedBackend.Mnist(), Config(maxBatchSize: 10))), new FakeTimeProvider());
        using var unbatched = await EmbeddedBackend.StartAsync(RepoPaths.ModelRepository, owned: false, models: "mnist");

        // Six requests of one digit and two of two: ten rows, a full batch, so it runs without the delay passing.
        var requests = Enumerable.Range(0, 8).Select(i => i < 6 ? Digits(i) : Digits(i, i + 10)).ToArray();
        var answers = await Task.WhenAll(requests.Select(inputs => batched.InferAsync(name, inputs))).WaitAsync(Hang);

        for (var i = 0; i < requests.Length; i++)
        {
            var alone = await unbatched.InferAsync("mnist", requests[i]);
            var output = Assert.Single(answers[i].Outputs);
            var expected = Assert.Single(alone.Outputs);
            Assert.Equal("logits", output.Name);
            Assert.Equal(expected.Shape, output.Shape);
            Assert.Equal(expected.ElementCount, output.ElementCount);
            AssertClose(expected.AsSpan<float>(), output.AsSpan<float>());
            Assert.Equal("1", answers[i].ModelVersion);
        }

        var stats = await batched.StatisticsAsync(name);
        Assert.Equal(1UL, stats.ExecutionCount);
        Assert.Equal(10UL, stats.InferenceCount);
        Assert.Equal(8UL, stats.InferenceStats.Success.Count);
        Assert.Equal(8UL, stats.InferenceStats.ComputeInfer.Count);
        Assert.Equal(8UL, stats.InferenceStats.Queue.Count);
        Assert.Equal(0UL, stats.InferenceStats.Fail.Count);

        var sizes = GatewayMetrics.ModelBatchSize.WithLabels(name);
        Assert.Equal(1, sizes.Count);
        Assert.Equal(10, sizes.Sum);
    }

    [Theory]
    [InlineData(200)] // spins for companions
    [InlineData(20_000)] // sleeps on a timer of the clock
    public async Task A_lone_request_waits_the_queue_delay_then_runs(int delayMicroseconds)
    {
        const string name = "mnist-batching-lone";
        var time = new FakeTimeProvider();
        using var batched = await EmbeddedBackend.StartAsync(
            EmbeddedBackend.Repository((name, EmbeddedBackend.Mnist(), Config(maxBatchSize: 8, delayMicroseconds))), time);

        var answer = batched.InferAsync(name, Digits(3));
        await Task.Delay(50);
        Assert.False(answer.IsCompleted, "answered before its queue delay passed on the clock");

        var result = await Drive(time, answer, TimeSpan.FromMicroseconds(delayMicroseconds));
        Assert.Equal([1L, 10], Assert.Single(result.Outputs).Shape.ToArray());
        var stats = await batched.StatisticsAsync(name);
        Assert.Equal((1UL, 1UL), (stats.ExecutionCount, stats.InferenceCount));
        Assert.True(stats.InferenceStats.Queue.Ns >= (ulong)delayMicroseconds * 1000, $"queued {stats.InferenceStats.Queue.Ns} ns");
    }

    [Fact]
    public async Task A_lone_request_is_answered_on_the_system_clock()
    {
        const string name = "mnist-batching-system-clock";
        using var batched = await EmbeddedBackend.StartAsync(
            EmbeddedBackend.Repository((name, EmbeddedBackend.Mnist(), Config(maxBatchSize: 32, 200))));

        var result = await batched.InferAsync(name, Digits(7));

        Assert.Equal([1L, 10], Assert.Single(result.Outputs).Shape.ToArray());
        Assert.Equal(1UL, (await batched.StatisticsAsync(name)).ExecutionCount);
    }

    [Fact]
    public async Task Without_a_queue_delay_a_request_that_finds_the_model_idle_runs_at_once()
    {
        const string name = "mnist-batching-idle";
        using var batched = await EmbeddedBackend.StartAsync(
            EmbeddedBackend.Repository((name, EmbeddedBackend.Mnist(), Config(maxBatchSize: 8, delayMicroseconds: 0))), new FakeTimeProvider());

        var result = await batched.InferAsync(name, Digits(5));

        Assert.Equal([1L, 10], result.Outputs[0].Shape.ToArray());
        var stats = await batched.StatisticsAsync(name);
        Assert.Equal((1UL, 1UL, 0UL), (stats.ExecutionCount, stats.InferenceCount, stats.InferenceStats.Queue.Ns));
    }

    [Fact]
    public async Task Without_a_queue_delay_requests_that_arrive_while_the_model_runs_share_the_next_execution()
    {
        const string name = "mnist-batching-busy";
        using var batched = await EmbeddedBackend.StartAsync(
            EmbeddedBackend.Repository((name, EmbeddedBackend.Mnist(), Config(maxBatchSize: 8, delayMicroseconds: 0))), new FakeTimeProvider());
        using var unbatched = await EmbeddedBackend.StartAsync(RepoPaths.ModelRepository, owned: false, models: "mnist");
        var batcher = batched.Backend.BatcherOf(name)!;

        // The model is busy (this test holds it as a running execution would): arrivals queue.
        Assert.True(batcher.TryEnterIdle());
        var answers = Enumerable.Range(0, 3).Select(i => batched.InferAsync(name, Digits(i))).ToArray();
        Assert.DoesNotContain(answers, a => a.IsCompleted);
        batcher.ExitIdle();

        var results = await Task.WhenAll(answers).WaitAsync(Hang);
        for (var i = 0; i < results.Length; i++)
        {
            AssertClose((await unbatched.InferAsync("mnist", Digits(i))).Outputs[0].AsSpan<float>(), results[i].Outputs[0].AsSpan<float>());
        }

        var stats = await batched.StatisticsAsync(name);
        Assert.Equal((1UL, 3UL), (stats.ExecutionCount, stats.InferenceCount));
    }

    [Fact]
    public async Task Requests_that_differ_in_a_non_batch_dimension_are_never_mixed()
    {
        const string name = "row-sum";
        using var batched = await EmbeddedBackend.StartAsync(
            EmbeddedBackend.Repository((name, TinyModels.RowSum(), Config(maxBatchSize: 2))), new FakeTimeProvider());

        // Widths 3, 5, 3, 5: each pair fills a batch of two; a batch of mixed widths could not even be concatenated.
        float[][] rows = [[1, 2, 3], [1, 1, 1, 1, 1], [10, 20, 30], [2, 2, 2, 2, 2]];
        var answers = await Task.WhenAll(rows.Select(row => batched.InferAsync(name, [InferenceTensor.FromFloats("x", [1, row.Length], row)]))).WaitAsync(Hang);

        Assert.Equal([6f, 5f, 60f, 10f], answers.Select(a => Assert.Single(Assert.Single(a.Outputs).AsSpan<float>().ToArray())));
        Assert.All(answers, a => Assert.Equal([1L, 1], a.Outputs[0].Shape.ToArray()));
        var stats = await batched.StatisticsAsync(name);
        Assert.Equal((2UL, 4UL), (stats.ExecutionCount, stats.InferenceCount));
    }

    [Fact]
    public async Task A_cancelled_caller_is_left_out_and_the_others_are_answered()
    {
        const string name = "mnist-batching-cancel";
        using var batched = await EmbeddedBackend.StartAsync(
            EmbeddedBackend.Repository((name, EmbeddedBackend.Mnist(), Config(maxBatchSize: 3))), new FakeTimeProvider());
        using var unbatched = await EmbeddedBackend.StartAsync(RepoPaths.ModelRepository, owned: false, models: "mnist");

        var first = batched.InferAsync(name, Digits(0));
        using var leaving = new CancellationTokenSource();
        var gone = batched.InferAsync(name, Digits(1), leaving.Token);
        await leaving.CancelAsync();
        var cancelled = await Assert.ThrowsAsync<BackendException>(() => gone);
        Assert.Equal(BackendError.DeadlineExceeded, cancelled.Error);

        // Its place in the batch goes to the next arrival: three live callers fill it.
        var second = batched.InferAsync(name, Digits(2));
        var third = batched.InferAsync(name, Digits(3));
        var answers = await Task.WhenAll(first, second, third).WaitAsync(Hang);

        int[] digits = [0, 2, 3];
        for (var i = 0; i < digits.Length; i++)
        {
            var alone = await unbatched.InferAsync("mnist", Digits(digits[i]));
            AssertClose(alone.Outputs[0].AsSpan<float>(), answers[i].Outputs[0].AsSpan<float>());
        }

        var stats = await batched.StatisticsAsync(name);
        Assert.Equal((1UL, 3UL), (stats.ExecutionCount, stats.InferenceCount));
        Assert.Equal((3UL, 1UL), (stats.InferenceStats.Success.Count, stats.InferenceStats.Fail.Count));
    }

    [Fact]
    public async Task A_caller_who_leaves_after_joining_the_batch_gives_its_place_to_the_next_arrival()
    {
        const string name = "mnist-batching-leave-joined";
        using var batched = await EmbeddedBackend.StartAsync(
            EmbeddedBackend.Repository((name, EmbeddedBackend.Mnist(), Config(maxBatchSize: 3))), new FakeTimeProvider());
        var batcher = batched.Backend.BatcherOf(name)!;

        var first = batched.InferAsync(name, Digits(0));
        using var leaving = new CancellationTokenSource();
        var gone = batched.InferAsync(name, Digits(1), leaving.Token);
        // Both taken by the loop into the batch it forms (the clock never lets it run): then the caller leaves.
        await Wait.Until(() => batcher.Queued == 0, "the batcher took both requests");
        await leaving.CancelAsync();
        Assert.Equal(BackendError.DeadlineExceeded, (await Assert.ThrowsAsync<BackendException>(() => gone)).Error);

        // Two more fill the batch only if the place of the caller who left is free again: 0, 2 and 3 in one execution.
        var second = batched.InferAsync(name, Digits(2));
        var third = batched.InferAsync(name, Digits(3));
        await Task.WhenAll(first, second, third).WaitAsync(Hang);

        var stats = await batched.StatisticsAsync(name);
        Assert.Equal((1UL, 3UL), (stats.ExecutionCount, stats.InferenceCount));
        Assert.Equal((3UL, 1UL), (stats.InferenceStats.Success.Count, stats.InferenceStats.Fail.Count));
    }

    [Fact]
    public async Task A_request_that_fails_the_execution_fails_alone_and_its_batch_companions_are_answered()
    {
        using var backend = await EmbeddedBackend.StartAsync(
            EmbeddedBackend.Repository(
                ("table", TinyModels.TableLookup(), Config(maxBatchSize: 2)),
                ("table-unbatched", TinyModels.TableLookup(), "maxBatch: 8\n")),
            new FakeTimeProvider());

        var alone = await Assert.ThrowsAsync<BackendException>(() => backend.InferAsync("table-unbatched", [Index(7)]));
        var good = backend.InferAsync("table", [Index(1)]);
        var bad = Assert.ThrowsAsync<BackendException>(() => backend.InferAsync("table", [Index(7)]));

        // The out-of-range index fails as it would alone; the request batched with it gets its own answer.
        var failed = await bad.WaitAsync(Hang);
        var answered = await good.WaitAsync(Hang);
        Assert.Equal((BackendError.Internal, alone.Message), (failed.Error, failed.Message));
        Assert.Equal([10f, 11f], answered.Outputs[0].AsSpan<float>().ToArray());
        Assert.Contains(backend.Logs.Entries, e => e.EventId.Id == 2009);

        // The batch loop goes on.
        var next = await Task.WhenAll(backend.InferAsync("table", [Index(0)]), backend.InferAsync("table", [Index(2)]));
        Assert.Equal([0f, 1f], next[0].Outputs[0].AsSpan<float>().ToArray());
        Assert.Equal([20f, 21f], next[1].Outputs[0].AsSpan<float>().ToArray());

        // Counted as Triton would count the executions that answered: the lone re-run of the good request, then the
        // next batch; the failed request once.
        var stats = await backend.StatisticsAsync("table");
        Assert.Equal((2UL, 3UL, 1UL), (stats.ExecutionCount, stats.InferenceStats.Success.Count, stats.InferenceStats.Fail.Count));
    }

    [Fact]
    public async Task Outputs_that_do_not_keep_the_batch_first_are_answered_request_by_request()
    {
        const string name = "transpose";
        using var backend = await EmbeddedBackend.StartAsync(
            EmbeddedBackend.Repository((name, TinyModels.Transpose(), Config(maxBatchSize: 2))), new FakeTimeProvider());
        float[] row = [1, 2, 3];

        var answered = await Task.WhenAll(
            backend.InferAsync(name, [InferenceTensor.FromFloats("x", [1, 3], row)]),
            backend.InferAsync(name, [InferenceTensor.FromFloats("x", [1, 3], row)]));

        // The batch of two could not be split by request; each ran alone and got the model's own answer.
        Assert.All(answered, a => Assert.Equal([3L, 1], a.Outputs[0].Shape.ToArray()));
        Assert.All(answered, a => Assert.Equal([1f, 2, 3], a.Outputs[0].AsSpan<float>().ToArray()));
        Assert.Contains(backend.Logs.Entries, e => e.EventId.Id == 2009);

        // One request of two rows fills a batch by itself and gets the model's own answer, as without batching.
        var alone = await backend.InferAsync(name, [InferenceTensor.FromFloats("x", [2, 3], [.. row, .. row])]);
        Assert.Equal([3L, 2], alone.Outputs[0].Shape.ToArray());
        Assert.Equal([1f, 1, 2, 2, 3, 3], alone.Outputs[0].AsSpan<float>().ToArray());
    }

    [Fact]
    public async Task Requests_that_cannot_join_a_batch_run_alone_at_once()
    {
        const string name = "mnist-batching-oversized";
        using var batched = await EmbeddedBackend.StartAsync(
            EmbeddedBackend.Repository((name, EmbeddedBackend.Mnist(), Config(maxBatchSize: 2))), new FakeTimeProvider());

        // Three rows exceed the largest batch: the request runs as it would without batching, the clock unmoved.
        var result = await batched.InferAsync(name, Digits(0, 1, 2));

        Assert.Equal([3L, 10], result.Outputs[0].Shape.ToArray());
        var stats = await batched.StatisticsAsync(name);
        Assert.Equal((1UL, 3UL), (stats.ExecutionCount, stats.InferenceCount));
    }

    [Fact]
    public async Task Stopping_the_backend_answers_waiting_callers_UNAVAILABLE()
    {
        const string name = "mnist-batching-stop";
        var batched = await EmbeddedBackend.StartAsync(
            EmbeddedBackend.Repository((name, EmbeddedBackend.Mnist(), Config(maxBatchSize: 8))), new FakeTimeProvider());
        var waiting = batched.InferAsync(name, Digits(0));

        batched.Dispose();

        var ex = await Assert.ThrowsAsync<BackendException>(() => waiting);
        Assert.Equal(BackendError.Unavailable, ex.Error);
    }

    [Fact]
    public async Task A_model_without_a_batch_dimension_is_refused_at_load()
    {
        using var backend = await EmbeddedBackend.StartAsync(
            EmbeddedBackend.Repository(("fixed", TinyModels.FixedBatch(), Config(maxBatchSize: 2))), models: "fixed");

        Assert.False(backend.Backend.IsReady);
        Assert.NotNull(backend.Startup.Reason);
        Assert.Contains("dynamicBatching needs a batch dimension", backend.Startup.Reason, StringComparison.Ordinal);
        Assert.Contains("input 'x' has shape [1,4]", backend.Startup.Reason, StringComparison.Ordinal);
    }

    private static string Config(int maxBatchSize, int delayMicroseconds = Forever) =>
        $"maxBatch: {Math.Max(8, maxBatchSize)}\ndynamicBatching:\n  maxQueueDelayMicroseconds: {delayMicroseconds}\n  maxBatchSize: {maxBatchSize}\n";

    private static InferenceTensor[] Digits(params int[] indices)
    {
        var pixels = indices.SelectMany(TestDigits.Image).ToArray();
        return [InferenceTensor.FromFloats("input", [indices.Length, 1, 28, 28], pixels)];
    }

    private static InferenceTensor Index(long value) =>
        new("index", TensorDataType.Int64, [1], MemoryMarshal.AsBytes<long>([value]).ToArray());

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"element {i}: {actual[i]} where alone it is {expected[i]}");
        }
    }

    /// <summary>Moves the fake clock by <paramref name="step"/> until <paramref name="task"/> completes: the loop may
    /// not yet be waiting when the clock first moves. The bound guards against a hang; it is no timing assertion.</summary>
    private static async Task<T> Drive<T>(FakeTimeProvider time, Task<T> task, TimeSpan step)
    {
        for (var i = 0; i < 2_000 && !task.IsCompleted; i++)
        {
            time.Advance(step);
            await Task.WhenAny(task, Task.Delay(10));
        }

        return await task;
    }
}
