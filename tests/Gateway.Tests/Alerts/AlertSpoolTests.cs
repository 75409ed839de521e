using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Gateway.Alerts.Spool;

namespace NeuralSec.Gateway.Tests.Alerts;

public sealed class AlertSpoolTests : IDisposable
{
    private readonly TempFolder folder = new();

    [Fact]
    public void Peek_ReturnsRecordsInOrder_AcrossSegments()
    {
        using var spool = Open(segmentBytes: 4096);
        Assert.Equal(20, spool.Append(Records(0, 20, size: 500)));

        var all = DrainAll(spool, batch: 3);

        Assert.Equal(Enumerable.Range(0, 20).Select(Name), all);
        Assert.True(spool.IsEmpty);
        Assert.Equal(0, spool.PendingBytes);
    }

    [Fact]
    public void Commit_DeletesConsumedSegments()
    {
        using var spool = Open(segmentBytes: 4096);
        spool.Append(Records(0, 20, size: 500));
        var segmentsBefore = SegmentFiles().Length;

        spool.Commit(spool.Peek(10, long.MaxValue)!);

        Assert.True(segmentsBefore >= 3);
        Assert.True(SegmentFiles().Length < segmentsBefore);
        spool.Commit(spool.Peek(10, long.MaxValue)!);
        Assert.Empty(SegmentFiles());
    }

    [Fact]
    public void A_full_disk_refuses_what_does_not_fit_keeps_what_did_and_recovers_when_space_frees()
    {
        using var disk = SmallDisk.TryMount(kilobytes: 64);
        if (disk is null)
        {
            return; // no tmpfs here (not root, not Linux): the disk-full path is not exercised
        }

        using var spool = AlertSpool.Open(disk.Path, maxBytes: 1 << 20, segmentBytes: 16 * 1024, NullLogger.Instance);

        var accepted = 0;
        for (var i = 0; i < 200 && spool.Append(Records(i, 1, size: 1000)) == 1; i++)
        {
            accepted++;
        }

        Assert.InRange(accepted, 10, 70); // the disk, not the 1 MiB bound, stopped it
        Assert.Equal(0, spool.Append(Records(500, 1, size: 1000)));
        Assert.Equal(accepted, spool.PendingRecords);

        var delivered = DrainAll(spool, batch: 8);
        Assert.Equal(Enumerable.Range(0, accepted).Select(Name), delivered);
        Assert.Equal(1, spool.Append(Records(900, 1, size: 1000)));
        Assert.Equal([Name(900)], DrainAll(spool, batch: 8));
    }

    [Fact]
    public void Reopen_ResumesAfterTheCommit()
    {
        using (var spool = Open())
        {
            spool.Append(Records(0, 10));
            spool.Commit(spool.Peek(3, long.MaxValue)!);
        }

        using var reopened = Open();

        Assert.Equal(7, reopened.PendingRecords);
        Assert.Equal(Enumerable.Range(3, 7).Select(Name), DrainAll(reopened, batch: 4));
    }

    [Fact]
    public void Reopen_CutsOffATornRecord()
    {
        using (var spool = Open())
        {
            spool.Append(Records(0, 5));
        }

        // A crash mid-append: a header promising 1000 bytes, then only a few of them.
        using (var stream = new FileStream(SegmentFiles().Single(), FileMode.Append))
        {
            stream.Write([0xE8, 0x03, 0, 0, 1, 2, 3, 4, (byte)'{', (byte)'"']);
        }

        using var reopened = Open();
        Assert.Equal(5, reopened.PendingRecords);
        reopened.Append(Records(5, 1));

        Assert.Equal(Enumerable.Range(0, 6).Select(Name), DrainAll(reopened, batch: 10));
    }

    [Fact]
    public void Reopen_StopsAtACorruptRecord()
    {
        using (var spool = Open())
        {
            spool.Append(Records(0, 5, size: 100));
        }

        // Flip a byte inside the fourth record's payload: its CRC no longer matches.
        var path = SegmentFiles().Single();
        var bytes = File.ReadAllBytes(path);
        bytes[(3 * (AlertSpool.RecordHeaderBytes + 100)) + AlertSpool.RecordHeaderBytes + 10] ^= 0xFF;
        File.WriteAllBytes(path, bytes);

        using var reopened = Open();

        Assert.Equal(Enumerable.Range(0, 3).Select(Name), DrainAll(reopened, batch: 10));
    }

    [Fact]
    public void Append_RefusesTheNewest_WhenFull()
    {
        using var spool = Open(maxBytes: 4096, segmentBytes: 4096);

        var accepted = spool.Append(Records(0, 10, size: 1000));

        Assert.Equal(4, accepted); // 4 × (8 + 1000) fits in 4096, the fifth does not
        Assert.True(spool.PendingBytes <= 4096);
        Assert.Equal(0, spool.Append(Records(10, 1, size: 1000)));
        Assert.Equal(Enumerable.Range(0, 4).Select(Name), DrainAll(spool, batch: 10));
        Assert.Equal(4, spool.Append(Records(20, 4, size: 1000))); // room again once delivered
    }

    [Fact]
    public void EmptiedSpool_StartsAFreshSegment_AndSurvivesReopen()
    {
        using (var spool = Open())
        {
            spool.Append(Records(0, 3));
            DrainAll(spool, batch: 10);
            spool.Append(Records(3, 2));
        }

        using var reopened = Open();

        Assert.Equal(Enumerable.Range(3, 2).Select(Name), DrainAll(reopened, batch: 10));
    }

    [Fact]
    public void Peek_RespectsTheByteLimit_ButReturnsAtLeastOne()
    {
        using var spool = Open();
        spool.Append(Records(0, 5, size: 1000));

        Assert.Single(spool.Peek(10, maxBatchBytes: 10)!.Records);
        Assert.Equal(2, spool.Peek(10, maxBatchBytes: 2000)!.Records.Count);
    }

    public void Dispose() => folder.Dispose();

    private AlertSpool Open(long maxBytes = 1 << 20, long segmentBytes = 64 * 1024) =>
        AlertSpool.Open(folder.Path, maxBytes, segmentBytes, NullLogger.Instance);

    private string[] SegmentFiles() => Directory.GetFiles(folder.Path, "*.seg");

    private static string Name(int n) => $"record-{n:D4}";

    // Each record starts with its name and is padded to the size asked for.
    private static List<ReadOnlyMemory<byte>> Records(int first, int count, int size = 64) =>
        Enumerable.Range(first, count).Select(n => (ReadOnlyMemory<byte>)Encoding.ASCII.GetBytes(Name(n).PadRight(size, '.'))).ToList();

    private static List<string> DrainAll(AlertSpool spool, int batch)
    {
        var names = new List<string>();
        while (spool.Peek(batch, long.MaxValue) is { } peeked)
        {
            names.AddRange(peeked.Records.Select(r => Encoding.ASCII.GetString(r)[..11]));
            spool.Commit(peeked);
        }

        return names;
    }
}
