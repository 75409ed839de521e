using System.Text;

namespace NeuralSec.Policy.Editing;

/// <summary>A policy file's text as edited: the body without a byte-order mark, and whether to put one back.</summary>
public readonly record struct PolicyText(string Body, bool ByteOrderMark)
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>False for bytes that are not UTF-8 (the validator reports those).</summary>
    public static bool TryDecode(byte[] content, out PolicyText text)
    {
        try
        {
            var decoded = Strict.GetString(content);
            text = new PolicyText(decoded.TrimStart('\uFEFF'), decoded.StartsWith('\uFEFF'));
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = new PolicyText(string.Empty, false);
            return false;
        }
    }

    public byte[] Encode(string body) => Strict.GetBytes(ByteOrderMark ? "\uFEFF" + body : body);
}
