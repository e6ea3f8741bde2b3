using System.Text;

namespace Gateway.Modem.Virtual;

/// <summary>What a byte completed on the modem's input, if anything.</summary>
internal abstract record FramedInput
{
    /// <summary>A command line ended by CR (the CR not included).</summary>
    public sealed record Line(string Text) : FramedInput;

    /// <summary>A command line longer than the modem's buffer; it is discarded and answered ERROR.</summary>
    public sealed record Overflow : FramedInput;

    /// <summary><c>A/</c>: repeat the last command line (no CR needed).</summary>
    public sealed record Repeat : FramedInput;

    /// <summary>The PDU typed after the <c>&gt;</c> prompt, ended by Ctrl-Z; null when it was longer than allowed.</summary>
    public sealed record Pdu(string? Hex) : FramedInput;

    /// <summary>ESC after the prompt: the send is cancelled.</summary>
    public sealed record PduCancelled : FramedInput;
}

/// <summary>
/// Splits the bytes a modem receives into command lines and PDU entries, byte by byte, as a
/// modem's UART handler does: lines end on CR (S3) and LF (S4) is ignored, BS (S5) deletes, and
/// after the AT+CMGS prompt the PDU runs to Ctrl-Z (send) or ESC (cancel). Pure state machine;
/// limits are hard: longer input is dropped and reported, never buffered.
/// </summary>
internal sealed class LineFramer(int maxLineLength = AtCommandLine.MaxLength, int maxPduLength = LineFramer.DefaultMaxPduLength)
{
    /// <summary>Longest PDU (hex characters) accepted after the prompt: a 176-octet PDU is 352; anything far beyond is garbage.</summary>
    public const int DefaultMaxPduLength = 1024;

    public const byte CarriageReturn = 0x0D;
    public const byte LineFeed = 0x0A;
    public const byte Backspace = 0x08;
    public const byte CtrlZ = 0x1A;
    public const byte Escape = 0x1B;

    private readonly StringBuilder _text = new();
    private bool _overflow;

    /// <summary>True after the prompt, until Ctrl-Z or ESC.</summary>
    public bool InPduEntry { get; private set; }

    /// <summary>No partial line and no PDU entry: unsolicited lines may be written now without splitting anything.</summary>
    public bool IsIdle => !InPduEntry && _text.Length == 0 && !_overflow;

    public void BeginPduEntry()
    {
        InPduEntry = true;
        _text.Clear();
        _overflow = false;
    }

    /// <summary>Forgets any partial input (a hung or restarted modem).</summary>
    public void Reset()
    {
        InPduEntry = false;
        _text.Clear();
        _overflow = false;
    }

    /// <summary>
    /// Takes one byte. <paramref name="echo"/> says whether a modem with echo on repeats it (every
    /// byte but Ctrl-Z and ESC). Returns what the byte completed, or null.
    /// </summary>
    public FramedInput? Feed(byte b, out bool echo)
    {
        echo = b is not (CtrlZ or Escape);
        return InPduEntry ? FeedPdu(b) : FeedCommand(b);
    }

    private FramedInput? FeedCommand(byte b)
    {
        switch (b)
        {
            case CarriageReturn:
                var overflow = _overflow;
                var line = _text.ToString();
                _text.Clear();
                _overflow = false;
                return overflow ? new FramedInput.Overflow() : new FramedInput.Line(line);
            case LineFeed:
                return null;
            case Backspace:
                if (_text.Length > 0) _text.Length--;
                return null;
            case (byte)'/' when _text.Length == 1 && _text[0] is 'A' or 'a' && !_overflow:
                _text.Clear();
                return new FramedInput.Repeat();
            default:
                Append(b, maxLineLength);
                return null;
        }
    }

    private FramedInput? FeedPdu(byte b)
    {
        switch (b)
        {
            case CtrlZ:
                var hex = _overflow ? null : _text.ToString();
                Reset();
                return new FramedInput.Pdu(hex);
            case Escape:
                Reset();
                return new FramedInput.PduCancelled();
            case CarriageReturn or LineFeed:
                return null;
            case Backspace:
                if (_text.Length > 0) _text.Length--;
                return null;
            default:
                Append(b, maxPduLength);
                return null;
        }
    }

    private void Append(byte b, int limit)
    {
        if (_text.Length < limit) _text.Append((char)b); // Latin-1: one char per byte, so garbage stays countable
        else _overflow = true;
    }
}
