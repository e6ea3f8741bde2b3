namespace Gateway.Configuration;

public enum StorageProvider { Sqlite, Postgresql }

/// <summary><c>gateway.storage</c>: where the journal and snapshots live.</summary>
/// <param name="ConnectionString">For SQLite a relative <c>Data Source</c> is made absolute against the working directory.</param>
public sealed record StorageSettings(StorageProvider Provider, string ConnectionString)
{
    public const string DefaultSqlite = "Data Source=data/gateway.db";

    internal static StorageSettings Read(ConfigReader r)
    {
        var provider = r.Enum("provider", StorageProvider.Sqlite);
        var cs = r.String("connection-string", provider == StorageProvider.Sqlite ? DefaultSqlite : "");
        if (string.IsNullOrWhiteSpace(cs))
            r.Error("connection-string", $"is required for provider {ConfigValues.ToKebab(provider.ToString())}");
        return new StorageSettings(provider, cs);
    }
}

/// <summary>
/// <c>gateway.autoclip</c>: the table that sends a reply from a number back to the user who last
/// wrote to it through the module it arrived on.
/// </summary>
/// <param name="ExpiresAfter">How long a record lives after its last send; <see cref="TimeSpan.Zero"/> = forever. Default 72h.</param>
public sealed record AutoClipSettings(TimeSpan ExpiresAfter)
{
    public bool Expires => ExpiresAfter > TimeSpan.Zero;

    /// <summary>Events a bucket writes between snapshots; after a snapshot its journal up to it is deleted. Default 1000.</summary>
    public int SnapshotEvery { get; init; } = 1000;

    /// <summary>How long an operator's list query waits for every bucket to answer. Default 10s.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(10);

    internal static AutoClipSettings Read(ConfigReader r) =>
        new(r.Duration("expires-after", TimeSpan.FromHours(72), min: TimeSpan.Zero))
        {
            SnapshotEvery = r.Int("snapshot-every", 1000, min: 10, max: 1_000_000),
            QueryTimeout = r.Duration("query-timeout", TimeSpan.FromSeconds(10), min: TimeSpan.FromMilliseconds(1)),
        };
}

/// <summary>What to do with a mail whose text needs more than <c>sms.max-parts</c> parts.</summary>
public enum OversizeHandling
{
    /// <summary>Refuse the mail with a 5xx reply that says how many parts it needed.</summary>
    Refuse,

    /// <summary>Send as much of the text as fits and note the cut in the job record.</summary>
    Truncate,
}

/// <summary><c>gateway.sms</c>: how mail text becomes SMS.</summary>
/// <param name="StripQuotes">Drop quoted replies (<c>&gt;</c> lines, their "… wrote:" line, Outlook's "Original Message" tail). Default on.</param>
/// <param name="StripSignature">Drop everything from the <c>-- </c> signature line on. Default on.</param>
/// <param name="Oversize">Too long for <paramref name="MaxParts"/>: refuse (default) or truncate.</param>
public sealed record SmsSettings(
    bool AllowUnicode,
    bool AllowConcatenation,
    int MaxParts,
    bool InsertSubject,
    bool InsertSender,
    bool RequestStatusReports,
    TimeSpan ValidityPeriod,
    bool StripQuotes,
    bool StripSignature,
    OversizeHandling Oversize)
{
    internal static SmsSettings Read(ConfigReader r) => new(
        AllowUnicode: r.Bool("allow-unicode", true),
        AllowConcatenation: r.Bool("allow-concatenation", true),
        MaxParts: r.Int("max-parts", 6, min: 1, max: 255),
        InsertSubject: r.Bool("insert-subject", false),
        InsertSender: r.Bool("insert-sender", false),
        RequestStatusReports: r.Bool("status-reports", true),
        ValidityPeriod: r.Duration("validity-period", TimeSpan.FromDays(2), min: TimeSpan.FromMinutes(5)),
        StripQuotes: r.Bool("strip-quotes", true),
        StripSignature: r.Bool("strip-signature", true),
        Oversize: r.Enum("oversize", OversizeHandling.Refuse));
}

public enum LogLevelSetting { Debug, Info, Warning, Error }

/// <summary><c>gateway.log</c>: <c>debug</c> shows every AT line and protocol step.</summary>
public sealed record LogSettings(LogLevelSetting Level)
{
    internal static LogSettings Read(ConfigReader r) => new(r.Enum("level", LogLevelSetting.Info));
}
