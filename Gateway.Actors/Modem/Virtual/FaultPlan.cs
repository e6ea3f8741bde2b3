namespace Gateway.Modem.Virtual;

/// <summary>
/// Faults to inject into one virtual modem, settable while it runs from any thread (tests, the
/// control line). Lasting faults (<see cref="Silent"/>, <see cref="ResponseDelay"/>,
/// <see cref="Gone"/>, <see cref="NoNetwork"/>, send errors) stay until changed or
/// <see cref="Clear"/>ed; <see cref="Disconnect"/> and <see cref="SpewGarbage"/> act once, now.
/// </summary>
public sealed class FaultPlan
{
    private readonly object _lock = new();
    private readonly VirtualModem _modem;
    private AtError? _sendError;
    private int? _sendErrorsLeft;
    private bool _silent;
    private bool _gone;
    private bool _noNetwork;
    private TimeSpan _responseDelay;

    internal FaultPlan(VirtualModem modem) => _modem = modem;

    /// <summary>
    /// Answer the next <paramref name="count"/> sends (AT+CMGS after its PDU) with
    /// <paramref name="error"/> instead of sending; null = every send until cleared.
    /// </summary>
    public void FailSends(AtError error, int? count = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (count is <= 0) throw new ArgumentOutOfRangeException(nameof(count), "must be positive (null = always)");
        lock (_lock)
        {
            _sendError = error;
            _sendErrorsLeft = count;
        }
    }

    /// <summary>Silence: the modem takes every byte and says nothing (no echo, no results, no unsolicited lines), like a hung module.</summary>
    public bool Silent
    {
        get { lock (_lock) return _silent; }
        set { lock (_lock) _silent = value; }
    }

    /// <summary>Slow responses: every final result code and prompt comes this much later. Zero = off.</summary>
    public TimeSpan ResponseDelay
    {
        get { lock (_lock) return _responseDelay; }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            lock (_lock) _responseDelay = value;
        }
    }

    /// <summary>
    /// The device is gone (unplugged): the open connection drops and new ones are refused
    /// (<see cref="VirtualModem.Connect"/> throws <see cref="IOException"/>) until set back to false.
    /// The network holds SMS for it meanwhile.
    /// </summary>
    public bool Gone
    {
        get { lock (_lock) return _gone; }
        set
        {
            lock (_lock) _gone = value;
            if (value) _modem.HangUp("the device is gone");
            _modem.RegistrationMayHaveChanged();
        }
    }

    /// <summary>
    /// Lost network coverage: the modem reports itself not registered (AT+CREG, <c>+CREG: 0</c> if
    /// reports are on), sends fail with <c>+CMS ERROR: 331</c> and the network holds incoming SMS
    /// until coverage returns.
    /// </summary>
    public bool NoNetwork
    {
        get { lock (_lock) return _noNetwork; }
        set
        {
            lock (_lock) _noNetwork = value;
            _modem.RegistrationMayHaveChanged();
        }
    }

    /// <summary>Drops the open connection now, as a cable pulled and put back: the next Connect works.</summary>
    public void Disconnect() => _modem.HangUp("disconnect fault");

    /// <summary>Writes <paramref name="count"/> random bytes into the line now (between responses, never inside one).</summary>
    public void SpewGarbage(int count = 64, int? seed = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 64 * 1024);
        var bytes = new byte[count];
        (seed is { } s ? new Random(s) : Random.Shared).NextBytes(bytes);
        _modem.SpewIntoLine(bytes);
    }

    /// <summary>Ends every lasting fault (a gone device comes back).</summary>
    public void Clear()
    {
        bool wasGone, hadNoNetwork;
        lock (_lock)
        {
            wasGone = _gone;
            hadNoNetwork = _noNetwork;
            _sendError = null;
            _sendErrorsLeft = null;
            _silent = false;
            _gone = false;
            _noNetwork = false;
            _responseDelay = TimeSpan.Zero;
        }
        if (wasGone || hadNoNetwork) _modem.RegistrationMayHaveChanged();
    }

    /// <summary>What is set now, for STATUS and logs.</summary>
    public FaultSnapshot Snapshot()
    {
        lock (_lock) return new FaultSnapshot(_sendError, _sendErrorsLeft, _silent, _gone, _noNetwork, _responseDelay);
    }

    /// <summary>The error the next send must fail with, consuming one of a counted run; null = send normally.</summary>
    internal AtError? TakeSendError()
    {
        lock (_lock)
        {
            if (_sendError is not { } error) return null;
            if (_sendErrorsLeft is { } left)
            {
                if (left <= 1)
                {
                    _sendError = null;
                    _sendErrorsLeft = null;
                }
                else _sendErrorsLeft = left - 1;
            }
            return error;
        }
    }
}

/// <summary>The faults set on a modem at one moment. <see cref="SendErrorsLeft"/> null with an error = always.</summary>
public sealed record FaultSnapshot(AtError? SendError, int? SendErrorsLeft, bool Silent, bool Gone, bool NoNetwork, TimeSpan ResponseDelay)
{
    public bool Any => SendError is not null || Silent || Gone || NoNetwork || ResponseDelay > TimeSpan.Zero;
}
