using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Mailbox;

namespace Gateway.Mail.Smtp;

/// <summary>
/// The mail session of one SMTP connection: who logged in, the envelope of the mail in progress,
/// and the hand-off of an accepted mail to the user's mailbox. The SmtpServer library owns the
/// socket and the protocol's syntax; its hooks (<see cref="SmtpSessionHooks"/>) ask this actor
/// for every decision and answer the client with the <see cref="SmtpReply"/> they get back.
/// <code>
///   LoggedOut --LoggedIn--> Ready --SubmitMail--> AwaitingMailbox --OutgoingAccepted / OutgoingRefused / StoreTimedOut--> Ready
///   (any state) --SessionEnded--> stopped   (while AwaitingMailbox it is stashed: the outcome is logged first)
/// </code>
/// A 250 is sent only for <see cref="OutgoingAccepted"/>, which the mailbox sends after the jobs are
/// in its journal; a refusal, or no answer within <c>mail.smtp.store-timeout</c>, is a 451.
/// </summary>
public sealed class SmtpSessionActor : ReceiveActor, IWithTimers, IWithStash
{
    /// <summary>Everything a session needs that is the same for every session of the node.</summary>
    public sealed record Shared(
        MailSettings Mail,
        IActorRef Mailbox,
        IOutgoingPermissions Permissions,
        TimeProvider Time);

    private sealed record StoreTimedOut(string SubmissionId);

    private sealed record Pending(string SubmissionId, IActorRef ReplyTo, ImmutableArray<OutgoingSms> Jobs);

    private const string StoreTimerKey = "store-timeout";

    private readonly Shared _ctx;
    private readonly string _who;
    private readonly ILoggingAdapter _log = Akka.Event.Logging.GetLogger(Context.System, "Gateway.Smtp");
    private readonly Dictionary<string, AcceptedRecipient> _recipients = new(StringComparer.OrdinalIgnoreCase);
    private Account? _account;
    private int _mailsAccepted;

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    public SmtpSessionActor(Shared context, string client, string listener)
    {
        _ctx = context;
        _who = $"{client} on {listener}";
        LoggedOut();
    }

    public static Props Props(Shared context, string client, string listener) =>
        Akka.Actor.Props.Create(() => new SmtpSessionActor(context, client, listener));

    private void LoggedOut()
    {
        Receive<LoggedIn>(m =>
        {
            _account = m.Account;
            _log.Debug("SMTP {0}: logged in as {1}", _who, m.Account.Name);
            Become(Ready);
        });
        Receive<CheckSender>(_ => Sender.Tell(AuthenticationRequired));
        Receive<CheckRecipient>(_ => Sender.Tell(AuthenticationRequired));
        Receive<SubmitMail>(_ => Sender.Tell(AuthenticationRequired));
        Common();
    }

    private void Ready()
    {
        Receive<CheckSender>(m =>
        {
            _recipients.Clear();
            var refusal = SubmissionRules.CheckSender(_account!, m.LocalPart, m.Domain);
            if (refusal is not null) Refused("sender", refusal);
            Sender.Tell(refusal ?? SmtpReply.Ok);
        });
        Receive<CheckRecipient>(m => Sender.Tell(CheckRecipient(m.LocalPart, m.Domain)));
        Receive<SubmitMail>(Submit);
        Receive<OutgoingAccepted>(LateAcceptance);
        Receive<OutgoingRefused>(LateRefusal);
        Receive<StoreTimedOut>(_ => { });
        Common();
    }

    private void AwaitingMailbox(Pending pending)
    {
        Receive<OutgoingAccepted>(m =>
        {
            if (m.SubmissionId != pending.SubmissionId)
            {
                LateAcceptance(m);
                return;
            }
            Timers.Cancel(StoreTimerKey);
            _mailsAccepted++;
            var ids = m.JobIds.Count > 0 ? m.JobIds : pending.Jobs.Select(j => j.JobId).ToList();
            var first = pending.Jobs[0];
            _log.Info($"SMTP {_who}: accepted mail from {_account!.Name} to {string.Join(", ", pending.Jobs.Select(j => j.Destination))}: "
                      + $"jobs {string.Join(", ", ids)} ({first.Parts} SMS part(s) each, {first.Coding})"
                      + (first.Notes.Count > 0 ? "; " + string.Join("; ", first.Notes) : ""));
            pending.ReplyTo.Tell(Queued(ids));
            BackToReady();
        });
        Receive<OutgoingRefused>(m =>
        {
            if (m.SubmissionId != pending.SubmissionId)
            {
                LateRefusal(m);
                return;
            }
            Timers.Cancel(StoreTimerKey);
            var reply = new SmtpReply(451, $"4.3.0 the mailbox could not store the mail ({m.Reason}); nothing was sent, try again later");
            _log.Warning("SMTP {0}: mail from {1} not stored, client told {2}", _who, _account!.Name, reply);
            pending.ReplyTo.Tell(reply);
            BackToReady();
        });
        Receive<StoreTimedOut>(m =>
        {
            if (m.SubmissionId != pending.SubmissionId) return;
            var reply = SmtpReply.StoreTimeout(_ctx.Mail.Smtp.StoreTimeout);
            _log.Warning("SMTP {0}: mailbox of {1} did not confirm submission {2} within {3}; client told 451",
                _who, _account!.Name, pending.SubmissionId, _ctx.Mail.Smtp.StoreTimeout);
            pending.ReplyTo.Tell(reply);
            BackToReady();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    /// <summary>Messages every state handles the same way.</summary>
    private void Common()
    {
        Receive<SecuredWithTls>(m => _log.Debug("SMTP {0}: TLS ({1})", _who, m.Protocol));
        Receive<SessionEnded>(m =>
        {
            _log.Debug("SMTP {0}: session {1} ({2} mail(s) accepted)", _who, m.How, _mailsAccepted);
            Context.Stop(Self);
        });
    }

    private void LateAcceptance(OutgoingAccepted m) => _log.Warning(
        "SMTP {0}: the mailbox stored submission {1} (jobs {2}) after its client was told 451; the jobs will be sent, and a retry by the client would send them twice",
        _who, m.SubmissionId, string.Join(", ", m.JobIds));

    private void LateRefusal(OutgoingRefused m) =>
        _log.Info("SMTP {0}: late refusal of submission {1}: {2}", _who, m.SubmissionId, m.Reason);

    private void BackToReady()
    {
        _recipients.Clear();
        Become(Ready);
        Stash.UnstashAll();
    }

    private SmtpReply CheckRecipient(string localPart, string domain)
    {
        var address = $"{localPart}@{domain}";
        if (!SubmissionRules.CheckRecipient(_account!, localPart, domain, _ctx.Mail.Domain, _ctx.Mail.DefaultCountryCode,
                _ctx.Permissions, out var accepted, out var refusal))
            return Refused("recipient", refusal!);
        var distinct = _recipients.Values.Select(r => r.Number).Distinct().Count();
        var isNew = _recipients.Values.All(r => r.Number != accepted!.Number);
        if (isNew && distinct >= _ctx.Mail.Smtp.MaxRecipients)
            return Refused("recipient", new SmtpReply(452,
                $"4.5.3 too many recipients: at most {_ctx.Mail.Smtp.MaxRecipients} per mail; send the rest in another mail"));
        _recipients[address] = accepted!;
        return SmtpReply.Ok;
    }

    private void Submit(SubmitMail m)
    {
        if (m.Conversion.Refusal is { } refusal)
        {
            Sender.Tell(Refused("mail", refusal));
            return;
        }
        var mail = m.Conversion.Mail!;

        // The envelope as the library kept it; a recipient the session has not seen (its check timed
        // out at the edge, say) is checked again rather than trusted.
        var numbers = new List<AcceptedRecipient>();
        foreach (var address in m.Recipients)
        {
            if (!_recipients.TryGetValue(address, out var r))
            {
                var at = address.LastIndexOf('@');
                var reply = CheckRecipient(at < 0 ? address : address[..at], at < 0 ? "" : address[(at + 1)..]);
                if (!reply.IsPositive)
                {
                    Sender.Tell(reply);
                    return;
                }
                r = _recipients[address];
            }
            if (numbers.All(n => n.Number != r.Number)) numbers.Add(r);
        }
        if (numbers.Count == 0)
        {
            Sender.Tell(Refused("mail", new SmtpReply(554, "5.5.1 no valid recipients")));
            return;
        }

        // The rules again, with the text: a recipient that only a text-prefix rule allowed at RCPT
        // is refused here if the text does not start with the prefix.
        var now = _ctx.Time.GetUtcNow();
        foreach (var n in numbers)
        {
            var permission = _ctx.Permissions.CheckMessage(_account!.Name, n.Number, mail.Text, now);
            if (!permission.Allowed)
            {
                Sender.Tell(Refused("mail", new SmtpReply(550, $"5.7.1 {_account.Name} may not send this SMS to {n.Number.E164}: {permission.Reason}; nothing was sent")));
                return;
            }
        }
        var jobs = numbers
            .Select(n => new OutgoingSms(JobIds.New(_ctx.Time), _account!.Name, n.Number.E164, mail.Text, mail.Coding, mail.Parts,
                now, mail.MessageId, mail.Subject, mail.Notes))
            .ToImmutableArray();
        var submissionId = JobIds.New(_ctx.Time);
        _ctx.Mailbox.Tell(new SubmitOutgoing(_account!.Name, submissionId, jobs), Self);
        Timers.StartSingleTimer(StoreTimerKey, new StoreTimedOut(submissionId), _ctx.Mail.Smtp.StoreTimeout);
        Become(() => AwaitingMailbox(new Pending(submissionId, Sender, jobs)));
    }

    private SmtpReply Refused(string what, SmtpReply reply)
    {
        _log.Info("SMTP {0}: refused {1} of {2}: {3}", _who, what, _account?.Name ?? "(not logged in)", reply);
        return reply;
    }

    /// <summary>250 naming the jobs; kept under the 512-octet reply line limit of RFC 5321.</summary>
    internal static SmtpReply Queued(IReadOnlyList<string> jobIds)
    {
        var shown = new List<string>();
        var length = 0;
        foreach (var id in jobIds)
        {
            if (length + id.Length + 1 > 400) break;
            shown.Add(id);
            length += id.Length + 1;
        }
        var more = jobIds.Count - shown.Count;
        var noun = jobIds.Count == 1 ? "job" : "jobs";
        return new SmtpReply(250, $"2.0.0 queued as SMS {noun} {string.Join(" ", shown)}{(more > 0 ? $" and {more} more" : "")}");
    }

    private static readonly SmtpReply AuthenticationRequired = new(530, "5.7.0 authentication required: log in with AUTH first");
}
