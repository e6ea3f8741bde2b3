using System.Collections.Immutable;
using Gateway.Modem.At;

namespace Gateway.Modem;

/// <summary>What the start-up script learned about the modem; the module starts from it.</summary>
/// <param name="AcknowledgeDirect">AT+CSMS? reported service 1: a +CMT/+CDS routed straight to us must be acknowledged with AT+CNMA.</param>
/// <param name="Indications">AT+CNMI was accepted: new SMS are announced with +CMTI. If not, the module lists storage on every health poll instead.</param>
/// <param name="Warnings">Optional steps the modem refused (kept for the log).</param>
public sealed record InitFacts(
    Registration? Registration,
    int? Rssi,
    string? Operator,
    bool AcknowledgeDirect,
    bool Indications,
    ImmutableList<string> Warnings)
{
    public static InitFacts Empty { get; } = new(null, null, null, false, false, ImmutableList<string>.Empty);
}

/// <summary>Where the start-up script goes after a step.</summary>
public abstract record InitOutcome
{
    /// <summary>Send <see cref="Command"/> next.</summary>
    public sealed record Continue(ModemInit Next, AtCommand Command) : InitOutcome;

    /// <summary>The modem is ready for SMS.</summary>
    public sealed record Done(InitFacts Facts) : InitOutcome;

    /// <summary>
    /// The modem cannot be used. <see cref="NeedsOperator"/>: reopening will not help and may do
    /// harm (a wrong PIN: every retry burns one of the SIM's three attempts), so the module stays down.
    /// </summary>
    public sealed record Failed(string Reason, bool NeedsOperator) : InitOutcome;
}

/// <summary>The steps of the start-up script, in order.</summary>
public enum InitStep
{
    EchoOff,
    VerboseErrors,
    PinQuery,
    PinEntry,
    PduMode,
    Storage,
    SmsService,
    Indications,
    RegistrationReports,
    Extra,
    Signal,
    RegistrationQuery,
    Operator,
}

/// <summary>
/// The start-up script as a pure state machine (the module actor sends the commands and feeds back
/// the results):
/// <code>
/// ATE0                      echo off                         required
/// AT+CMEE=1                 numeric +CME ERROR codes          optional
/// AT+CPIN?                  READY → go on; SIM PIN → AT+CPIN="…" (once) then ask again;
///                           PUK / no PIN configured / PIN refused → failed, needs an operator
/// AT+CMGF=0                 PDU mode                          required
/// AT+CPMS="SM","SM","SM"    read, write and receive on the SIM optional
/// AT+CSMS?                  does +CMT need AT+CNMA?           optional
/// AT+CNMI=2,1,0,1,0         new SMS stored on the SIM and announced with +CMTI;
///                           status reports routed with +CDS   optional (else storage is polled)
/// AT+CREG=1                 registration changes reported     optional
/// modules.&lt;name&gt;.init      the module's own extra commands   optional
/// AT+CSQ, AT+CREG?, AT+COPS?  signal, registration, operator  optional
/// </code>
/// Why +CMTI and not +CMT: a stored SMS survives the gateway (or the modem's port) going away
/// and is deleted only once its owner confirms it is durably kept; a +CMT routed straight to
/// us exists only in that one line. Stored SMS are listed (AT+CMGL) after every (re)open.
/// </summary>
public sealed record ModemInit(InitStep Step, int ExtraIndex, bool PinSent, InitFacts Facts, ImmutableArray<string> ExtraCommands)
{
    public const string IndicationsCommand = "AT+CNMI=2,1,0,1,0";

    /// <summary>Kept out of the record's printed form: a PIN is never logged.</summary>
    private string? Pin { get; init; }

    public static (ModemInit Init, AtCommand First) Start(string? pin, IEnumerable<string>? extraCommands = null)
    {
        var init = new ModemInit(InitStep.EchoOff, 0, false, InitFacts.Empty, (extraCommands ?? []).ToImmutableArray()) { Pin = pin };
        return (init, CommandFor(init));
    }

    /// <summary>The result of the current step decides the next one.</summary>
    public InitOutcome Next(AtResult result)
    {
        switch (Step)
        {
            case InitStep.EchoOff when !result.IsOk:
                return Fail($"the modem refused ATE0: {result.Final.Describe()}");
            case InitStep.PduMode when !result.IsOk:
                return Fail($"the modem refused PDU mode (AT+CMGF=0): {result.Final.Describe()}");
            case InitStep.PinQuery:
                return AfterPinQuery(result);
            case InitStep.PinEntry when !result.IsOk:
                return new InitOutcome.Failed($"the SIM refused the configured PIN ({result.Final.Describe()}); not retried, to save the SIM's remaining attempts", NeedsOperator: true);
            case InitStep.PinEntry:
                return Go(InitStep.PinQuery);
        }

        var facts = Facts;
        if (!result.IsOk && Step is not InitStep.EchoOff)
            facts = facts with { Warnings = facts.Warnings.Add($"{CommandFor(this)} refused: {result.Final.Describe()}") };
        else
            facts = Step switch
            {
                InitStep.SmsService => facts with { AcknowledgeDirect = AtResponses.TryParseSmsService(result.Value("+CSMS:"), out var s) && s == 1 },
                InitStep.Indications => facts with { Indications = true },
                InitStep.Signal => facts with { Rssi = AtResponses.TryParseSignal(result.Value("+CSQ:"), out var rssi) ? rssi : null },
                InitStep.RegistrationQuery => facts with
                {
                    Registration = result.Value("+CREG:") is { } v && AtResponses.TryParseRegistration(v, out var reg) ? reg : null,
                },
                InitStep.Operator => facts with { Operator = AtResponses.ParseOperator(result.Value("+COPS:")) },
                _ => facts,
            };

        var next = this with { Facts = facts };
        return next.Advance();
    }

    private InitOutcome AfterPinQuery(AtResult result)
    {
        if (!result.IsOk)
            return Fail($"the SIM cannot be used: {result.Final.Describe()}");
        var state = AtResponses.ParsePinState(result.Value("+CPIN:"));
        switch (state)
        {
            case "READY":
                return Go(InitStep.PduMode);
            case "SIM PIN" when PinSent:
                return new InitOutcome.Failed("the SIM still asks for its PIN after the PIN was accepted", NeedsOperator: true);
            case "SIM PIN" when Pin is null:
                return new InitOutcome.Failed("the SIM asks for a PIN and the module has none configured (modules.<name>.pin)", NeedsOperator: true);
            case "SIM PIN":
            {
                var next = this with { Step = InitStep.PinEntry, PinSent = true };
                return new InitOutcome.Continue(next, AtCommand.EnterPin(Pin));
            }
            default:
                return new InitOutcome.Failed($"the SIM needs \"{state ?? "?"}\", which the gateway does not enter; an operator must unlock it", NeedsOperator: true);
        }
    }

    private InitOutcome Advance()
    {
        if (Step == InitStep.Extra && ExtraIndex + 1 < ExtraCommands.Length)
            return Continue(this with { ExtraIndex = ExtraIndex + 1 });
        var step = Step switch
        {
            InitStep.EchoOff => InitStep.VerboseErrors,
            InitStep.VerboseErrors => InitStep.PinQuery,
            InitStep.PduMode => InitStep.Storage,
            InitStep.Storage => InitStep.SmsService,
            InitStep.SmsService => InitStep.Indications,
            InitStep.Indications => InitStep.RegistrationReports,
            InitStep.RegistrationReports => ExtraCommands.IsEmpty ? InitStep.Signal : InitStep.Extra,
            InitStep.Extra => InitStep.Signal,
            InitStep.Signal => InitStep.RegistrationQuery,
            InitStep.RegistrationQuery => InitStep.Operator,
            _ => (InitStep?)null,
        };
        return step is { } s ? Go(s) : new InitOutcome.Done(Facts);
    }

    private InitOutcome Go(InitStep step) => Continue(this with { Step = step, ExtraIndex = 0 });

    private static InitOutcome Continue(ModemInit next) => new InitOutcome.Continue(next, CommandFor(next));

    private static InitOutcome Fail(string reason) => new InitOutcome.Failed(reason, NeedsOperator: false);

    private static AtCommand CommandFor(ModemInit init) => init.Step switch
    {
        InitStep.EchoOff => new AtCommand("ATE0", null),
        InitStep.VerboseErrors => AtCommand.Of("AT+CMEE=1"),
        InitStep.PinQuery => AtCommand.Of("AT+CPIN?"),
        InitStep.PduMode => AtCommand.Of("AT+CMGF=0"),
        InitStep.Storage => AtCommand.Of("AT+CPMS=\"SM\",\"SM\",\"SM\""),
        InitStep.SmsService => AtCommand.Of("AT+CSMS?"),
        InitStep.Indications => AtCommand.Of(IndicationsCommand),
        InitStep.RegistrationReports => AtCommand.Of("AT+CREG=1"),
        InitStep.Extra => AtCommand.Of(init.ExtraCommands[init.ExtraIndex]),
        InitStep.Signal => AtCommand.Of("AT+CSQ"),
        InitStep.RegistrationQuery => AtCommand.Of("AT+CREG?"),
        InitStep.Operator => AtCommand.Of("AT+COPS?"),
        _ => throw new InvalidOperationException($"{init.Step} has no fixed command"),
    };
}
