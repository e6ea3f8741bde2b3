namespace Gateway.Host.Cli;

/// <summary>A thrown usage mistake: the verb prints it with its usage and exits with <see cref="ExitCodes.Usage"/>.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The arguments after the verb: <c>--name value</c> options, <c>--flag</c> switches and
/// positionals. A verb reads what it knows, then calls <see cref="RejectUnknown"/> so a typo is an
/// error rather than ignored.
/// </summary>
public sealed class Args
{
    private readonly List<string> _items;
    private readonly HashSet<int> _used = new();

    public Args(IEnumerable<string> items) => _items = items.ToList();

    /// <summary>The first argument when it is a word, not an option (a sub-command such as <c>pdu decode</c>); null otherwise.</summary>
    public string? SubCommand()
    {
        if (_items.Count == 0 || _items[0].StartsWith("--", StringComparison.Ordinal)) return null;
        _used.Add(0);
        return _items[0];
    }

    public string? Option(string name)
    {
        for (var i = 0; i < _items.Count; i++)
        {
            if (_items[i] == name)
            {
                if (i + 1 >= _items.Count) throw new UsageException($"{name} needs a value");
                _used.Add(i);
                _used.Add(i + 1);
                return _items[i + 1];
            }
            if (_items[i].StartsWith(name + "=", StringComparison.Ordinal))
            {
                _used.Add(i);
                return _items[i][(name.Length + 1)..];
            }
        }
        return null;
    }

    public int? IntOption(string name)
    {
        var v = Option(name);
        if (v is null) return null;
        return int.TryParse(v, out var n) ? n : throw new UsageException($"{name} must be a whole number, not \"{v}\"");
    }

    public bool Flag(string name)
    {
        var i = _items.IndexOf(name);
        if (i < 0) return false;
        _used.Add(i);
        return true;
    }

    /// <summary>Everything not taken by an option or flag, in order. Call after reading options.</summary>
    public IReadOnlyList<string> Positionals()
    {
        var result = new List<string>();
        for (var i = 0; i < _items.Count; i++)
        {
            if (_used.Contains(i)) continue;
            if (_items[i].StartsWith("--", StringComparison.Ordinal) && _items[i].Length > 2) continue;
            _used.Add(i);
            result.Add(_items[i]);
        }
        return result;
    }

    public void RejectUnknown()
    {
        for (var i = 0; i < _items.Count; i++)
            if (!_used.Contains(i))
                throw new UsageException($"unknown argument \"{_items[i]}\"");
    }
}

/// <summary>Exit codes shared by every verb, so scripts can tell a bad input from a usage mistake.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The input was refused: an invalid configuration, an undecodable PDU, a failure to run.</summary>
    public const int Failed = 1;

    /// <summary>The command line itself was wrong.</summary>
    public const int Usage = 2;

    /// <summary>The cluster downed this node (the split-brain resolver, or an operator): a supervisor should start it again.</summary>
    public const int Downed = 3;

    /// <summary>An older member refused this node at join: its configuration does not fit the cluster's (the log names the keys).</summary>
    public const int Incompatible = 4;

    /// <summary>The node gave up joining its seed nodes.</summary>
    public const int JoinFailed = 5;
}
