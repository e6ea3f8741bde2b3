using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SmtpServer.IO;

namespace Gateway.Mail.Smtp.Network;

/// <summary>
/// The connection as SmtpServer sees it: a duplex pipe over the socket, upgradable to TLS (for
/// STARTTLS and implicit-TLS listeners), with <see cref="SmtpInputGuard"/> between the bytes and
/// the pipe. Ours rather than the library's so that the guard sits above TLS, the TLS handshake
/// has its own time limit, and disposing it frees the connection's slot exactly once.
/// </summary>
public sealed class GuardedDuplexPipe : ISecurableDuplexPipe
{
    private readonly NetworkStream _network;
    private readonly TimeSpan _handshakeTimeout;
    private readonly Action _release;
    private SslStream? _ssl;
    private int _disposed;

    public GuardedDuplexPipe(Socket socket, ConnectionLimits limits, Action<string> onTripped, TimeSpan handshakeTimeout, Action release)
    {
        _network = new NetworkStream(socket, ownsSocket: true);
        Guard = new SmtpInputGuard(_network, limits.MaxLineLength, limits.MaxMessageSize, onTripped);
        _handshakeTimeout = handshakeTimeout;
        _release = release;
        (Input, Output) = PipesOver(Guard);
    }

    public SmtpInputGuard Guard { get; }

    public PipeReader Input { get; private set; }

    public PipeWriter Output { get; private set; }

    public bool IsSecure => _ssl is not null;

    public SslProtocols SslProtocol => _ssl?.SslProtocol ?? SslProtocols.None;

    public async Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default)
    {
        var ssl = new SslStream(_network, leaveInnerStreamOpen: true);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_handshakeTimeout);
        try
        {
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = certificate,
                ClientCertificateRequired = false,
                EnabledSslProtocols = protocols,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }, timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        _ssl = ssl;
        Guard.Inner = ssl;
        // New pipes: anything the client sent in plain text after STARTTLS is dropped, never read as
        // if it had come over TLS (the STARTTLS command-injection attack).
        (Input, Output) = PipesOver(Guard);
    }

    private static (PipeReader, PipeWriter) PipesOver(Stream stream) =>
        (PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true)),
         PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            _ssl?.Dispose();
            _network.Dispose();
        }
        finally
        {
            _release();
        }
    }
}
