using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralSec.Gateway.Alerts.Spool;
using NeuralSec.Gateway.Tests.Alerts;

namespace NeuralSec.Gateway.Tests.Fuzz;

/// <summary>
/// The webhook's disk spool after a bad day: its segment and commit files flipped, truncated or overwritten at random
/// (a torn write, a bad sector, someone editing it). Opening it never throws, and everything it hands back was
/// really appended — the CRC of each record stops a damaged one from reaching the SOC as an alert.
/// </summary>
public sealed class SpoolFuzzTests
{
    [Fact]
    public void A_damaged_spool_opens_and_yields_only_records_that_were_appended()
    {
        var damage = Gen.ArrayOf(Gen.Zip(Gen.Choose(0, int.MaxValue), Gen.Choose(0, 2)), 6);

        Check.One(FuzzBudget.Config(ci: 150), Prop.ForAll(damage.ToArbitrary(), edits =>
        {
            using var folder = new TempFolder();
            var written = new HashSet<string>(StringComparer.Ordinal);
            using (var spool = AlertSpool.Open(folder.Path, 1 << 20, 4096, NullLogger.Instance))
            {
                for (var i = 0; i < 60; i++)
                {
                    var record = $"{{\"alert\":{i},\"pad\":\"{new string('x', i * 7)}\"}}";
                    written.Add(record);
                    spool.Append([Encoding.UTF8.GetBytes(record)]);
                }

                var first = spool.Peek(5, 1 << 20);
                spool.Commit(first!);
            }

            var files = Directory.GetFiles(folder.Path);
            foreach (var (at, kind) in edits)
            {
                var file = files[at % files.Length];
                var bytes = File.ReadAllBytes(file);
                if (bytes.Length == 0)
                {
                    continue;
                }

                var position = at % bytes.Length;
                switch (kind)
                {
                    case 0:
                        bytes[position] ^= (byte)(1 + (at % 255));
                        File.WriteAllBytes(file, bytes);
                        break;
                    case 1:
                        File.WriteAllBytes(file, bytes[..position]);
                        break;
                    default:
                        Array.Fill(bytes, (byte)(at % 256), position, Math.Min(16, bytes.Length - position));
                        File.WriteAllBytes(file, bytes);
                        break;
                }
            }

            using var reopened = AlertSpool.Open(folder.Path, 1 << 20, 4096, NullLogger.Instance);
            for (var batches = 0; batches < 200 && reopened.Peek(7, 1 << 20) is { } batch; batches++)
            {
                Assert.All(batch.Records, r => Assert.Contains(Encoding.UTF8.GetString(r), written));
                reopened.Commit(batch);
            }

            return true;
        }));
    }
}
