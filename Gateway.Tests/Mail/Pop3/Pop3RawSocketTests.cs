using System.Text;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Mail.Pop3;

/// <summary>What no real client sends: malformed and over-long lines, binary junk, pipelining, clients that vanish.</summary>
public class Pop3RawSocketTests(Pop3NodeFixture fixture) : IClassFixture<Pop3NodeFixture>
{
    private GatewayNode Node => fixture.Node;

    private async Task<RawPop3> LoggedInAsync(string user)
    {
        var raw = await RawPop3.ConnectAsync(fixture.Plain);
        Assert.StartsWith("+OK", await raw.ReadLineAsync());
        Assert.StartsWith("+OK", await raw.LogInAsync(user, user + "-pw"));
        return raw;
    }

    private async Task AwaitUnlockedAsync(string user)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await Node.StatusAsync(user)).LockedBy is not null)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the maildrop of {user} stayed locked");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Malformed_commands_get_a_clear_error_and_the_session_goes_on()
    {
        await using var raw = await LoggedInAsync("u20");
        Assert.Equal("-ERR unknown command", await raw.CommandAsync("FROB 1"));
        Assert.Equal("-ERR invalid message number", await raw.CommandAsync("RETR x"));
        Assert.Equal("-ERR RETR needs one message number", await raw.CommandAsync("RETR"));
        Assert.Equal("-ERR STAT takes no arguments", await raw.CommandAsync("STAT 1 2"));
        Assert.Equal("-ERR empty command", await raw.CommandAsync(""));
        Assert.Equal("-ERR no such message, only 0 in the maildrop", await raw.CommandAsync("RETR 1"));
        Assert.Equal("+OK 0 0", await raw.CommandAsync("STAT"));
    }

    [Fact]
    public async Task An_over_long_line_is_refused_without_being_buffered_and_the_next_command_works()
    {
        await using var raw = await LoggedInAsync("u21");
        await raw.SendAsync("NOOP " + new string('a', 100_000) + "\r\nSTAT\r\n");
        Assert.Equal("-ERR line too long", await raw.ReadLineAsync());
        Assert.Equal("+OK 0 0", await raw.ReadLineAsync());
    }

    [Fact]
    public async Task Binary_junk_is_refused_and_enough_of_it_closes_the_connection()
    {
        await using var raw = await RawPop3.ConnectAsync(fixture.Plain);
        await raw.ReadLineAsync();
        var junk = new byte[4096];
        new Random(7).NextBytes(junk);
        for (var i = 0; i < junk.Length; i++) if (junk[i] == '\n') junk[i] = 0; // one long line of junk, one reply
        await raw.SendRawAsync(junk);
        await raw.SendRawAsync("\r\n"u8.ToArray());
        Assert.Equal("-ERR line too long", await raw.ReadLineAsync());
        // One junk line at a time, each answered before the next, until the server has had enough.
        var replies = 1;
        string reply;
        do
        {
            await raw.SendRawAsync([0, 1, 2, 0xff, 0xfe, (byte)'\r', (byte)'\n']);
            reply = await raw.ReadLineAsync();
            Assert.StartsWith("-ERR", reply);
        } while (++replies < 30 && !reply.EndsWith("closing"));
        Assert.Equal("-ERR unknown command (the line holds control or non-ASCII characters); too many bad commands, closing", reply);
        Assert.True(await raw.ClosedByServerAsync());
    }

    [Fact]
    public async Task Pipelined_commands_are_answered_in_order()
    {
        for (var i = 0; i < 3; i++) await Node.DeliverAsync("u22", $"pipelined {i}");
        await using var raw = await RawPop3.ConnectAsync(fixture.Plain);
        await raw.ReadLineAsync();
        await raw.SendAsync("CAPA\r\nUSER u22\r\nPASS u22-pw\r\nSTAT\r\nRETR 1\r\nRETR 2\r\nDELE 3\r\nRETR 3\r\nUIDL\r\nNOOP\r\n");
        Assert.Equal("+OK capability list follows", await raw.ReadLineAsync());
        Assert.Contains("PIPELINING", await raw.ReadMultiLineAsync());
        Assert.Equal("+OK send PASS", await raw.ReadLineAsync());
        Assert.Equal("+OK u22 has 3 messages", (await raw.ReadLineAsync())[..22]);
        Assert.StartsWith("+OK 3 ", await raw.ReadLineAsync());
        Assert.EndsWith("octets", await raw.ReadLineAsync());
        Assert.Contains("pipelined 0", string.Join("\n", await raw.ReadMultiLineAsync()));
        Assert.EndsWith("octets", await raw.ReadLineAsync());
        Assert.Contains("pipelined 1", string.Join("\n", await raw.ReadMultiLineAsync()));
        Assert.Equal("+OK message 3 deleted", await raw.ReadLineAsync());
        Assert.Equal("-ERR message 3 is deleted", await raw.ReadLineAsync());
        Assert.Equal("+OK unique-id listing follows", await raw.ReadLineAsync());
        Assert.Equal(2, (await raw.ReadMultiLineAsync()).Count);
        Assert.Equal("+OK", await raw.ReadLineAsync());
    }

    [Fact]
    public async Task A_client_that_vanishes_mid_command_deletes_nothing_and_frees_the_maildrop()
    {
        await Node.DeliverAsync("u23", "still here");
        var raw = await LoggedInAsync("u23");
        Assert.StartsWith("+OK", await raw.CommandAsync("DELE 1"));
        await raw.SendAsync("RETR 1"); // no CRLF: the command never completes
        raw.Vanish();
        await AwaitUnlockedAsync("u23");
        Assert.Equal(1, (await Node.StatusAsync("u23")).Messages);
        await using var again = await LoggedInAsync("u23");
        Assert.StartsWith("+OK 1 ", await again.CommandAsync("STAT"));
    }

    [Fact]
    public async Task Plaintext_sent_after_STLS_in_the_same_packet_is_discarded_not_executed()
    {
        await using var raw = await RawPop3.ConnectAsync(fixture.StartTls);
        await raw.ReadLineAsync();
        await raw.SendAsync("STLS\r\nUSER u24\r\n"); // an injected command riding behind STLS
        Assert.Equal("+OK Begin TLS negotiation", await raw.ReadLineAsync());
        await raw.StartTlsAsync();
        // Had "USER u24" been executed, PASS would be accepted; instead the server forgot it.
        Assert.Equal("-ERR give USER first", await raw.CommandAsync("PASS u24-pw"));
        Assert.StartsWith("+OK", await raw.LogInAsync("u24", "u24-pw"));
    }

    [Fact]
    public async Task Message_bodies_with_lines_starting_with_a_dot_are_dot_stuffed_on_the_wire()
    {
        await Node.DeliverAsync("u25", ".leading dot\n..two dots\n.");
        await using var raw = await LoggedInAsync("u25");
        await raw.SendAsync("RETR 1\r\n");
        await raw.ReadLineAsync();
        var lines = await raw.ReadMultiLineAsync(); // un-stuffed by the client side
        Assert.Contains(".leading dot", lines);
        Assert.Contains("..two dots", lines);
        Assert.Contains(".", lines);
    }

    [Fact]
    public async Task AUTH_PLAIN_logs_in_over_a_raw_connection_and_STAT_counts_octets_as_sent()
    {
        await Node.DeliverAsync("u26", "size check");
        await using var raw = await RawPop3.ConnectAsync(fixture.ImplicitTls, implicitTls: true);
        await raw.ReadLineAsync();
        Assert.Equal("+ ", await raw.CommandAsync("AUTH PLAIN"));
        Assert.StartsWith("+OK u26 has 1 messages", await raw.CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes("\0u26\0u26-pw"))));
        var size = int.Parse((await raw.CommandAsync("STAT")).Split(' ')[2]);
        await raw.SendAsync("RETR 1\r\n");
        Assert.Equal($"+OK {size} octets", await raw.ReadLineAsync());
        var lines = await raw.ReadMultiLineAsync();
        Assert.Equal(size, lines.Sum(l => Encoding.UTF8.GetByteCount(l) + 2));
        Assert.StartsWith("+OK", await raw.CommandAsync("QUIT"));
        Assert.True(await raw.ClosedByServerAsync());
    }
}
