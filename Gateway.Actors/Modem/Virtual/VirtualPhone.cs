using System.Collections.Immutable;
using Gateway.Sms;

namespace Gateway.Modem.Virtual;

/// <summary>An SMS as a virtual phone shows it: reassembled from its parts, with how it was coded and in how many parts it came.</summary>
public sealed record ReceivedSms(string From, string Text, SmsCoding Coding, int Parts, DateTimeOffset ReceivedAt);

/// <summary>How a virtual phone sends: <paramref name="AlphanumericSender"/> replaces its number as originator (what bulk senders do), e.g. "ACME".</summary>
/// <param name="PartOrder">
/// The order the network delivers the parts of a concatenated SMS in, as 1-based part numbers: a
/// number may repeat (that part arrives twice) or be left out (it never arrives), e.g. <c>[3, 1, 1]</c>.
/// Default: every part once, in order.
/// </param>
public sealed record PhoneSendOptions(string? AlphanumericSender = null, ImmutableArray<int> PartOrder = default)
{
    public static readonly PhoneSendOptions Default = new();
}

/// <summary>What a virtual phone sent: how many SMS parts and in which coding.</summary>
public sealed record PhoneSendResult(int Parts, SmsCoding Coding);

/// <summary>
/// A phone on the virtual network, by E.164 number (any number that is not a virtual SIM). It
/// records what it receives, reassembling concatenated SMS, so tests can check "number, text,
/// encoding, parts"; and it sends SMS to virtual SIMs. Thread-safe.
/// </summary>
public sealed class VirtualPhone
{
    /// <summary>Most messages an inbox keeps (long load runs); beyond that the oldest are forgotten. <see cref="MessagesReceived"/> still counts them.</summary>
    public const int MaxInbox = 100_000;

    /// <summary>Most unfinished concatenated messages kept at once; beyond that the oldest is dropped, as a phone's memory would.</summary>
    public const int MaxIncomplete = 1000;

    private readonly object _lock = new();
    private readonly VirtualNetwork _network;
    private readonly Queue<ReceivedSms> _inbox = new();
    private readonly Dictionary<(string From, int Reference, int Total), (long Started, SortedDictionary<int, SmsSubmit> Parts)> _incomplete = new();
    private long _started;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextReference = Random.Shared.Next(256);
    private long _partsReceived;
    private long _messagesReceived;

    internal VirtualPhone(VirtualNetwork network, string number)
    {
        _network = network;
        Number = number;
    }

    public string Number { get; }

    /// <summary>Complete messages received, oldest first.</summary>
    public ImmutableArray<ReceivedSms> Inbox { get { lock (_lock) return [.. _inbox]; } }

    /// <summary>Complete messages received since the phone was created (not reduced by <see cref="ClearInbox"/> or the inbox limit).</summary>
    public long MessagesReceived => Interlocked.Read(ref _messagesReceived);

    /// <summary>Parts received (a 3-part message counts 3).</summary>
    public long PartsReceived => Interlocked.Read(ref _partsReceived);

    /// <summary>Parts of concatenated messages still waiting for their other parts.</summary>
    public int IncompleteParts { get { lock (_lock) return _incomplete.Values.Sum(p => p.Parts.Count); } }

    /// <summary>Forgets the inbox (not parts still being reassembled).</summary>
    public void ClearInbox()
    {
        lock (_lock) _inbox.Clear();
    }

    /// <summary>Waits until the inbox holds at least <paramref name="count"/> messages; returns them.</summary>
    public async Task<ImmutableArray<ReceivedSms>> WaitForInboxAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_inbox.Count >= count) return [.. _inbox];
                changed = _changed.Task;
            }
            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Sends <paramref name="text"/> to the virtual SIM <paramref name="simNumber"/>: GSM-7 when the
    /// text fits it, else UCS2; split into concatenated parts when long.
    /// </summary>
    /// <exception cref="ArgumentException">No SIM has that number, or the text cannot be sent (too long).</exception>
    public PhoneSendResult Send(string simNumber, string text, PhoneSendOptions? options = null)
    {
        options ??= PhoneSendOptions.Default;
        if (options.AlphanumericSender is { } alpha && !VirtualNetwork.IsAlphanumericSender(alpha))
            throw new ArgumentException($"\"{alpha}\" is not an alphanumeric sender (1 to 11 letters and digits)", nameof(options));
        var originator = options.AlphanumericSender is { } sender
            ? SmsAddress.Alphanumeric(sender)
            : new SmsAddress(AddressType.International, Number);
        byte reference;
        lock (_lock) reference = (byte)(_nextReference++ & 0xFF);
        return _network.SendToSim(originator, simNumber, text, reference, options.PartOrder);
    }

    /// <summary>One part arrives from the network (an SMS-SUBMIT a modem sent to this number).</summary>
    internal void Receive(string from, SmsSubmit part, DateTimeOffset at)
    {
        Interlocked.Increment(ref _partsReceived);
        lock (_lock)
        {
            if (part.Concat is not { Total: > 1 } concat)
            {
                Complete(new ReceivedSms(from, part.Text, part.Coding, 1, at));
                return;
            }
            var key = (from, concat.Reference, concat.Total);
            if (!_incomplete.TryGetValue(key, out var entry))
            {
                if (_incomplete.Count >= MaxIncomplete)
                    _incomplete.Remove(_incomplete.MinBy(e => e.Value.Started).Key);
                _incomplete[key] = entry = (++_started, new SortedDictionary<int, SmsSubmit>());
            }
            var parts = entry.Parts;
            parts[concat.Sequence] = part; // a repeated part replaces the earlier copy
            if (parts.Count < concat.Total) return;
            _incomplete.Remove(key);
            Complete(new ReceivedSms(from, string.Concat(parts.Values.Select(p => p.Text)), parts.Values.First().Coding, concat.Total, at));
        }
    }

    private void Complete(ReceivedSms sms)
    {
        Interlocked.Increment(ref _messagesReceived);
        if (_inbox.Count >= MaxInbox) _inbox.Dequeue();
        _inbox.Enqueue(sms);
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
    }
}
