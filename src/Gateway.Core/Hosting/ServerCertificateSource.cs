using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NeuralSec.Gateway.Hosting;

/// <summary>
/// The TLS listeners' certificate, reloaded without a restart when its PEM files change (cert-manager renewals,
/// a rotated Secret). Kestrel asks for <see cref="Current"/> at every handshake, so new connections get the new
/// pair at once and open ones keep theirs.
/// <para>Changes are picked up like policy changes: file-system events on the files' folders, debounced, for
/// speed; a content-hash poll as the safety net for what events miss (a Secret's <c>..data</c> symlink swap,
/// network volumes, exhausted inotify watches).</para>
/// <para>A new pair is checked before it is used — both files parse, the key matches the certificate, it is
/// within its validity and allowed for server authentication — and refused otherwise: logged, counted, and the
/// last good certificate keeps serving. The first load has no fallback, so a bad pair fails start-up.</para>
/// </summary>
internal sealed class ServerCertificateSource : IHostedService, IDisposable
{
    private const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>Quiet time after an event before reading: a Secret swap or a cert-then-key copy settles first.</summary>
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);

    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly TimeSpan _pollInterval;
    private readonly bool _useFileSystemWatcher;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _reloading = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private volatile X509Certificate2 _current;
    private byte[] _lastContentHash;
    private ITimer? _poll;
    private ITimer? _debounce;
    private int _reloads;
    private int _refusals;

    public ServerCertificateSource(
        string certificatePath,
        string keyPath,
        TimeSpan pollInterval,
        TimeProvider time,
        ILogger<ServerCertificateSource> logger,
        bool useFileSystemWatcher = true)
    {
        _certificatePath = Path.GetFullPath(certificatePath);
        _keyPath = Path.GetFullPath(keyPath);
        _pollInterval = pollInterval;
        _useFileSystemWatcher = useFileSystemWatcher;
        _time = time;
        _logger = logger;
        (_lastContentHash, var certPem, var keyPem) = Read();
        _current = Validate(certPem, keyPem);
        Publish(_current);
    }

    /// <summary>The certificate new connections get.</summary>
    public X509Certificate2 Current => _current;

    /// <summary>Pairs swapped in since start-up.</summary>
    public int Reloads => Volatile.Read(ref _reloads);

    /// <summary>Changed pairs refused since start-up (each distinct content counted once).</summary>
    public int Refusals => Volatile.Read(ref _refusals);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _debounce = _time.CreateTimer(_ => ReloadSafely("file-system event"), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _poll = _time.CreateTimer(_ => ReloadSafely("poll"), null, _pollInterval, _pollInterval);
        if (_useFileSystemWatcher)
        {
            foreach (var directory in new[] { Path.GetDirectoryName(_certificatePath)!, Path.GetDirectoryName(_keyPath)! }.Distinct(StringComparer.Ordinal))
            {
                Watch(directory);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        lock (_watchers)
        {
            _watchers.ForEach(w => w.Dispose());
            _watchers.Clear();
        }

        _poll?.Dispose();
        _debounce?.Dispose();
    }

    /// <summary>Reads both files and swaps the pair in if it changed and is good. Returns true when swapped.</summary>
    public bool Reload()
    {
        lock (_reloading)
        {
            var (hash, certPem, keyPem) = Read();
            if (hash.AsSpan().SequenceEqual(_lastContentHash))
            {
                return false;
            }

            // Remembered whatever the outcome: a refused pair is reported once, not at every poll, and tried
            // again only when one of the files changes.
            _lastContentHash = hash;
            X509Certificate2 certificate;
            try
            {
                certificate = Validate(certPem, keyPem);
            }
            catch (Exception ex) when (ex is CryptographicException or InvalidDataException or ArgumentException)
            {
                Interlocked.Increment(ref _refusals);
                TlsMetrics.Reloads.WithLabels("failure").Inc();
                TlsLog.ReloadRefused(_logger, ex, _certificatePath, _keyPath, _current.Subject, _current.Thumbprint);
                return false;
            }

            // The previous certificate is not disposed: a handshake may still be using it.
            _current = certificate;
            Interlocked.Increment(ref _reloads);
            TlsMetrics.Reloads.WithLabels("success").Inc();
            Publish(certificate);
            TlsLog.Reloaded(_logger, certificate.Subject, certificate.Thumbprint, certificate.NotAfter.ToUniversalTime());
            return true;
        }
    }

    private X509Certificate2 Validate(string certificatePem, string keyPem)
    {
        // Throws when either file does not parse or the key is not the certificate's.
        var certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidDataException("the key file holds no private key for the certificate");
        }

        var now = _time.GetUtcNow();
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
        {
            throw new InvalidDataException($"the certificate is valid from {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}, not now");
        }

        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().SingleOrDefault()?.EnhancedKeyUsages;
        if (usages is not null && usages.Count > 0 && !usages.Cast<Oid>().Any(u => u.Value == ServerAuthenticationOid))
        {
            throw new InvalidDataException("the certificate is not allowed for server authentication (extended key usage)");
        }

        return certificate;
    }

    private (byte[] Hash, string CertificatePem, string KeyPem) Read()
    {
        var certificate = File.ReadAllText(_certificatePath);
        var key = File.ReadAllText(_keyPath);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(certificate));
        hash.AppendData([0]);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(key));
        return (hash.GetHashAndReset(), certificate, key);
    }

    private static void Publish(X509Certificate2 certificate) =>
        TlsMetrics.NotAfter.Set(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeSeconds());

    private void Watch(string directory)
    {
        try
        {
            var watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += OnEvent;
            watcher.Created += OnEvent;
            watcher.Deleted += OnEvent;
            watcher.Renamed += OnEvent;
            watcher.Error += (_, e) => TlsLog.WatcherUnavailable(_logger, e.GetException(), directory, _pollInterval);
            watcher.EnableRaisingEvents = true;
            lock (_watchers)
            {
                _watchers.Add(watcher);
            }
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            // Polling alone still finds every change, a little later.
            TlsLog.WatcherUnavailable(_logger, ex, directory, _pollInterval);
        }
    }

    /// <summary>Every event re-arms the one-shot timer, so a burst of events yields one reload after it ends.</summary>
    private void OnEvent(object sender, FileSystemEventArgs e) => _debounce?.Change(Debounce, Timeout.InfiniteTimeSpan);

    private void ReloadSafely(string trigger)
    {
        try
        {
            Reload();
        }
        catch (Exception ex)
        {
            // A timer callback that throws would take the process down; a file that cannot be read now (mid-swap,
            // briefly absent) is read again at the next event or poll, and the last good certificate keeps serving.
            TlsLog.ReadFailed(_logger, ex, _certificatePath, _keyPath, trigger);
        }
    }
}
