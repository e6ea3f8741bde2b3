using System.Collections.Immutable;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Mail.Smtp;
using Gateway.Mailbox;
using Gateway.Sms;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Mail.Smtp;

/// <summary>The session actor's states, driven message by message with a probe as the mailbox.</summary>
public sealed class SmtpSessionActorTests : TestKit
{
    private static readonly Account Alice = new("alice", "alice@sms.example.net",
        new UserSettings("alice", "alice@sms.example.net", "unused", ["operator-a"], NotifyMode.Failures));

    private static readonly MailConversion Mail = new(
        new PreparedMail("hello", SmsCoding.Gsm7, 1, "subject", "<id@x>", ImmutableArray<string>.Empty, 100), null);

    private readonly Akka.TestKit.TestProbe _mailbox;
    private IActorRef _session;

    public SmtpSessionActorTests()
    {
        _mailbox = CreateTestProbe();
        _session = Session("10s"); // long enough never to fire on a slow machine; the timeout test sets its own
    }

    private IActorRef Session(string storeTimeout)
    {
        var settings = SmtpTestServer.SettingsWith($"gateway.mail.smtp.store-timeout = {storeTimeout}");
        return Sys.ActorOf(SmtpSessionActor.Props(
            new SmtpSessionActor.Shared(settings.Mail, _mailbox.Ref, AllowEveryDestination.Instance, new ManualTime()), "192.0.2.1:1234", "test"));
    }

    private void LogInAndAddress(params string[] numbers)
    {
        _session.Tell(new LoggedIn(Alice));
        _session.Tell(new CheckSender("alice", "sms.example.net", 0));
        Assert.True(ExpectMsg<SmtpReply>().IsPositive);
        foreach (var n in numbers)
        {
            _session.Tell(new CheckRecipient(n, "sms.example.net"));
            Assert.True(ExpectMsg<SmtpReply>().IsPositive);
        }
    }

    [Fact]
    public void Before_login_every_envelope_step_is_answered_530()
    {
        _session.Tell(new CheckSender("alice", "sms.example.net", 0));
        Assert.Equal(530, ExpectMsg<SmtpReply>().Code);
        _session.Tell(new SubmitMail(["+420777123456@sms.example.net"], Mail));
        Assert.Equal(530, ExpectMsg<SmtpReply>().Code);
        _mailbox.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void The_reply_waits_for_the_mailbox_and_names_the_job_ids_it_confirmed()
    {
        LogInAndAddress("+420777123456");
        _session.Tell(new SubmitMail(["+420777123456@sms.example.net"], Mail));
        var submit = _mailbox.ExpectMsg<SubmitOutgoing>();
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // no 250 before the mailbox answers
        _mailbox.Reply(new OutgoingAccepted(submit.SubmissionId, [submit.Jobs[0].JobId]));
        var reply = ExpectMsg<SmtpReply>();
        Assert.Equal(250, reply.Code);
        Assert.Contains(submit.Jobs[0].JobId, reply.Text);
    }

    [Fact]
    public void A_mailbox_that_answers_too_late_gets_451_sent_and_the_session_goes_on()
    {
        _session = Session("300ms");
        LogInAndAddress("+420777123456");
        _session.Tell(new SubmitMail(["+420777123456@sms.example.net"], Mail));
        var late = _mailbox.ExpectMsg<SubmitOutgoing>();
        Assert.Equal(451, ExpectMsg<SmtpReply>(TimeSpan.FromSeconds(3)).Code);

        _mailbox.Reply(new OutgoingAccepted(late.SubmissionId, [late.Jobs[0].JobId])); // logged, not answered
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        LogInAndAddress("+420777000001");
        _session.Tell(new SubmitMail(["+420777000001@sms.example.net"], Mail));
        var next = _mailbox.ExpectMsg<SubmitOutgoing>();
        _mailbox.Reply(new OutgoingAccepted(next.SubmissionId, [next.Jobs[0].JobId]));
        Assert.Equal(250, ExpectMsg<SmtpReply>().Code);
    }

    [Fact]
    public void A_connection_that_ends_while_the_mailbox_is_storing_still_gets_its_outcome_before_the_session_stops()
    {
        LogInAndAddress("+420777123456");
        Watch(_session);
        _session.Tell(new SubmitMail(["+420777123456@sms.example.net"], Mail));
        var submit = _mailbox.ExpectMsg<SubmitOutgoing>();
        _session.Tell(new SessionEnded("completed"));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // still alive, still waiting
        _mailbox.Reply(new OutgoingAccepted(submit.SubmissionId, [submit.Jobs[0].JobId]));
        Assert.Equal(250, ExpectMsg<SmtpReply>().Code);
        ExpectTerminated(_session);
    }

    [Fact]
    public void A_refused_conversion_is_answered_without_bothering_the_mailbox()
    {
        LogInAndAddress("+420777123456");
        _session.Tell(new SubmitMail(["+420777123456@sms.example.net"], MailConversion.Refuse(554, "5.6.0 empty")));
        Assert.Equal(554, ExpectMsg<SmtpReply>().Code);
        _mailbox.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }
}
