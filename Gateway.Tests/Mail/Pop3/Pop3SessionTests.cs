using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.TestKit;
using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Mail.Pop3;
using Gateway.Mailbox;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Mail.Pop3;

/// <summary>
/// One session actor on a real socket, with a test probe standing in for the mailbox region, to
/// script the mailbox's answers: late, missing, or from a mailbox that restarted.
/// </summary>
public class Pop3SessionTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly TestProbe _mailbox;
    private GatewaySettings _settings = TestSettings.Gateway();

    public Pop3SessionTests()
    {
        _mailbox = CreateTestProbe("mailbox");
    }

    /// <summary>Answers the tests script come well within the default 10 s; the tests of timeouts shorten it.</summary>
    private void ShortMailboxTimeout() =>
        _settings = _settings with { Mail = _settings.Mail with { Pop3 = _settings.Mail.Pop3 with { MailboxTimeout = TimeSpan.FromMilliseconds(300) } } };

    private async Task<(RawPop3 Client, IActorRef Session)> ConnectAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var connecting = RawPop3.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        var socket = await listener.AcceptSocketAsync();
        var services = new Pop3Services(_settings.Mail, AccountDirectory.FromSettings(_settings), _mailbox, null);
        var session = Sys.ActorOf(Pop3Session.Props(socket, new ListenerSettings("127.0.0.1", 0, TlsMode.None), services, "pop3-test"));
        var client = await connecting;
        Assert.StartsWith("+OK", await client.ReadLineAsync());
        return (client, session);
    }

    private static readonly ImmutableArray<MaildropEntry> TwoMessages = [new MaildropEntry(7, "7.1", 20), new MaildropEntry(9, "9.1", 20)];

    private static ImmutableArray<byte> Mail(string text) => [.. Encoding.ASCII.GetBytes($"Subject: {text}\r\n\r\n{text}\r\n")];

    private async Task<(RawPop3 Client, IActorRef Session)> LoggedInAsync()
    {
        var (client, session) = await ConnectAsync();
        await client.SendAsync("USER alice\r\nPASS " + TestSettings.AlicePassword + "\r\n");
        Assert.Equal("+OK send PASS", await client.ReadLineAsync());
        await _mailbox.ExpectMsgAsync<LockMaildrop>(Wait);
        _mailbox.Reply(new MaildropLocked("alice", TwoMessages));
        Assert.Equal("+OK alice has 2 messages (40 octets)", await client.ReadLineAsync());
        return (client, session);
    }

    [Fact]
    public async Task A_mailbox_that_does_not_answer_the_lock_gets_SYS_TEMP_and_a_late_lock_is_given_back()
    {
        ShortMailboxTimeout();
        var (client, _) = await ConnectAsync();
        await using var _ = client;
        await client.SendAsync("USER alice\r\nPASS " + TestSettings.AlicePassword + "\r\n");
        await client.ReadLineAsync();
        await _mailbox.ExpectMsgAsync<LockMaildrop>(Wait);
        var lockRequester = _mailbox.LastSender;
        Assert.Equal("-ERR [SYS/TEMP] the mailbox is not available right now; try again later", await client.ReadLineAsync());
        _mailbox.Send(lockRequester, new MaildropLocked("alice", TwoMessages)); // too late
        Assert.Equal("alice", (await _mailbox.ExpectMsgAsync<ReleaseMaildrop>(Wait)).User);
        Assert.Equal("-ERR STAT is not allowed before log-in", await client.CommandAsync("STAT"));
    }

    [Fact]
    public async Task Contents_are_fetched_in_a_batch_at_log_in_and_RETR_is_answered_from_it()
    {
        var (client, _) = await LoggedInAsync();
        await using var _ = client;
        var fetch = await _mailbox.ExpectMsgAsync<FetchMessages>(Wait);
        Assert.Equal([7L, 9L], fetch.Numbers.ToArray());
        _mailbox.Reply(new MessagesFetched("alice", [new FetchedMessage(7, Mail("seven")), new FetchedMessage(9, Mail("nine"))]));
        await client.SendAsync("RETR 2\r\n");
        Assert.Equal("+OK 20 octets", await client.ReadLineAsync());
        Assert.Contains("nine", await client.ReadMultiLineAsync());
        await client.SendAsync("RETR 1\r\n");
        Assert.Equal("+OK 20 octets", await client.ReadLineAsync());
        Assert.Contains("seven", await client.ReadMultiLineAsync());
        await _mailbox.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200)); // no round trip per RETR
    }

    [Fact]
    public async Task Contents_that_do_not_arrive_in_time_answer_SYS_TEMP_and_can_be_asked_for_again()
    {
        ShortMailboxTimeout();
        var (client, _) = await LoggedInAsync();
        await using var _ = client;
        await _mailbox.ExpectMsgAsync<FetchMessages>(Wait); // never answered
        await client.SendAsync("RETR 1\r\n");
        Assert.Equal("-ERR [SYS/TEMP] the mailbox did not answer in time; try again", await client.ReadLineAsync());
        await client.SendAsync("RETR 1\r\n");
        await _mailbox.ExpectMsgAsync<FetchMessages>(Wait);
        _mailbox.Reply(new MessagesFetched("alice", [new FetchedMessage(7, Mail("seven")), new FetchedMessage(9, Mail("nine"))]));
        Assert.Equal("+OK 20 octets", await client.ReadLineAsync());
    }

    [Fact]
    public async Task A_message_gone_from_the_mailbox_answers_SYS_TEMP_for_that_message_only()
    {
        var (client, _) = await LoggedInAsync();
        await using var _ = client;
        await _mailbox.ExpectMsgAsync<FetchMessages>(Wait);
        _mailbox.Reply(new MessagesFetched("alice", [new FetchedMessage(9, Mail("nine"))])); // 7 is gone
        await client.SendAsync("RETR 1\r\n");
        var again = await _mailbox.ExpectMsgAsync<FetchMessages>(Wait); // asked once more
        Assert.Equal([7L], again.Numbers.ToArray());
        _mailbox.Reply(new MessagesFetched("alice", []));
        Assert.Equal("-ERR [SYS/TEMP] message 1 is no longer in the mailbox", await client.ReadLineAsync());
        Assert.StartsWith("+OK 20 octets", await client.CommandAsync("RETR 2"));
    }

    [Fact]
    public async Task A_lock_lost_to_a_mailbox_restart_closes_the_session_and_nothing_is_committed()
    {
        var (client, _) = await LoggedInAsync();
        await using var _ = client;
        await _mailbox.ExpectMsgAsync<FetchMessages>(Wait);
        Assert.StartsWith("+OK", await client.CommandAsync("DELE 1"));
        await client.SendAsync("QUIT\r\n");
        await _mailbox.ExpectMsgAsync<CommitDeletions>(Wait);
        _mailbox.Reply(new MaildropNotLocked("alice"));
        Assert.StartsWith("-ERR [SYS/TEMP] some deleted messages not removed (the maildrop lock was lost)", await client.ReadLineAsync());
        Assert.True(await client.ClosedByServerAsync());
    }

    [Fact]
    public async Task QUIT_waits_for_the_mailbox_to_store_the_deletions_and_a_timeout_is_reported()
    {
        ShortMailboxTimeout();
        var (client, _) = await LoggedInAsync();
        await using var _ = client;
        await _mailbox.ExpectMsgAsync<FetchMessages>(Wait);
        Assert.StartsWith("+OK", await client.CommandAsync("DELE 2"));
        await client.SendAsync("QUIT\r\n");
        var commit = await _mailbox.ExpectMsgAsync<CommitDeletions>(Wait);
        Assert.Equal([9L], commit.Numbers.ToArray());
        Assert.Equal("-ERR [SYS/TEMP] some deleted messages not removed (the mailbox did not answer in time)", await client.ReadLineAsync());
        Assert.True(await client.ClosedByServerAsync());
    }

    [Fact]
    public async Task A_session_whose_client_vanishes_releases_the_lock_and_stops()
    {
        var (client, session) = await LoggedInAsync();
        Watch(session);
        await _mailbox.ExpectMsgAsync<FetchMessages>(Wait);
        client.Vanish();
        Assert.Equal("alice", (await _mailbox.ExpectMsgAsync<ReleaseMaildrop>(Wait)).User);
        await ExpectTerminatedAsync(session, Wait);
    }
}
