namespace NeuralSec.Gateway.Pipeline;

/// <summary>The logging scope of one request: every log line written while it runs carries its id and model.</summary>
internal sealed class RequestScope(string requestId, string model) : IReadOnlyList<KeyValuePair<string, object>>
{
    public int Count => 2;

    public KeyValuePair<string, object> this[int index] => index switch
    {
        0 => new("RequestId", requestId),
        1 => new("Model", model),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"RequestId:{requestId} Model:{model}";
}
