namespace NeuralSec.LoadTest.ReferenceProxy;

/// <summary>One <c>neuralsec-loadtest reference-proxy</c> process's settings, parsed by <see cref="ReferenceProxyCommand"/>.</summary>
/// <param name="ListenPort">The port it listens on, on 127.0.0.1 (h2c).</param>
/// <param name="Upstream">The model server it forwards to; loopback only (<see cref="LoopbackGuard"/>).</param>
internal sealed record ReferenceProxyOptions(int ListenPort, Uri Upstream);
