using Akka.Actor;
using Akka.Event;

namespace Gateway.Modem;

/// <summary>
/// The modem bank's owner until the incoming side exists: logs every received SMS and
/// deliberately confirms nothing, so each SMS stays on its SIM (the never-lose contract: a message
/// is deleted only once stored) and is handed on again when a router takes over. Status reports
/// go to the outgoing router when there is one (<paramref name="statusReports"/>), else they are
/// logged. Re-offers of the same receipt are logged at debug only, to keep the log readable.
/// </summary>
public sealed class UnroutedSmsLog : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public UnroutedSmsLog(IActorRef? statusReports)
    {
        if (statusReports is not null) Receive<StatusReportReceived>(r => statusReports.Forward(r));
        Receive<SmsReceived>(m =>
        {
            var concat = m.Sms.Concat is { } c ? $" part {c.Sequence}/{c.Total} (ref {c.Reference})" : "";
            if (m.Offer == 1)
                _log.Info("{0}: SMS from {1}{2}: \"{3}\" [{4}] — no router yet: left on the SIM", m.Module, m.Sms.Originator, concat, m.Sms.Text, m.ReceiptId);
            else
                _log.Debug("{0}: SMS {1} offered again (offer {2}); still no router", m.Module, m.ReceiptId, m.Offer);
        });
        Receive<UndecodableSmsReceived>(m =>
        {
            if (m.Offer == 1) _log.Warning("{0}: undecodable message {1} ({2}): {3} — left on the SIM", m.Module, m.ReceiptId, m.Problem, m.PduHex);
        });
        Receive<StatusReportReceived>(r =>
            _log.Info("{0}: status report for TP-MR {1} (job {2}): {3}, status 0x{4:X2}", r.Module, r.Report.MessageReference,
                r.JobId ?? "unknown", r.Report.Outcome, r.Report.Status));
    }

    public static Props Props(IActorRef? statusReports = null) => Akka.Actor.Props.Create(() => new UnroutedSmsLog(statusReports));
}
