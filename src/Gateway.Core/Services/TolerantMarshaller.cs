using Google.Protobuf;
using Grpc.Core;

namespace NeuralSec.Gateway.Services;

/// <summary>
/// A protobuf marshaller whose deserializer does not throw: bytes that are not a valid <typeparamref name="T"/> come
/// out as <see cref="Malformed"/>, one shared instance the handler recognises by reference. grpc-dotnet would
/// otherwise answer UNKNOWN ("Exception was thrown by handler.") with no request id or reason, and log a stack
/// trace per malformed call — 2.9 KB for a 3-byte request.
/// </summary>
internal static class TolerantMarshaller<T>
    where T : class, IMessage<T>, new()
{
    private static readonly MessageParser<T> Parser = new(() => new T());

    /// <summary>Stands for "these bytes did not parse"; never answered or forwarded.</summary>
    public static T Malformed { get; } = new();

    public static Marshaller<T> Instance { get; } = new(Serialize, Deserialize);

    public static bool IsMalformed(T message) => ReferenceEquals(message, Malformed);

    private static void Serialize(T message, SerializationContext context)
    {
        context.SetPayloadLength(message.CalculateSize());
        message.WriteTo(context.GetBufferWriter());
        context.Complete();
    }

    private static T Deserialize(DeserializationContext context)
    {
        try
        {
            return Parser.ParseFrom(context.PayloadAsReadOnlySequence());
        }
        catch (InvalidProtocolBufferException)
        {
            return Malformed;
        }
    }
}
