namespace NeuralSec.LoadTest.Fuzz;

/// <summary>Damage to a protobuf message's bytes: flipped and inserted bytes, cuts, wire types that do not exist,
/// lengths and varints that overflow, nesting past any recursion limit, unknown fields, plain noise.</summary>
internal static class ProtobufMutations
{
    public static (string Kind, byte[] Bytes) Mutate(Random random, byte[] message)
    {
        switch (random.Next(11))
        {
            case 0:
                var flipped = (byte[])message.Clone();
                for (var i = random.Next(1, 9); i > 0 && flipped.Length > 0; i--)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                }

                return ("flip", flipped);
            case 1:
                return ("cut", message[..random.Next(message.Length + 1)]);
            case 2:
                var at = random.Next(message.Length + 1);
                return ("insert", [.. message[..at], .. HostileValues.Bytes(random, random.Next(1, 32)), .. message[at..]]);
            case 3:
                return ("wire-type-7", [0x0F, .. message]);
            case 4:
                // Field 1 (the model name), length-delimited, claiming 2^35 bytes.
                return ("huge-length", [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, .. message]);
            case 5:
                // An 11-byte varint: longer than any 64-bit value.
                return ("overlong-varint", [0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, .. message]);
            case 6:
                // Start-group tags, each opening a level, far past the parser's recursion limit.
                return ("deep-groups", [.. Enumerable.Repeat((byte)0x0B, random.Next(100, 20_000))]);
            case 7:
                // An unknown field (number 4095) carrying noise: valid protobuf that must be ignored.
                var noise = HostileValues.Bytes(random, random.Next(0, 100));
                return ("unknown-field", [.. message, 0xFA, 0xFF, 0x01, (byte)noise.Length, .. noise]);
            case 8:
                return ("noise", HostileValues.Bytes(random, HostileValues.Size(random, 64 * 1024)));
            case 9:
                return ("empty", []);
            default:
                // A string field (model name) whose bytes are not UTF-8.
                return ("invalid-utf8", [0x0A, 0x04, 0xC3, 0x28, 0xFF, 0xFE, .. message]);
        }
    }
}
