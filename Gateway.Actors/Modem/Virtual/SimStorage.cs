using System.Collections.Immutable;

namespace Gateway.Modem.Virtual;

/// <summary>The <c>stat</c> of a stored message in PDU mode (27.005 3.1): 0 unread, 1 read, 2 unsent, 3 sent.</summary>
public enum StoredSmsStatus { ReceivedUnread = 0, ReceivedRead = 1, StoredUnsent = 2, StoredSent = 3 }

/// <summary>One occupied SIM slot: its 1-based index, status and the PDU as the modem prints it (SMSC octets first).</summary>
public sealed record StoredSms(int Index, StoredSmsStatus Status, ImmutableArray<byte> Pdu)
{
    /// <summary>The TPDU length AT+CMGL/AT+CMGR print: the PDU's octets after the SMSC part.</summary>
    public int TpduLength => Pdu.Length - 1 - Pdu[0];

    public string Hex => Convert.ToHexString(Pdu.AsSpan());
}

/// <summary>
/// The SIM's message storage ("SM"): a fixed number of slots, each empty or holding one PDU. A new
/// message takes the lowest free index, as on real SIMs. Not thread-safe: the owning
/// <see cref="VirtualModem"/> guards it with its lock.
/// </summary>
internal sealed class SimStorage(int capacity)
{
    private readonly StoredSms?[] _slots = new StoredSms?[capacity];

    public int Capacity => _slots.Length;

    public int Used => _slots.Count(s => s is not null);

    public bool IsFull => _slots.All(s => s is not null);

    /// <summary>Stores at the lowest free index; null when the SIM is full.</summary>
    public StoredSms? Store(ReadOnlySpan<byte> pdu, StoredSmsStatus status)
    {
        var free = Array.IndexOf(_slots, null);
        if (free < 0) return null;
        var stored = new StoredSms(free + 1, status, pdu.ToImmutableArray());
        _slots[free] = stored;
        return stored;
    }

    public bool IsValidIndex(int index) => index >= 1 && index <= _slots.Length;

    public StoredSms? Get(int index) => IsValidIndex(index) ? _slots[index - 1] : null;

    /// <summary>Reading a received message marks it read (what AT+CMGR and AT+CMGL do).</summary>
    public StoredSms? Read(int index)
    {
        var sms = Get(index);
        if (sms is { Status: StoredSmsStatus.ReceivedUnread })
            _slots[index - 1] = sms with { Status = StoredSmsStatus.ReceivedRead };
        return sms;
    }

    public bool Delete(int index)
    {
        if (Get(index) is null) return false;
        _slots[index - 1] = null;
        return true;
    }

    /// <summary>
    /// AT+CMGD's delete flag (27.005 3.5.4): 1 all read, 2 read and sent, 3 read, sent and unsent,
    /// 4 all. Returns how many were deleted.
    /// </summary>
    public int DeleteAll(int flag)
    {
        var deleted = 0;
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is not { } s) continue;
            var delete = flag switch
            {
                1 => s.Status == StoredSmsStatus.ReceivedRead,
                2 => s.Status is StoredSmsStatus.ReceivedRead or StoredSmsStatus.StoredSent,
                3 => s.Status != StoredSmsStatus.ReceivedUnread,
                _ => true,
            };
            if (!delete) continue;
            _slots[i] = null;
            deleted++;
        }
        return deleted;
    }

    /// <summary>The messages AT+CMGL=<paramref name="stat"/> lists (4 = all), marking listed unread ones read.</summary>
    public ImmutableArray<StoredSms> List(int stat, bool markRead = true)
    {
        var result = ImmutableArray.CreateBuilder<StoredSms>();
        foreach (var s in _slots)
        {
            if (s is null || (stat != 4 && (int)s.Status != stat)) continue;
            result.Add(s);
            if (markRead) Read(s.Index);
        }
        return result.ToImmutable();
    }

    public ImmutableArray<StoredSms> Snapshot() => [.. _slots.OfType<StoredSms>()];

    public ImmutableArray<int> UsedIndexes() => [.. _slots.OfType<StoredSms>().Select(s => s.Index)];
}
