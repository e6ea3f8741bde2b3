using System.Collections.Immutable;
using System.Net;
using System.Text;
using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Mail.Pop3;
using Gateway.Mailbox;
using Xunit;

namespace Gateway.Tests.Mail.Pop3;

/// <summary>The POP3 protocol as scripted transcripts against the pure engine (no sockets, no actors).</summary>
public class Pop3EngineTests
{
    private static readonly Account Alice = new("alice", "alice@sms.example.net",
        new UserSettings("alice", "alice@sms.example.net", "", [], NotifyMode.Failures));

    private static readonly ImmutableArray<MaildropEntry> ThreeMessages =
        [new MaildropEntry(10, "10.1", 100), new MaildropEntry(11, "11.1", 200), new MaildropEntry(15, "15.1", 300)];

    /// <summary>A session driven line by line; the effects other than replies are collected for inspection.</summary>
    private sealed class Transcript(Pop3SessionState state)
    {
        public Pop3SessionState State { get; private set; } = state;
        public List<Pop3Effect> Effects { get; } = [];

        public static Transcript Plain(PlaintextAuth policy = PlaintextAuth.Loopback, bool tls = true, string remote = "127.0.0.1", int maxBad = 20) =>
            new(Pop3SessionState.Start(false, tls, policy, IPAddress.Parse(remote), maxBad));

        public string Step(Pop3Step step)
        {
            State = step.State;
            Effects.AddRange(step.Effects.Where(e => e is not Pop3Effect.Reply));
            return string.Join("", step.Effects.OfType<Pop3Effect.Reply>().Select(r => Encoding.ASCII.GetString(r.Value.Bytes.AsSpan())));
        }

        public string Send(string line) => Step(Pop3Engine.OnLine(State, line));

        public Pop3ReplyAction LastAction(Pop3Step step) => step.Effects.OfType<Pop3Effect.Reply>().Last().Value.After;

        /// <summary>USER/PASS, the password accepted, the maildrop locked with <paramref name="listing"/>.</summary>
        public string LogIn(ImmutableArray<MaildropEntry>? listing = null)
        {
            Assert.Equal("+OK send PASS\r\n", Send("USER alice"));
            Assert.Equal("", Send("PASS secret"));
            Assert.Equal("", Step(Pop3Engine.OnPasswordChecked(State, new LoginResult(LoginOutcome.Success, Alice, TimeSpan.Zero))));
            Assert.Equal(new Pop3Effect.Lock("alice"), Effects[^1]);
            return Step(Pop3Engine.OnLocked(State, listing ?? ThreeMessages));
        }
    }

    [Fact]
    public void The_greeting_is_a_positive_line()
    {
        var t = Transcript.Plain();
        Assert.Equal("+OK sms-gateway POP3 server ready\r\n", t.Step(Pop3Engine.Greeting(t.State)));
    }

    [Fact]
    public void A_user_logs_in_with_USER_and_PASS_and_the_password_is_checked_elsewhere()
    {
        var t = Transcript.Plain();
        Assert.Equal("+OK alice has 3 messages (600 octets)\r\n", t.LogIn());
        Assert.Equal(new Pop3Effect.CheckPassword("alice", "secret"), t.Effects[0]);
        Assert.Equal(Pop3State.Transaction, t.State.State);
    }

    [Fact]
    public void A_wrong_password_or_throttling_answers_with_the_AUTH_code_and_starts_over()
    {
        var t = Transcript.Plain();
        t.Send("USER alice");
        t.Send("PASS wrong");
        Assert.Equal("-ERR [AUTH] invalid user name or password\r\n",
            t.Step(Pop3Engine.OnPasswordChecked(t.State, new LoginResult(LoginOutcome.Refused, null, TimeSpan.Zero))));
        Assert.Equal("-ERR give USER first\r\n", t.Send("PASS again"));
        t.Send("USER alice");
        t.Send("PASS wrong");
        Assert.Equal("-ERR [AUTH] too many failed log-ins; try again in 60 seconds\r\n",
            t.Step(Pop3Engine.OnPasswordChecked(t.State, new LoginResult(LoginOutcome.Throttled, null, TimeSpan.FromSeconds(59.2)))));
    }

    [Fact]
    public void A_locked_maildrop_answers_IN_USE_and_the_session_stays_in_authorization()
    {
        var t = Transcript.Plain();
        t.Send("USER alice");
        t.Send("PASS secret");
        t.Step(Pop3Engine.OnPasswordChecked(t.State, new LoginResult(LoginOutcome.Success, Alice, TimeSpan.Zero)));
        Assert.Equal("-ERR [IN-USE] locked\r\n", t.Step(Pop3Engine.OnLockRefused(t.State, "[IN-USE] locked")));
        Assert.Equal(Pop3State.Authorization, t.State.State);
        Assert.False(t.State.HoldsLock);
    }

    [Fact]
    public void Without_TLS_a_password_may_not_be_sent_when_the_policy_forbids_it_and_CAPA_does_not_offer_it()
    {
        var t = Transcript.Plain(PlaintextAuth.Never);
        Assert.Equal("-ERR [AUTH] plaintext log-in is not allowed on this connection; use STLS first\r\n", t.Send("USER alice"));
        Assert.StartsWith("-ERR [AUTH] plaintext log-in is not allowed", t.Send("AUTH PLAIN"));
        var capa = t.Send("CAPA");
        Assert.DoesNotContain("USER", capa);
        Assert.DoesNotContain("SASL", capa);
        Assert.Contains("\r\nSTLS\r\n", capa);

        Assert.Equal("+OK Begin TLS negotiation\r\n", t.Send("STLS"));
        t.Step(Pop3Engine.OnTlsStarted(t.State));
        capa = t.Send("CAPA");
        Assert.Contains("\r\nUSER\r\n", capa);
        Assert.Contains("\r\nSASL PLAIN\r\n", capa);
        Assert.DoesNotContain("STLS", capa);
        Assert.Equal("+OK send PASS\r\n", t.Send("USER alice"));
    }

    [Fact]
    public void Loopback_policy_allows_passwords_from_loopback_only()
    {
        Assert.Equal("+OK send PASS\r\n", Transcript.Plain(PlaintextAuth.Loopback).Send("USER alice"));
        Assert.StartsWith("-ERR [AUTH]", Transcript.Plain(PlaintextAuth.Loopback, remote: "192.0.2.7").Send("USER alice"));
        Assert.Equal("+OK send PASS\r\n", Transcript.Plain(PlaintextAuth.Always, remote: "192.0.2.7").Send("USER alice"));
    }

    [Fact]
    public void STLS_is_refused_without_a_certificate_after_USER_and_on_a_secure_connection()
    {
        Assert.Equal("-ERR STLS is not available (no certificate is configured)\r\n", Transcript.Plain(tls: false).Send("STLS"));
        Assert.DoesNotContain("STLS", Transcript.Plain(tls: false).Send("CAPA"));
        var t = Transcript.Plain();
        t.Send("USER alice");
        Assert.Equal("-ERR STLS must come before USER\r\n", t.Send("STLS"));
        var secure = new Transcript(Pop3SessionState.Start(true, true, PlaintextAuth.Never, IPAddress.Loopback, 20));
        Assert.Equal("-ERR the connection already uses TLS\r\n", secure.Send("STLS"));
    }

    [Fact]
    public void STLS_asks_the_connection_to_start_TLS_after_its_reply()
    {
        var t = Transcript.Plain();
        var step = Pop3Engine.OnLine(t.State, "STLS");
        Assert.Equal(Pop3ReplyAction.StartTls, t.LastAction(step));
    }

    [Fact]
    public void AUTH_PLAIN_works_with_a_continuation_and_with_an_initial_response()
    {
        var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice\0pässword"));
        var t = Transcript.Plain();
        Assert.Equal("+ \r\n", t.Send("AUTH PLAIN"));
        Assert.Equal("", t.Send(plain));
        Assert.Equal(new Pop3Effect.CheckPassword("alice", "pässword"), t.Effects[^1]);

        var u = Transcript.Plain();
        Assert.Equal("", u.Send("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice\0alice\0pw"))));
        Assert.Equal(new Pop3Effect.CheckPassword("alice", "pw"), u.Effects[^1]);
    }

    [Fact]
    public void AUTH_PLAIN_can_be_cancelled_and_refuses_bad_responses()
    {
        var t = Transcript.Plain();
        t.Send("AUTH PLAIN");
        Assert.Equal("-ERR authentication cancelled\r\n", t.Send("*"));
        t.Send("AUTH PLAIN");
        Assert.Equal("-ERR [AUTH] the PLAIN response is not valid base64\r\n", t.Send("%%%"));
        Assert.StartsWith("-ERR [AUTH] the PLAIN response must be", t.Send("AUTH PLAIN " + Convert.ToBase64String("alice"u8.ToArray())));
        Assert.StartsWith("-ERR [AUTH] logging in as another user",
            t.Send("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes("bob\0alice\0pw"))));
        Assert.Equal("-ERR unsupported authentication mechanism; this server offers PLAIN\r\n", t.Send("AUTH CRAM-MD5"));
        Assert.Equal("+OK SASL mechanisms follow\r\nPLAIN\r\n.\r\n", t.Send("AUTH"));
        Assert.Empty(t.Effects);
    }

    [Fact]
    public void STAT_LIST_and_UIDL_describe_the_maildrop_without_deleted_messages()
    {
        var t = Transcript.Plain();
        t.LogIn();
        Assert.Equal("+OK 3 600\r\n", t.Send("STAT"));
        Assert.Equal("+OK 3 messages (600 octets)\r\n1 100\r\n2 200\r\n3 300\r\n.\r\n", t.Send("LIST"));
        Assert.Equal("+OK 2 200\r\n", t.Send("LIST 2"));
        Assert.Equal("+OK unique-id listing follows\r\n1 10.1\r\n2 11.1\r\n3 15.1\r\n.\r\n", t.Send("UIDL"));
        Assert.Equal("+OK message 2 deleted\r\n", t.Send("DELE 2"));
        Assert.Equal("+OK 2 400\r\n", t.Send("STAT"));
        Assert.Equal("+OK 2 messages (400 octets)\r\n1 100\r\n3 300\r\n.\r\n", t.Send("LIST"));
        Assert.Equal("-ERR message 2 is deleted\r\n", t.Send("UIDL 2"));
        Assert.Equal("-ERR message 2 is deleted\r\n", t.Send("DELE 2"));
        Assert.Equal("-ERR no such message, only 3 in the maildrop\r\n", t.Send("LIST 4"));
        Assert.Equal("+OK maildrop has 3 messages (600 octets)\r\n", t.Send("RSET"));
        Assert.Equal("+OK 3 600\r\n", t.Send("STAT"));
    }

    [Fact]
    public void RETR_and_TOP_ask_for_the_message_and_refuse_deleted_or_missing_ones()
    {
        var t = Transcript.Plain();
        t.LogIn();
        Assert.Equal("", t.Send("RETR 3"));
        Assert.Equal(new Pop3Effect.Retrieve(3, ThreeMessages[2], null), t.Effects[^1]);
        Assert.Equal("", t.Send("TOP 1 5"));
        Assert.Equal(new Pop3Effect.Retrieve(1, ThreeMessages[0], 5), t.Effects[^1]);
        t.Send("DELE 1");
        Assert.Equal("-ERR message 1 is deleted\r\n", t.Send("RETR 1"));
        Assert.Equal("-ERR no such message, only 3 in the maildrop\r\n", t.Send("RETR 2147483647"));
    }

    [Fact]
    public void QUIT_commits_the_deletions_and_answers_only_after_they_are_stored()
    {
        var t = Transcript.Plain();
        t.LogIn();
        t.Send("DELE 1");
        t.Send("DELE 3");
        Assert.Equal("", t.Send("QUIT"));
        Assert.Equal(new Pop3Effect.Commit([10, 15]), t.Effects[^1], new CommitComparer());
        Assert.Equal(Pop3State.Update, t.State.State);
        var step = Pop3Engine.OnCommitted(t.State, 2);
        Assert.Equal("+OK sms-gateway signing off (2 messages deleted)\r\n", t.Step(step));
        Assert.Equal(Pop3ReplyAction.Close, t.LastAction(step));
    }

    [Fact]
    public void A_failed_commit_says_the_messages_were_not_removed_and_closes()
    {
        var t = Transcript.Plain();
        t.LogIn();
        t.Send("DELE 1");
        t.Send("QUIT");
        var step = Pop3Engine.OnCommitFailed(t.State, "journal failure");
        Assert.StartsWith("-ERR [SYS/TEMP] some deleted messages not removed", t.Step(step));
        Assert.Equal(Pop3ReplyAction.Close, t.LastAction(step));
        Assert.IsType<Pop3Effect.Release>(t.Effects[^1]);
    }

    [Fact]
    public void QUIT_without_deletions_releases_the_lock_and_closes()
    {
        var t = Transcript.Plain();
        t.LogIn();
        var step = Pop3Engine.OnLine(t.State, "QUIT");
        Assert.StartsWith("+OK", t.Step(step));
        Assert.Equal(Pop3ReplyAction.Close, t.LastAction(step));
        Assert.IsType<Pop3Effect.Release>(t.Effects[^1]);
    }

    [Fact]
    public void A_connection_that_ends_without_QUIT_deletes_nothing_and_releases_the_lock()
    {
        var t = Transcript.Plain();
        t.LogIn();
        t.Send("DELE 1");
        t.Step(Pop3Engine.OnClosed(t.State));
        Assert.IsType<Pop3Effect.Release>(t.Effects[^1]);
        Assert.DoesNotContain(t.Effects, e => e is Pop3Effect.Commit);
    }

    [Fact]
    public void Commands_out_of_their_state_are_refused()
    {
        var t = Transcript.Plain();
        Assert.Equal("-ERR STAT is not allowed before log-in\r\n", t.Send("STAT"));
        Assert.Equal("-ERR RETR is not allowed before log-in\r\n", t.Send("RETR 1"));
        t.LogIn();
        Assert.Equal("-ERR USER is not allowed after log-in\r\n", t.Send("USER bob"));
        Assert.Equal("-ERR STLS is not allowed after log-in\r\n", t.Send("STLS"));
    }

    [Fact]
    public void Too_many_bad_commands_close_the_connection_and_release_the_lock()
    {
        var t = Transcript.Plain(maxBad: 3);
        t.LogIn();
        Assert.Equal("-ERR unknown command\r\n", t.Send("HELO"));
        Assert.Equal("-ERR line too long\r\n", t.Step(Pop3Engine.OnLineTooLong(t.State)));
        var step = Pop3Engine.OnLine(t.State, "\u0001junk");
        Assert.EndsWith("too many bad commands, closing\r\n", t.Step(step));
        Assert.Equal(Pop3ReplyAction.Close, t.LastAction(step));
        Assert.IsType<Pop3Effect.Release>(t.Effects[^1]);
        Assert.Equal("", t.Send("STAT")); // nothing more is said on a closing session
    }

    [Fact]
    public void A_failed_command_that_is_well_formed_is_not_a_protocol_error()
    {
        var t = Transcript.Plain(maxBad: 2);
        t.LogIn();
        for (var i = 0; i < 5; i++) Assert.StartsWith("-ERR no such message", t.Send("RETR 9"));
        Assert.Equal(0, t.State.BadCommands);
    }

    [Fact]
    public void Passwords_are_never_in_the_text_of_effects()
    {
        Assert.DoesNotContain("hunter2", new Pop3Effect.CheckPassword("alice", "hunter2").ToString());
    }

    /// <summary>Records holding ImmutableArray compare by reference; this compares the numbers.</summary>
    private sealed class CommitComparer : IEqualityComparer<Pop3Effect>
    {
        public bool Equals(Pop3Effect? x, Pop3Effect? y) =>
            x is Pop3Effect.Commit a && y is Pop3Effect.Commit b && a.Numbers.SequenceEqual(b.Numbers);

        public int GetHashCode(Pop3Effect obj) => 0;
    }
}
