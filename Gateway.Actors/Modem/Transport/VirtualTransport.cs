namespace Gateway.Modem.Transport;

/// <summary>
/// A modem of the in-process virtual bank: <paramref name="connect"/> is its
/// <c>VirtualModem.Connect()</c>, which returns a stream that behaves byte for byte like the
/// modem's serial port. Taking a delegate keeps the driver independent of the simulator.
/// </summary>
public sealed class VirtualTransport(string simNumber, Func<Stream> connect) : IModemTransport
{
    public string Endpoint => $"virtual:{simNumber}";

    public Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(connect());
    }
}
