namespace Gateway.Sms;

/// <summary>Writes a PDU into a caller's buffer (stack memory on the hot path), front to back.</summary>
internal ref struct PduWriter
{
    private readonly Span<byte> _buffer;

    public PduWriter(Span<byte> buffer) => _buffer = buffer;

    public int Position { get; private set; }

    public readonly ReadOnlySpan<byte> Written => _buffer[..Position];

    public void Byte(int value) => _buffer[Position++] = (byte)value;

    /// <summary>The rest of the buffer, for a field written in place; call <see cref="Advance"/> with what was used.</summary>
    public readonly Span<byte> Free => _buffer[Position..];

    public void Advance(int count) => Position += count;

    /// <summary>Reserves one octet (a length written once the field after it is known) and returns its index.</summary>
    public int Reserve() => Position++;

    public readonly void Patch(int index, int value) => _buffer[index] = (byte)value;
}
