namespace NeuralSec.Gateway.ClientState;

/// <summary>What <see cref="IClientStateStore.AdmitAsync"/> found: the client's active sanctions, and — when it is
/// over budget, or blocked — how long until it may try again (null: admitted).</summary>
internal readonly record struct ClientAdmission(TimeSpan? RetryAfter, ClientSanctions Sanctions)
{
    public static ClientAdmission Admitted { get; } = new(null, ClientSanctions.None);

    public bool IsBlocked => (Sanctions & ClientSanctions.Blocked) != 0;
}
