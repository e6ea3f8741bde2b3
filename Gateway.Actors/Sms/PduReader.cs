namespace Gateway.Sms;

/// <summary>
/// Reads a PDU front to back, naming the field and the octet whenever the PDU ends early, so
/// every decoding problem becomes a <see cref="PduFormatException"/> that says where it is.
/// </summary>
internal ref struct PduReader
{
    private readonly ReadOnlySpan<byte> _pdu;

    public PduReader(ReadOnlySpan<byte> pdu) => _pdu = pdu;

    /// <summary>Index of the next octet to read (0-based, counted from the first octet given).</summary>
    public int Position { get; private set; }

    public readonly int Remaining => _pdu.Length - Position;

    public byte Byte(string field)
    {
        if (Position >= _pdu.Length)
            throw new PduFormatException($"the PDU ends where {field} should be", Position);
        return _pdu[Position++];
    }

    public ReadOnlySpan<byte> Take(int count, string field)
    {
        if (count > Remaining)
            throw new PduFormatException($"the PDU ends inside {field}: {count} octet(s) needed, {Remaining} left", Position);
        var span = _pdu.Slice(Position, count);
        Position += count;
        return span;
    }
}
