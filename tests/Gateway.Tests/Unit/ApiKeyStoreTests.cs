using NeuralSec.Gateway.Identity;

namespace NeuralSec.Gateway.Tests.Unit;

public sealed class ApiKeyStoreTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    [Fact]
    public void Matches_only_the_right_key_and_returns_client_and_group()
    {
        File.WriteAllLines(_file,
        [
            "# clientId:group:sha256(key)",
            $"billing:tenant-a:{ApiKeyStore.Hash("s3cret-billing")}",
            $"fraud::{ApiKeyStore.Hash("s3cret-fraud")}",
        ]);
        var store = ApiKeyStore.Load(_file);

        Assert.Equal(2, store.Count);
        Assert.Equal(new CallerIdentity("billing", "tenant-a", CallerIdentitySource.ApiKey), store.Match("s3cret-billing"));
        Assert.Equal(new CallerIdentity("fraud", null, CallerIdentitySource.ApiKey), store.Match("s3cret-fraud"));
        Assert.Null(store.Match("s3cret-billinG"));
        Assert.Null(store.Match(string.Empty));
    }

    [Theory]
    [InlineData("billing:tenant-a", "expected 'clientId:group:sha256-hex'")]
    [InlineData("billing:tenant-a:abc", "expected 'clientId:group:sha256-hex'")]
    [InlineData(":g:0000000000000000000000000000000000000000000000000000000000000000", "expected 'clientId:group:sha256-hex'")]
    [InlineData("b:g:zz00000000000000000000000000000000000000000000000000000000000000", "not hexadecimal")]
    public void Malformed_lines_name_file_and_line(string line, string fragment)
    {
        File.WriteAllLines(_file, ["# header", line]);
        var ex = Assert.Throws<InvalidDataException>(() => ApiKeyStore.Load(_file));
        Assert.Contains($"{_file}:2:", ex.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(_file);
}
