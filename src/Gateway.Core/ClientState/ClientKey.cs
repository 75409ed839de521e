namespace NeuralSec.Gateway.ClientState;

/// <summary>Whose state: a client id under a scope (the policy revision, <c>name@revision</c>).</summary>
internal readonly record struct ClientKey(string Scope, string ClientId);
