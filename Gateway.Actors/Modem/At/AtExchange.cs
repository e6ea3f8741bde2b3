using System.Collections.Immutable;

namespace Gateway.Modem.At;

/// <summary>What one line of modem output meant, as <see cref="AtExchange.Feed"/> tells it.</summary>
public abstract record AtEvent
{
    /// <summary>The command in flight finished; its information lines and final result.</summary>
    public sealed record Completed(AtCommand Command, AtResult Result) : AtEvent;

    /// <summary>The <c>&gt; </c> prompt arrived for the command in flight: write its PDU now.</summary>
    public sealed record PromptReceived(AtCommand Command) : AtEvent;

    /// <summary>An unsolicited result code, wherever it arrived.</summary>
    public sealed record UnsolicitedReceived(Unsolicited Code) : AtEvent;

    /// <summary>A line that belongs to nothing (echo, a result with no command, garbage): logged, not acted on.</summary>
    public sealed record Ignored(string Line, string Why) : AtEvent;

    /// <summary>A line that was collected into the reply of the command in flight.</summary>
    public sealed record Collected(string Line) : AtEvent;
}

/// <summary>
/// Command/response correlation for one modem line, as an immutable value: which command is in
/// flight (at most one), the information lines collected for it so far, and whether the next line
/// is the PDU of a two-line unsolicited code (+CMT, +CDS). <see cref="Feed"/> classifies a line
/// in this order:
/// <list type="number">
/// <item>the PDU line a +CMT/+CDS header announced;</item>
/// <item>the echo of the command (or of its PDU) while echo is still on;</item>
/// <item>the prompt, if the command waits for one;</item>
/// <item>a final result code: the command completes;</item>
/// <item>a line starting with the command's own response prefix: collected;</item>
/// <item>an unsolicited result code: reported in any state, even between a command's lines;</item>
/// <item>any other line: collected while a command is in flight, else ignored.</item>
/// </list>
/// A reply keeps at most <see cref="MaxReplyLines"/> lines (a full 255-entry SIM listed with
/// AT+CMGL is 510); further lines are ignored, so a modem spewing lines cannot grow memory.
/// </summary>
public sealed record AtExchange(AtCommand? Current, ImmutableList<string> Lines, string? PendingTwoLineHeader)
{
    public const int MaxReplyLines = 1024;

    public static AtExchange Idle { get; } = new(null, ImmutableList<string>.Empty, null);

    public bool IsBusy => Current is not null;

    /// <summary>Puts <paramref name="command"/> in flight. The caller writes it; only one at a time.</summary>
    public AtExchange Start(AtCommand command)
    {
        if (Current is not null) throw new InvalidOperationException($"{Current} is still in flight; one command at a time");
        return this with { Current = command, Lines = ImmutableList<string>.Empty };
    }

    /// <summary>Forgets the command in flight (it timed out); a late answer will be ignored as a stray line.</summary>
    public AtExchange Abandon() => this with { Current = null, Lines = ImmutableList<string>.Empty };

    /// <summary>Classifies one frame of modem output: the next state and what the frame meant.</summary>
    public (AtExchange Next, AtEvent Event) Feed(FramedLine frame)
    {
        if (frame.Kind == FrameKind.TooLong)
            return (this with { PendingTwoLineHeader = null }, new AtEvent.Ignored(frame.Text, "line too long"));

        if (frame.Kind == FrameKind.Prompt)
        {
            if (Current is { ExpectsPrompt: true })
                return (this, new AtEvent.PromptReceived(Current));
            return (this, new AtEvent.Ignored("> ", "prompt with no send in flight"));
        }

        var line = frame.Text;
        var self = this;
        if (PendingTwoLineHeader is { } header)
        {
            self = this with { PendingTwoLineHeader = null };
            if (AtResponses.IsHex(line))
            {
                var length = Unsolicited.LengthIn(header);
                Unsolicited urc = header.StartsWith("+CMT:", StringComparison.Ordinal)
                    ? new MessageDelivered(line.Trim(), length)
                    : new StatusReportDelivered(line.Trim(), length);
                return (self, new AtEvent.UnsolicitedReceived(urc));
            }
            // The PDU never came; the header is dropped (logged by the caller) and the line read afresh.
        }

        if (self.Current is { } current)
        {
            if (self.Lines.IsEmpty && (string.Equals(line, current.Text, StringComparison.OrdinalIgnoreCase)
                                      || (current.Pdu is not null && line.TrimEnd(AtCommand.CtrlZ, AtCommand.Escape) == current.Pdu)))
                return (self, new AtEvent.Ignored(line, "echo"));
            if (FinalResult.TryParse(line, out var final))
                return (Idle with { PendingTwoLineHeader = self.PendingTwoLineHeader },
                        new AtEvent.Completed(current, new AtResult(final, self.Lines.ToImmutableArray())));
            if (current.ResponsePrefix is { } prefix && line.StartsWith(prefix, StringComparison.Ordinal))
                return self.Collect(line);
        }

        if (Unsolicited.IsTwoLine(line))
            return (self with { PendingTwoLineHeader = line }, new AtEvent.Ignored(line, "header of an unsolicited code; its PDU follows"));
        if (Unsolicited.TryParse(line, out var code))
            return (self, new AtEvent.UnsolicitedReceived(code!));

        if (self.Current is not null)
            return self.Collect(line);
        return (self, new AtEvent.Ignored(line, FinalResult.TryParse(line, out _) ? "result with no command in flight" : "unsolicited line not acted on"));
    }

    private (AtExchange, AtEvent) Collect(string line) => Lines.Count < MaxReplyLines
        ? (this with { Lines = Lines.Add(line) }, new AtEvent.Collected(line))
        : (this, new AtEvent.Ignored(line, $"reply longer than {MaxReplyLines} lines"));
}
