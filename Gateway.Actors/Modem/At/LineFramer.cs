namespace Gateway.Modem.At;

/// <summary>What kind of unit <see cref="LineFramer"/> cut from the byte stream.</summary>
public enum FrameKind
{
    /// <summary>A text line (terminator removed). Empty lines are never produced.</summary>
    Line,

    /// <summary>The <c>&gt; </c> prompt AT+CMGS waits behind: it has no line terminator, so it counts as a line of its own.</summary>
    Prompt,

    /// <summary>A line longer than the limit: its start is kept in <see cref="FramedLine.Text"/>, the rest up to the next terminator was dropped.</summary>
    TooLong,
}

/// <summary>One unit of modem output: a line, the send prompt, or the head of a discarded over-long line.</summary>
public readonly record struct FramedLine(FrameKind Kind, string Text)
{
    public static FramedLine Prompt { get; } = new(FrameKind.Prompt, ">");

    public static FramedLine Of(string text) => new(FrameKind.Line, text);

    public override string ToString() => Kind switch
    {
        FrameKind.Prompt => "> ",
        FrameKind.TooLong => $"{Text}… (too long, dropped)",
        _ => Text,
    };
}

/// <summary>
/// Cuts a modem's output into lines. CR and LF both end a line (modems send CR LF; some only one)
/// and empty lines are skipped. The AT+CMGS prompt <c>&gt; </c> is not followed by a terminator,
/// so a <c>&gt;</c> at the start of a line is a unit of its own (the space after it is dropped).
/// Bytes are read as Latin-1, so garbage arrives as visible characters rather than vanishing.
/// A line longer than <see cref="MaxLineLength"/> (default <see cref="DefaultMaxLineLength"/>,
/// well above the longest PDU line of 2×(12+176) hex digits) is reported once as
/// <see cref="FrameKind.TooLong"/> and the rest of it discarded, so a modem spewing garbage
/// cannot grow memory. No I/O: feed it bytes, it returns frames; state is the partial line.
/// </summary>
public sealed class LineFramer
{
    public const int DefaultMaxLineLength = 1024;

    /// <summary>How many characters of an over-long line are kept for the log.</summary>
    private const int TooLongHead = 64;

    private readonly char[] _line;
    private int _length;
    private bool _discarding;
    private bool _afterPrompt;

    public LineFramer(int maxLineLength = DefaultMaxLineLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineLength, 2);
        MaxLineLength = maxLineLength;
        _line = new char[maxLineLength];
    }

    public int MaxLineLength { get; }

    /// <summary>Characters of the current, unfinished line.</summary>
    public int Pending => _length;

    /// <summary>Feeds bytes as they came off the wire; complete frames are appended to <paramref name="frames"/>.</summary>
    public void Feed(ReadOnlySpan<byte> bytes, ICollection<FramedLine> frames)
    {
        foreach (var b in bytes)
        {
            var afterPrompt = _afterPrompt;
            _afterPrompt = false;
            if (b is (byte)'\r' or (byte)'\n')
            {
                EndLine(frames);
                continue;
            }
            if (_discarding) continue;
            if (_length == 0)
            {
                if (b == (byte)' ' && afterPrompt) continue;
                if (b == (byte)'>')
                {
                    frames.Add(FramedLine.Prompt);
                    _afterPrompt = true;
                    continue;
                }
            }
            if (_length == MaxLineLength)
            {
                frames.Add(new FramedLine(FrameKind.TooLong, new string(_line, 0, Math.Min(TooLongHead, _length))));
                _length = 0;
                _discarding = true;
                continue;
            }
            _line[_length++] = (char)b; // Latin-1: one byte, one char
        }
    }

    /// <summary>Convenience for tests and one-off use: the frames in <paramref name="bytes"/>.</summary>
    public IReadOnlyList<FramedLine> Feed(ReadOnlySpan<byte> bytes)
    {
        var frames = new List<FramedLine>();
        Feed(bytes, frames);
        return frames;
    }

    private void EndLine(ICollection<FramedLine> frames)
    {
        if (_discarding)
        {
            _discarding = false;
            return;
        }
        if (_length == 0) return;
        frames.Add(FramedLine.Of(new string(_line, 0, _length)));
        _length = 0;
    }
}
