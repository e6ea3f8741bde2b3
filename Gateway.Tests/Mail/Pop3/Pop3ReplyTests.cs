using System.Collections.Immutable;
using System.Text;
using FsCheck.Xunit;
using Gateway.Mail.Pop3;
using Gateway.Mailbox;
using Xunit;

namespace Gateway.Tests.Mail.Pop3;

public class Pop3ReplyTests
{
    private static string Text(Pop3Reply r) => Encoding.ASCII.GetString(r.Bytes.AsSpan());

    private static string Message(string content, int? top = null) => Text(Pop3Reply.Message("x", Encoding.ASCII.GetBytes(content), top));

    [Fact]
    public void A_message_is_sent_with_its_status_line_and_the_terminating_dot()
    {
        Assert.Equal("+OK x\r\nSubject: a\r\n\r\nbody\r\n.\r\n", Message("Subject: a\r\n\r\nbody\r\n"));
    }

    [Fact]
    public void Lines_starting_with_a_dot_are_dot_stuffed()
    {
        Assert.Equal("+OK x\r\n..first\r\n\r\n..\r\nmid.dle\r\n...two\r\n.\r\n", Message(".first\r\n\r\n.\r\nmid.dle\r\n..two\r\n"));
    }

    [Fact]
    public void A_message_without_a_final_line_break_still_ends_with_CRLF_dot()
    {
        Assert.Equal("+OK x\r\nabc\r\n.\r\n", Message("abc"));
        Assert.Equal("+OK x\r\n.\r\n", Message(""));
    }

    [Fact]
    public void TOP_sends_the_header_the_blank_line_and_the_first_body_lines()
    {
        const string mail = "From: a\r\nSubject: b\r\n\r\nline 1\r\n.line 2\r\nline 3\r\n";
        Assert.Equal("+OK x\r\nFrom: a\r\nSubject: b\r\n\r\n.\r\n", Message(mail, 0));
        Assert.Equal("+OK x\r\nFrom: a\r\nSubject: b\r\n\r\nline 1\r\n..line 2\r\n.\r\n", Message(mail, 2));
        Assert.Equal("+OK x\r\n" + mail.Replace("\n.", "\n..") + ".\r\n", Message(mail, 100));
        Assert.Equal("+OK x\r\nFrom: a\r\n.\r\n", Message("From: a\r\n", 3));
    }

    [Fact]
    public void Multi_line_replies_are_dot_stuffed_and_terminated()
    {
        Assert.Equal("+OK list\r\n1 10\r\n..odd\r\n.\r\n", Text(Pop3Reply.MultiLine("+OK list", ["1 10", ".odd"])));
    }

    /// <summary>Undoing the dot-stuffing gives back exactly the stored message, whatever its bytes.</summary>
    [Property(MaxTest = 300)]
    public bool Dot_stuffing_is_undone_by_a_client_exactly(string[] lines)
    {
        var content = string.Concat((lines ?? []).Select(l => (l ?? "").Replace("\r", "").Replace("\n", "") + "\r\n"));
        var bytes = Encoding.Latin1.GetBytes(content);
        var wire = Pop3Reply.Message("x", bytes).Bytes.AsSpan().ToArray();
        var body = Encoding.Latin1.GetString(wire)[("+OK x\r\n".Length)..];
        if (!body.EndsWith("\r\n.\r\n") && body != ".\r\n") return false;
        var unstuffed = string.Concat(body[..^3].Split("\r\n").SkipLast(1).Select(l => (l.StartsWith('.') ? l[1..] : l) + "\r\n"));
        return unstuffed == content;
    }
}

public class Pop3ContentCacheTests
{
    private static Maildrop Drop(int count, int size = 100) =>
        Maildrop.Of(Enumerable.Range(1, count).Select(i => new MaildropEntry(1000 + i, $"{i}.0", size)).ToImmutableArray());

    private static ImmutableArray<FetchedMessage> Contents(IEnumerable<long> numbers) =>
        numbers.Select(n => new FetchedMessage(n, [1, 2, 3])).ToImmutableArray();

    [Fact]
    public void The_first_batch_starts_at_the_first_message_and_stops_at_the_count_or_byte_limit()
    {
        var cache = new Pop3ContentCache(batchMessages: 10, batchBytes: 350, lowWater: 3);
        Assert.Equal([1001L, 1002, 1003, 1004], cache.Ahead(Drop(50), 1).ToArray());
        Assert.True(cache.FetchInFlight);
        Assert.Empty(cache.Ahead(Drop(50), 1)); // one fetch at a time
        Assert.Empty(cache.Needed(Drop(50), 9));
    }

    [Fact]
    public void The_next_batch_is_read_ahead_when_few_requested_messages_are_left_ahead()
    {
        var drop = Drop(100);
        var cache = new Pop3ContentCache(batchMessages: 10, batchBytes: 1_000_000, lowWater: 4);
        cache.Add(Contents(cache.Ahead(drop, 1)));
        Assert.Empty(cache.Ahead(drop, 6)); // 6..10 are here: enough
        Assert.Equal(Enumerable.Range(11, 10).Select(i => 1000L + i), cache.Ahead(drop, 8).ToArray());
    }

    [Fact]
    public void Read_ahead_never_asks_twice_for_a_message_but_a_needed_one_is_asked_for_again()
    {
        var drop = Drop(3);
        var cache = new Pop3ContentCache(batchMessages: 10, batchBytes: 1_000_000, lowWater: 100);
        cache.Add(Contents(cache.Ahead(drop, 1)));
        cache.Forget(1002); // RETR 2 was answered
        Assert.Empty(cache.Ahead(drop, 3));
        Assert.Equal([1002L], cache.Needed(drop, 2).ToArray()); // RETR 2 again
    }

    [Fact]
    public void Deleted_and_already_fetched_messages_are_not_fetched_again()
    {
        var drop = Drop(6).MarkDeleted(2);
        var cache = new Pop3ContentCache(batchMessages: 10, batchBytes: 1_000_000, lowWater: 100);
        cache.Add(Contents([1004]));
        Assert.Equal([1001L, 1003, 1005, 1006], cache.Ahead(drop, 1).ToArray());
    }

    [Fact]
    public void A_message_that_did_not_come_is_reported_missing()
    {
        var cache = new Pop3ContentCache();
        var batch = cache.Ahead(Drop(3), 1);
        Assert.Equal([1002L], cache.Add(Contents(batch.Where(n => n != 1002))).ToArray());
        Assert.False(cache.FetchInFlight);
    }

    [Fact]
    public void After_a_timeout_the_same_messages_may_be_asked_for_again()
    {
        var cache = new Pop3ContentCache(batchMessages: 2);
        var first = cache.Ahead(Drop(5), 1);
        cache.FetchFailed();
        Assert.Equal(first.ToArray(), cache.Ahead(Drop(5), 1).ToArray());
    }
}
