using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Gateway.Modem.At;
using Gateway.Sms;

namespace Gateway.Modem;

// Sending: SendSms jobs queue (bounded), then go part by part through AT+CMGS; every part of a
// job goes through this module, in order. Each part's TP-MR is kept for status reports. After a
// job whose sender keeps a record (RecordFollows), the next job waits for SentRecorded (at most
// modem.record-wait): so at any moment at most one SMS of this module is sent but not recorded.
public sealed partial class GsmModule
{
    private const string RecordTimer = "record";

    /// <summary>record-wait is over for this job's record: go on without it.</summary>
    private sealed record RecordWaitOver(string JobId);

    /// <summary>The job sent last whose "sent" record its sender has not yet confirmed; no other job starts meanwhile.</summary>
    private string? _unrecorded;

    /// <summary>AT+CMGS for part <see cref="PartIndex"/> of the job being sent.</summary>
    private sealed record SendPartPurpose(int PartIndex) : Purpose;

    /// <summary>A job and who to answer; owned by this actor only.</summary>
    private sealed class SendJob(SendSms request, IActorRef replyTo)
    {
        public SendSms Request { get; } = request;
        public IActorRef ReplyTo { get; } = replyTo;
        public ImmutableArray<int>.Builder References { get; } = ImmutableArray.CreateBuilder<int>();
    }

    /// <summary>Which job and part each TP-MR was last used for (TP-MR is 0–255, so this holds at most 256).</summary>
    private readonly Dictionary<int, (string JobId, int PartIndex)> _sentParts = new();
    private readonly Queue<SendJob> _sendQueue = new();
    private SendJob? _sending;

    private void OnSendSms(SendSms request)
    {
        var replyTo = Sender;
        if (request.Parts is null || request.Parts.Count == 0)
        {
            replyTo.Tell(new SmsSendFailed(Name, request.JobId, [], "the job has no parts", Retryable: false));
            return;
        }
        if (_sendQueue.Count >= _timings.MaxQueuedSends)
        {
            replyTo.Tell(new SmsSendFailed(Name, request.JobId, [], $"module {Name} has {_sendQueue.Count} jobs queued (the limit)", Retryable: true));
            return;
        }
        _sendQueue.Enqueue(new SendJob(request, replyTo));
        PublishStatus();
        DispatchIfIdle();
    }

    /// <summary>The AT+CMGS for the next part to send, taking the next job when the current one is done.</summary>
    private Work? NextSendPart()
    {
        while (true)
        {
            if (_sending is null)
            {
                if (_sendQueue.Count == 0 || !_usageLoaded) return null; // nothing goes before the SIM's counters are known
                if (_unrecorded is not null) return null; // SentRecorded or record-wait dispatches again
                _sending = _sendQueue.Dequeue();
                PublishStatus();
                if (LimitReached(_sending.Request.Parts.Count) is { } limit)
                {
                    FinishSending(failure: ($"module {Name} is at its {limit}", true), atLimit: true);
                    continue;
                }
            }
            if (PacedUntil() is not null) return null; // min-interval: a timer dispatches again when it is due
            var index = _sending.References.Count;
            var part = _sending.Request.Parts[index];
            try
            {
                var pdu = Pdu.Encode(part);
                return new Work(AtCommand.SendPdu(Pdu.TpduLength(pdu), Convert.ToHexString(pdu)), new SendPartPurpose(index));
            }
            catch (Exception e)
            {
                FinishSending(failure: ($"part {index + 1} of {_sending.Request.Parts.Count} cannot be encoded: {e.Message}", false));
            }
        }
    }

    private void OnSentRecorded(SentRecorded recorded)
    {
        if (recorded.JobId != _unrecorded) return; // late, after record-wait
        _unrecorded = null;
        Timers.Cancel(RecordTimer);
        DispatchIfIdle();
    }

    private void OnRecordWaitOver(RecordWaitOver over)
    {
        if (over.JobId != _unrecorded) return;
        _log.Warning("{0}: job {1}'s \"sent\" record was not confirmed within {2}; the next job goes anyway (a crash now could send both again)",
            Name, over.JobId, Format(_timings.RecordWait));
        _unrecorded = null;
        DispatchIfIdle();
    }

    /// <summary>The prompt came: write the PDU and Ctrl-Z, then wait (up to send-timeout) for +CMGS.</summary>
    private void WritePdu()
    {
        if (_inFlight is not { PduWritten: false, Command.Pdu: { } pdu } inFlight) return; // a second prompt: already written
        _inFlight = inFlight with { PduWritten = true };
        LogOut(pdu + "<Ctrl-Z>");
        _link!.Write(pdu + AtCommand.CtrlZ);
        Timers.StartSingleTimer(CommandTimer, new CommandTimedOut(inFlight.Seq), _timings.SendTimeout);
        Enter(Phase.AwaitingResponse);
    }

    private void OnPartResult(SendPartPurpose part, AtResult result)
    {
        var job = _sending!;
        if (!result.IsOk)
        {
            var (reason, retryable) = SendFailure.Classify(result.Final);
            FinishSending(failure: ($"part {part.PartIndex + 1} of {job.Request.Parts.Count} refused: {reason}", retryable));
            return;
        }
        if (!AtResponses.TryParseMessageReference(result.Value("+CMGS:"), out var reference))
        {
            _log.Warning("{0}: AT+CMGS answered OK without a message reference; status reports for job {1} cannot be matched", Name, job.Request.JobId);
            reference = -1;
        }
        else
            _sentParts[reference] = (job.Request.JobId, part.PartIndex);
        CountPartSent();
        job.References.Add(reference);
        if (job.References.Count == job.Request.Parts.Count) FinishSending(failure: null);
    }

    /// <summary>Answers the job being sent and clears it; <paramref name="failure"/> null means every part went.</summary>
    private void FinishSending((string Reason, bool Retryable)? failure, bool atLimit = false)
    {
        var job = _sending!;
        _sending = null;
        var references = job.References.ToImmutable();
        if (atLimit && failure is { } limit)
        {
            _log.Info("{0}: job {1} not taken: {2}", Name, job.Request.JobId, limit.Reason);
            job.ReplyTo.Tell(new SmsSendFailed(Name, job.Request.JobId, references, limit.Reason, Retryable: true, ModuleAtLimit: true));
        }
        else if (failure is { } f)
        {
            _lastError = $"job {job.Request.JobId}: {f.Reason}";
            _log.Warning("{0}: sending job {1} failed after {2} part(s) ({3}): {4}", Name, job.Request.JobId, references.Length,
                f.Retryable ? "retryable" : "permanent", f.Reason);
            job.ReplyTo.Tell(new SmsSendFailed(Name, job.Request.JobId, references, f.Reason, f.Retryable));
        }
        else
        {
            if (_log.IsDebugEnabled) _log.Debug("{0}: job {1} sent, TP-MR {2}", Name, job.Request.JobId, string.Join(",", references));
            job.ReplyTo.Tell(new SmsSent(Name, job.Request.JobId, references));
            if (job.Request.RecordFollows)
            {
                _unrecorded = job.Request.JobId;
                Timers.StartSingleTimer(RecordTimer, new RecordWaitOver(job.Request.JobId), _timings.RecordWait);
            }
        }
        PublishStatus();
    }

    /// <summary>The module is going down: every job it holds is answered as retryable, so it can go another way.</summary>
    private void FailAllSends(string reason)
    {
        if (_sending is { } job)
        {
            _sending = null;
            var sent = job.References.ToImmutable();
            var detail = _inFlight?.Purpose is SendPartPurpose { } p && _inFlight.PduWritten ? $"{reason}; part {p.PartIndex + 1} may have been sent" : reason;
            job.ReplyTo.Tell(new SmsSendFailed(Name, job.Request.JobId, sent, detail, Retryable: true));
        }
        while (_sendQueue.Count > 0)
        {
            var queued = _sendQueue.Dequeue();
            queued.ReplyTo.Tell(new SmsSendFailed(Name, queued.Request.JobId, [], reason, Retryable: true));
        }
    }
}
