namespace Gateway.Modem.Transport;

/// <summary>
/// How the driver reaches one modem: something that opens a duplex byte stream to its AT
/// interface. Serial ports (USB modems, also Linux pseudo-terminals), TCP (modem pools,
/// ser2net-style: one raw byte stream per connection) and the in-process virtual modem all look
/// the same from here on. Closing (disposing) the stream closes the port or connection; the
/// caller does that with a time limit, since a serial close can hang when the device vanished.
/// </summary>
public interface IModemTransport
{
    /// <summary>Where the modem is, for logs (<c>tcp://127.0.0.1:7100</c>, <c>serial:/dev/ttyUSB0@115200</c>); never secrets.</summary>
    string Endpoint { get; }

    /// <summary>Opens the port or connection. Fails with an exception when the modem cannot be reached.</summary>
    Task<Stream> OpenAsync(CancellationToken cancellationToken);
}
