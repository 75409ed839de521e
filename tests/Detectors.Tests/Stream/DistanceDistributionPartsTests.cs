using System.Buffers;
using System.Buffers.Binary;
using NeuralSec.Detectors.Stream;

namespace NeuralSec.Detectors.Tests.Stream;

/// <summary>The PRADA state in parts (<see cref="DistanceDistributionFormat"/>): kept as a shared store keeps it — a shared part,
/// one part per class, the ring as records appended — it gives query by query what a whole state in memory gives, its parts
/// are bounded by the caps, and damaged parts are refused with <see cref="FormatException"/>.</summary>
public sealed class DistanceDistributionPartsTests
{
    private static readonly DistanceDistributionDetector Defaults = new(new DistanceDistributionOptions());

    /// <summary>The shipped near-repeat floor and small caps: the ring wraps and the sets fill within the stream.</summary>
    private static readonly DistanceDistributionDetector Small = new(new DistanceDistributionOptions(MaxPerClass: 8, MaxDistances: 120, MinDistances: 50, MinDistance: 0.5));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_state_kept_in_parts_gives_what_a_whole_state_gives_query_by_query(bool small)
    {
        var detector = small ? Small : Defaults;
        var live = detector.NewState();
        var store = new PartStore(detector);
        var evaluated = 0;
        foreach (var (query, label) in Stream(seed: 5, count: 600))
        {
            var expected = detector.Observe(live, query, label);
            var actual = store.Observe(query, label);

            Assert.Equal(expected, actual);
            evaluated += expected.Evaluated ? 1 : 0;
        }

        Assert.True(evaluated >= 40, $"only {evaluated} tests ran");
        Assert.Equal(Bytes(live.WriteSharedPart), store.Shared);
        for (var c = 0; c < 10; c++)
        {
            Assert.Equal(Bytes(w => live.WriteClassPart(c, w)), store.Classes[c]);
        }

        Assert.Equal(Enumerable.Range(0, live.AppendedDistances).Select(i => Bytes(w => live.WriteAppendedDistance(i, w))), store.Ring);
        Assert.Equal(small ? 120 : 600 - 10, store.Ring.Count); // every query but each class's first, up to maxDistances
        Assert.Equal(Bytes(live.WriteTo).Length, live.StoredBytes);
        Assert.Equal(3 + store.Shared.Length + store.Classes.Values.Sum(p => 4 + p.Length) + (store.Ring.Count * 6), live.StoredBytes);
    }

    [Fact]
    public void The_shared_part_is_constant_and_a_class_part_is_bounded_by_the_caps()
    {
        var state = Small.NewState();
        var shared = new HashSet<int>();
        foreach (var (query, label) in Stream(seed: 6, count: 600))
        {
            Small.Observe(state, query, label);
            shared.Add(Bytes(state.WriteSharedPart).Length);
        }

        Assert.Equal(55, Assert.Single(shared));
        for (var c = 0; c < 10; c++)
        {
            // Eight points of a 64-dimension sketch and a 41-byte header: the set is full.
            Assert.Equal(41 + (8 * 64 * 4), Bytes(w => state.WriteClassPart(c, w)).Length);
        }

        Assert.Equal(3 + 55 + (10 * (4 + 41)) + (10 * 8 * 64 * 4) + (120 * 6), state.StoredBytes);
    }

    [Fact]
    public void ReadSharedPart_refuses_damage_another_version_and_other_caps()
    {
        var state = Sample(Defaults, 60);
        var good = Bytes(state.WriteSharedPart);
        for (var cut = 0; cut < good.Length; cut++)
        {
            Assert.Throws<FormatException>(() => Defaults.ReadSharedPart(good.AsSpan(0, cut)));
        }

        Assert.Throws<FormatException>(() => Defaults.ReadSharedPart([.. good, 0]));
        Assert.Throws<FormatException>(() => Defaults.ReadSharedPart(With(good, 2, 1))); // version 1
        Assert.Throws<FormatException>(() => Defaults.ReadSharedPart(With(good, 1, (byte)'D'))); // a whole form's magic
        Assert.Throws<FormatException>(() => new DistanceDistributionDetector(new DistanceDistributionOptions(MaxPerClass: 16)).ReadSharedPart(good));
        Assert.Throws<FormatException>(() => Defaults.ReadSharedPart(WithInt(good, 43, 0))); // points, distances, and no class
        Assert.Throws<FormatException>(() => Defaults.ReadSharedPart(WithInt(good, 51, 1001))); // a ring past maxDistances
        var random = new Random(12);
        for (var i = 0; i < 500; i++)
        {
            var damaged = (byte[])good.Clone();
            damaged[random.Next(damaged.Length)] ^= (byte)(1 + random.Next(255));
            try
            {
                Defaults.ReadSharedPart(damaged);
            }
            catch (FormatException)
            {
                // Refused is right; read is right too (a flipped bit of W can be another valid W). Anything else fails.
            }
        }
    }

    [Fact]
    public void ReadClassPart_refuses_damage_another_class_and_a_part_that_does_not_fit_the_shared_part()
    {
        var state = Sample(Defaults, 200);
        var shared = Bytes(state.WriteSharedPart);
        var good = Bytes(w => state.WriteClassPart(3, w));

        Assert.Equal(state.Classes[3]!.Count, Read(shared, 3, good).Classes[3]!.Count);
        for (var cut = 1; cut < good.Length; cut += 37)
        {
            Assert.Throws<FormatException>(() => Read(shared, 3, good.AsSpan(0, cut).ToArray()));
        }

        Assert.Throws<FormatException>(() => Read(shared, 3, [.. good, 0]));
        Assert.Throws<FormatException>(() => Read(shared, 4, good)); // class 3's part stored under class 4
        Assert.Throws<FormatException>(() => Read(shared, 3, With(good, 2, 1))); // version 1
        Assert.Throws<FormatException>(() => Read(shared, 3, WithInt(good, 5, 32))); // other dimensions
        Assert.Throws<FormatException>(() => Read(shared, 3, WithInt(good, 9, 33))); // past maxPerClass
        Assert.True(state.Classes[3]!.Count > 1);
        Assert.Throws<FormatException>(() => Read(WithInt(WithInt(shared, 43, 1), 47, 1), 3, good)); // more points than the shared part's total
        Assert.Throws<FormatException>(() => Read(shared, 3, WithFloat(good, 41, float.NaN)));
    }

    [Fact]
    public void ReadRing_refuses_another_length_than_the_shared_part_says_and_damaged_records()
    {
        var state = Sample(Defaults, 200);
        var shared = Bytes(state.WriteSharedPart);
        var records = Enumerable.Range(0, state.AppendedDistances).Select(i => Bytes(w => state.WriteAppendedDistance(i, w))).ToList();
        Assert.Equal(state.RingTotal, records.Count);

        Assert.True(Ring(shared, records).RingComplete);
        Assert.Throws<FormatException>(() => Ring(shared, records.Skip(1).ToList()));
        Assert.Throws<FormatException>(() => Ring(shared, [.. records, records[0]]));
        Assert.Throws<FormatException>(() => Ring(shared, [.. records.Skip(1), records[0][..5]]));
        Assert.Throws<FormatException>(() => Ring(shared, [.. records.Skip(1), [.. records[0], 0]]));
        Assert.Throws<FormatException>(() => Ring(shared, [.. records.Skip(1), Record(-1f, 1)]));
        Assert.Throws<FormatException>(() => Ring(shared, [.. records.Skip(1), Record(1f, 64)]));
        Assert.Throws<FormatException>(() => Ring(shared, [.. records.Skip(1), Record(float.PositiveInfinity, 1)]));
    }

    [Fact]
    public void A_state_read_in_parts_is_observed_only_with_what_the_query_needs_and_is_written_in_parts()
    {
        var state = Sample(Defaults, 55); // the 56th query does not test; the 60th does
        var shared = Bytes(state.WriteSharedPart);
        var query = new float[784];
        query[7] = 1;

        var noClass = Defaults.ReadSharedPart(shared);
        Assert.Throws<ArgumentException>(() => Defaults.Observe(noClass, query, 2));
        var otherClass = Read(shared, 1, Bytes(w => state.WriteClassPart(1, w)));
        Assert.Throws<ArgumentException>(() => Defaults.Observe(otherClass, query, 2));
        Assert.Throws<InvalidOperationException>(() => Defaults.ReadClassPart(otherClass, 2, []));
        Assert.Throws<InvalidOperationException>(() => otherClass.WriteTo(new ArrayBufferWriter<byte>()));
        Assert.Throws<InvalidOperationException>(() => otherClass.WriteClassPart(2, new ArrayBufferWriter<byte>()));
        Assert.Throws<InvalidOperationException>(() => Defaults.ReadRing(Defaults.NewState(), []));

        var part = Read(shared, 2, Bytes(w => state.WriteClassPart(2, w)));
        Assert.False(Defaults.TestsNext(part));
        Assert.Equal(Defaults.Observe(state, query, 2 + 128), Defaults.Observe(part, query, 2 + 64)); // ids fold modulo maxClasses
        for (var i = 0; i < 3; i++)
        {
            Defaults.Observe(state, query, 2);
            Defaults.Observe(part, query, 2);
        }

        Assert.True(Defaults.TestsNext(part));
        Assert.Throws<ArgumentException>(() => Defaults.Observe(part, query, 2));
        Assert.Equal(2, Defaults.ClassOf(66));
    }

    [Fact]
    public void ReadState_refuses_a_version_1_state()
    {
        var good = Bytes(Sample(Defaults, 60).WriteTo);

        Assert.Equal(60, Defaults.ReadState(good).Queries);
        Assert.Throws<FormatException>(() => Defaults.ReadState(With(good, 2, 1)));
    }

    /// <summary>Test digits in a seeded order, every seventh query an exact repeat of an earlier one (d = 0: recorded by
    /// default, a near-repeat under the floor).</summary>
    private static IEnumerable<(float[] Query, int Label)> Stream(int seed, int count)
    {
        var random = new Random(seed);
        var sent = new List<(float[] Query, int Label)>();
        for (var i = 0; i < count; i++)
        {
            var index = random.Next(Digits.Test.Count);
            var next = i % 7 == 6 ? sent[random.Next(sent.Count)] : (Digits.Test.Image(index).ToArray(), (int)Digits.Test.Labels[index]);
            sent.Add(next);
            yield return next;
        }
    }

    private static DistanceDistributionState Sample(DistanceDistributionDetector detector, int queries)
    {
        var state = detector.NewState();
        foreach (var (q, label) in DistanceDistributionMeasurement.Benign(queries))
        {
            detector.Observe(state, q, label);
        }

        return state;
    }

    private static DistanceDistributionState Read(byte[] shared, int label, byte[] part)
    {
        var state = Defaults.ReadSharedPart(shared);
        Defaults.ReadClassPart(state, label, part);
        return state;
    }

    private static DistanceDistributionState Ring(byte[] shared, List<byte[]> records)
    {
        var state = Defaults.ReadSharedPart(shared);
        Defaults.ReadRing(state, records.Select(r => (ReadOnlyMemory<byte>)r).ToList());
        return state;
    }

    private static byte[] Record(float d, ushort label)
    {
        var record = new byte[6];
        BinaryPrimitives.WriteSingleLittleEndian(record, d);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(4), label);
        return record;
    }

    private static byte[] With(byte[] data, int at, byte value)
    {
        var copy = (byte[])data.Clone();
        copy[at] = value;
        return copy;
    }

    private static byte[] WithInt(byte[] data, int at, int value)
    {
        var copy = (byte[])data.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(at), value);
        return copy;
    }

    private static byte[] WithFloat(byte[] data, int at, float value)
    {
        var copy = (byte[])data.Clone();
        BinaryPrimitives.WriteSingleLittleEndian(copy.AsSpan(at), value);
        return copy;
    }

    private static byte[] Bytes(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>What a shared store keeps: the shared part, each class's part, the ring as records (the oldest leaving past
    /// maxDistances); each query reads the shared part, its class's part and — when it tests — the ring, then writes back
    /// the shared part, the class part when it changed, and the records it appended.</summary>
    private sealed class PartStore(DistanceDistributionDetector detector)
    {
        public byte[] Shared { get; private set; } = [];

        public Dictionary<int, byte[]> Classes { get; } = [];

        public List<byte[]> Ring { get; } = [];

        public DistanceDistributionResult Observe(float[] query, int predicted)
        {
            var label = detector.ClassOf(predicted);
            DistanceDistributionState state;
            if (Shared.Length == 0)
            {
                state = detector.NewState();
            }
            else
            {
                state = detector.ReadSharedPart(Shared);
                detector.ReadClassPart(state, label, Classes.GetValueOrDefault(label, []));
                if (detector.TestsNext(state))
                {
                    detector.ReadRing(state, Ring.Select(r => (ReadOnlyMemory<byte>)r).ToList());
                }
            }

            var result = detector.Observe(state, query, predicted);
            Shared = Bytes(state.WriteSharedPart);
            if (state.ClassChanged(label))
            {
                Classes[label] = Bytes(w => state.WriteClassPart(label, w));
            }

            for (var i = 0; i < state.AppendedDistances; i++)
            {
                Ring.Add(Bytes(w => state.WriteAppendedDistance(i, w)));
            }

            Ring.RemoveRange(0, Math.Max(0, Ring.Count - detector.Options.MaxDistances));
            return result;
        }
    }
}
