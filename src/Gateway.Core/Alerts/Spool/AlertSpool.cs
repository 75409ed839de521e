using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace NeuralSec.Gateway.Alerts.Spool;

/// <summary>
/// A bounded, append-only disk queue of webhook payloads that survives restarts.
/// <para>Layout: segment files <c>0000000001.seg</c>, <c>0000000002.seg</c>… of records
/// <c>[int32 length][uint32 CRC-32][payload]</c> (little endian), and a <c>commit</c> file holding the position
/// (segment, offset) up to which records were delivered. Reading starts at the commit; a torn record at the end of a
/// segment (a crash mid-append) fails its length or CRC check and is cut off at open.</para>
/// <para>Durability: an <see cref="Append"/> is fsynced before it returns, so a batch the sink has given up on is on
/// disk before it leaves memory. The commit is written to a temporary file, fsynced and renamed over the old one, so it
/// is either the old or the new position. A crash between a delivery and its commit re-sends that batch: delivery is
/// at least once, and receivers dedupe on the event uid (the body also carries an Idempotency-Key).</para>
/// <para>Bound: <see cref="PendingBytes"/> never exceeds the maximum. When an append does not fit, the newest records
/// are refused (the caller counts and logs them): the oldest undelivered alerts are kept because they show how an
/// incident began, and refusing keeps the files append-only with no holes.</para>
/// <para>Not thread-safe: one sink's delivery loop owns it.</para>
/// </summary>
internal sealed class AlertSpool : IDisposable
{
    public const int RecordHeaderBytes = 8;

    private const int MaxRecordBytes = 16 * 1024 * 1024;
    private const string SegmentExtension = ".seg";
    private const string CommitFileName = "commit";

    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly long _segmentBytes;
    private readonly ILogger _logger;
    private readonly SortedDictionary<long, long> _segments = []; // segment number -> valid length
    private SpoolPosition _head;
    private long _writerSegment;
    private FileStream? _writer;

    private AlertSpool(string directory, long maxBytes, long segmentBytes, ILogger logger)
    {
        _directory = directory;
        _maxBytes = maxBytes;
        _segmentBytes = segmentBytes;
        _logger = logger;
    }

    public string Directory => _directory;

    public long MaxBytes => _maxBytes;

    /// <summary>Bytes of undelivered records, headers included: what counts against the bound.</summary>
    public long PendingBytes { get; private set; }

    public long PendingRecords { get; private set; }

    public bool IsEmpty => PendingRecords == 0;

    /// <summary>Opens (creating if needed) the spool in <paramref name="directory"/>, dropping what was committed and
    /// cutting off torn records.</summary>
    public static AlertSpool Open(string directory, long maxBytes, long segmentBytes, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        System.IO.Directory.CreateDirectory(directory);
        var spool = new AlertSpool(Path.GetFullPath(directory), maxBytes, segmentBytes, logger);
        spool.Recover();
        return spool;
    }

    /// <summary>Appends records in order and fsyncs. Returns how many were taken: a prefix of
    /// <paramref name="payloads"/>; the rest did not fit under the bound. A write the disk refuses (full, gone) takes
    /// none of this call's records: the files are put back as they were, so the spool stays exactly what it held.</summary>
    public int Append(IReadOnlyList<ReadOnlyMemory<byte>> payloads)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        var before = (Segment: _writerSegment, Length: _segments.GetValueOrDefault(_writerSegment), PendingBytes, PendingRecords, Segments: _segments.Keys.ToArray());
        var accepted = 0;
        Span<byte> header = stackalloc byte[RecordHeaderBytes];
        try
        {
            foreach (var payload in payloads)
            {
                var size = RecordHeaderBytes + (long)payload.Length;
                if (payload.Length > MaxRecordBytes || PendingBytes + size > _maxBytes)
                {
                    break;
                }

                var stream = WriterFor(size);
                BinaryPrimitives.WriteInt32LittleEndian(header, payload.Length);
                BinaryPrimitives.WriteUInt32LittleEndian(header[4..], System.IO.Hashing.Crc32.HashToUInt32(payload.Span));
                stream.Write(header);
                stream.Write(payload.Span);
                _segments[_writerSegment] += size;
                PendingBytes += size;
                PendingRecords++;
                accepted++;
            }

            _writer?.Flush(flushToDisk: true);
            return accepted;
        }
        catch (IOException ex)
        {
            AlertLog.SpoolWriteFailed(_logger, ex, _directory, accepted);
            RollBack(before.Segment, before.Length, before.Segments);
            PendingBytes = before.PendingBytes;
            PendingRecords = before.PendingRecords;
            return 0;
        }
    }

    /// <summary>Undoes a failed append: the writer is dropped unflushed, segments it created are deleted and the one it
    /// started in is cut back to where it was (which also hands the disk back its space).</summary>
    private void RollBack(long segment, long length, long[] existing)
    {
        // Unflushed bytes of a full disk: dropping them is the point.
        if (_writer is { } writer)
        {
            TryIo(writer.Dispose);
        }

        _writer = null;
        foreach (var created in _segments.Keys.Except(existing).ToArray())
        {
            _segments.Remove(created);
            TryIo(() => File.Delete(SegmentPath(created)));
        }

        _writerSegment = segment;
        if (_segments.ContainsKey(segment))
        {
            _segments[segment] = length;
            TryIo(() =>
            {
                using var stream = new FileStream(SegmentPath(segment), FileMode.Open, FileAccess.Write, FileShare.Read | FileShare.Delete);
                stream.SetLength(length);
            });
        }
    }

    private static void TryIo(Action action)
    {
        try
        {
            action();
        }
        catch (IOException)
        {
            // Best effort: what is left over is cut off by the CRC check at the next open.
        }
    }

    /// <summary>Reads up to <paramref name="maxRecords"/> records (and about <paramref name="maxBatchBytes"/>, but at
    /// least one) from the head without removing them; null when the spool is empty.</summary>
    public SpoolBatch? Peek(int maxRecords, long maxBatchBytes)
    {
        var records = new List<byte[]>();
        var position = _head;
        long bytes = 0;
        Span<byte> header = stackalloc byte[RecordHeaderBytes];
        while (records.Count < maxRecords && PendingRecords > records.Count)
        {
            if (!_segments.TryGetValue(position.Segment, out var length))
            {
                break;
            }

            if (position.Offset >= length)
            {
                var next = _segments.Keys.FirstOrDefault(s => s > position.Segment);
                if (next == 0)
                {
                    break;
                }

                position = new SpoolPosition(next, 0);
                continue;
            }

            using var stream = new FileStream(SegmentPath(position.Segment), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Position = position.Offset;
            while (position.Offset < length && records.Count < maxRecords && (records.Count == 0 || bytes < maxBatchBytes))
            {
                stream.ReadExactly(header);
                var payload = new byte[BinaryPrimitives.ReadInt32LittleEndian(header)];
                stream.ReadExactly(payload);
                records.Add(payload);
                bytes += RecordHeaderBytes + payload.Length;
                position = position with { Offset = position.Offset + RecordHeaderBytes + payload.Length };
            }

            if (records.Count > 0 && bytes >= maxBatchBytes)
            {
                break;
            }
        }

        return records.Count == 0 ? null : new SpoolBatch(records, position, bytes);
    }

    /// <summary>Marks a peeked batch delivered: moves the commit past it and deletes segments read to the end.</summary>
    public void Commit(SpoolBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        PendingRecords -= batch.Records.Count;
        PendingBytes -= batch.Bytes;
        if (PendingRecords <= 0)
        {
            // Empty: start a fresh segment so the disk is handed back now rather than when a segment fills.
            PendingRecords = 0;
            PendingBytes = 0;
            CloseWriter();
            var fresh = new SpoolPosition(_writerSegment + 1, 0);
            var freshCommitted = WriteCommit(fresh);
            foreach (var segment in _segments.Keys.ToList())
            {
                DeleteSegment(segment);
            }

            if (!freshCommitted)
            {
                // A full disk refused the commit; with the segments gone there is room, and without the commit a
                // restart would only find no segments, which is the same empty spool.
                WriteCommit(fresh);
            }

            _head = fresh;
            _writerSegment = fresh.Segment;
            return;
        }

        _head = batch.End;
        while (_segments.TryGetValue(_head.Segment, out var length) && _head.Offset >= length && _head.Segment != _writerSegment)
        {
            var next = _segments.Keys.FirstOrDefault(s => s > _head.Segment);
            if (next == 0)
            {
                break;
            }

            _head = new SpoolPosition(next, 0);
        }

        // Commit first, then delete: a crash in between leaves segments below the commit, which Open deletes. When a
        // full disk refuses the commit, the consumed segments go anyway to make room (a restart then re-reads the head
        // segment from its start: delivery stays at least once), and the commit is tried again.
        var committed = WriteCommit(_head);
        foreach (var segment in _segments.Keys.Where(s => s < _head.Segment).ToList())
        {
            DeleteSegment(segment);
        }

        if (!committed)
        {
            WriteCommit(_head);
        }
    }

    public void Dispose() => CloseWriter();

    private FileStream WriterFor(long recordSize)
    {
        if (_writer is not null && _segments[_writerSegment] > 0 && _segments[_writerSegment] + recordSize > _segmentBytes)
        {
            CloseWriter();
            _writerSegment++;
        }

        if (_writer is null)
        {
            if (_segments.TryGetValue(_writerSegment, out var length) && length > 0 && length + recordSize > _segmentBytes)
            {
                _writerSegment++;
            }

            _segments.TryAdd(_writerSegment, 0);
            _writer = new FileStream(SegmentPath(_writerSegment), FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, 64 * 1024);
        }

        return _writer;
    }

    private void CloseWriter()
    {
        if (_writer is null)
        {
            return;
        }

        // Every append was flushed when it returned, so a flush or close failing here holds nothing accepted.
        TryIo(() => _writer.Flush(flushToDisk: true));
        TryIo(_writer.Dispose);
        _writer = null;
    }

    private void Recover()
    {
        File.Delete(CommitPath + ".tmp");
        var commit = ReadCommit();
        foreach (var file in System.IO.Directory.EnumerateFiles(_directory, "*" + SegmentExtension))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0)
            {
                _segments[number] = new FileInfo(file).Length;
            }
        }

        foreach (var stale in _segments.Keys.Where(s => s < commit.Segment).ToList())
        {
            DeleteSegment(stale);
        }

        if (_segments.TryGetValue(commit.Segment, out var committedLength))
        {
            _head = commit.Offset <= committedLength ? commit : new SpoolPosition(commit.Segment, committedLength);
        }
        else
        {
            _head = new SpoolPosition(_segments.Count > 0 ? _segments.Keys.First() : Math.Max(commit.Segment, 1), 0);
        }

        foreach (var segment in _segments.Keys.ToList())
        {
            var start = segment == _head.Segment ? _head.Offset : 0;
            var valid = Scan(segment, start, out var records, out var bytes);
            if (valid < _segments[segment])
            {
                AlertLog.SpoolRecovered(_logger, _directory, $"segment {segment}: cut {_segments[segment] - valid} byte(s) of torn or corrupt records at offset {valid}");
                using (var stream = new FileStream(SegmentPath(segment), FileMode.Open, FileAccess.Write, FileShare.Read))
                {
                    stream.SetLength(valid);
                    stream.Flush(flushToDisk: true);
                }

                _segments[segment] = valid;
            }

            PendingRecords += records;
            PendingBytes += bytes;
        }

        _writerSegment = _segments.Count > 0 ? _segments.Keys.Last() : _head.Segment;
    }

    /// <summary>Walks records from <paramref name="start"/>; returns the end of the last good one.</summary>
    private long Scan(long segment, long start, out long records, out long bytes)
    {
        records = 0;
        bytes = 0;
        using var stream = new FileStream(SegmentPath(segment), FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = stream.Length;
        var position = start;
        stream.Position = start;
        Span<byte> header = stackalloc byte[RecordHeaderBytes];
        while (length - position >= RecordHeaderBytes)
        {
            stream.ReadExactly(header);
            var size = BinaryPrimitives.ReadInt32LittleEndian(header);
            if (size < 0 || size > MaxRecordBytes || size > length - position - RecordHeaderBytes)
            {
                break;
            }

            var payload = new byte[size];
            stream.ReadExactly(payload);
            if (System.IO.Hashing.Crc32.HashToUInt32(payload) != BinaryPrimitives.ReadUInt32LittleEndian(header[4..]))
            {
                break;
            }

            position += RecordHeaderBytes + size;
            records++;
            bytes += RecordHeaderBytes + size;
        }

        return position;
    }

    private SpoolPosition ReadCommit()
    {
        try
        {
            var data = File.ReadAllBytes(CommitPath);
            if (data.Length == 20 && System.IO.Hashing.Crc32.HashToUInt32(data.AsSpan(0, 16)) == BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(16)))
            {
                return new SpoolPosition(BinaryPrimitives.ReadInt64LittleEndian(data), BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(8)));
            }

            AlertLog.SpoolRecovered(_logger, _directory, "commit file unreadable; delivering from the oldest segment (duplicates possible)");
        }
        catch (FileNotFoundException)
        {
        }

        return new SpoolPosition(0, 0);
    }

    /// <summary>Writes the commit atomically; false (logged) when the disk refuses it, the old commit then stands.</summary>
    private bool WriteCommit(SpoolPosition position)
    {
        Span<byte> data = stackalloc byte[20];
        BinaryPrimitives.WriteInt64LittleEndian(data, position.Segment);
        BinaryPrimitives.WriteInt64LittleEndian(data[8..], position.Offset);
        BinaryPrimitives.WriteUInt32LittleEndian(data[16..], System.IO.Hashing.Crc32.HashToUInt32(data[..16]));
        var temporary = CommitPath + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(data);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, CommitPath, overwrite: true);
            return true;
        }
        catch (IOException ex)
        {
            AlertLog.SpoolCommitFailed(_logger, ex, _directory);
            TryIo(() => File.Delete(temporary));
            return false;
        }
    }

    private void DeleteSegment(long segment)
    {
        File.Delete(SegmentPath(segment));
        _segments.Remove(segment);
    }

    private string CommitPath => Path.Combine(_directory, CommitFileName);

    private string SegmentPath(long segment) =>
        Path.Combine(_directory, segment.ToString("D10", CultureInfo.InvariantCulture) + SegmentExtension);
}
