using System.Collections.Immutable;
using Akka.Actor;
using Gateway.AutoClip;
using Gateway.Modem.Virtual;
using Gateway.Routing.Incoming;
using Gateway.Tests.Support;
using MailKit.Net.Pop3;
using MailKit.Security;
using MimeKit;
using Xunit;

namespace Gateway.Tests.Routing.Incoming;

/// <summary>
/// A real node for the incoming end-to-end tests: virtual modules with their SIMs in the node's
/// virtual network, the real modem driver, router, AutoCLIP, mailboxes and POP3 server, on SQLite.
/// Helpers send from virtual phones, read mail over POP3 with MailKit, and look at SIMs.
/// </summary>
public static class IncomingNode
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Timings short enough for tests: re-offers, retries and the reassembly wait come from settings.</summary>
    public const string FastTimings = """
        gateway.modem { store-confirm-timeout = 2s, health-interval = 2s }
        gateway.virtual-network { send-latency = 0ms }
        gateway.routing { delivery-retry-min = 200ms, delivery-retry-max = 1s, answer-timeout = 5s }
        """;

    public static async Task<List<MimeMessage>> MessagesAsync(GatewayNode node, string user)
    {
        using var client = new Pop3Client();
        await client.ConnectAsync("127.0.0.1", node.Pop3().Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, user + "-pw");
        var messages = new List<MimeMessage>();
        for (var i = 0; i < client.Count; i++) messages.Add(await client.GetMessageAsync(i));
        await client.DisconnectAsync(true);
        return messages;
    }

    /// <summary>Polls the user's mailbox over POP3 until a message satisfies <paramref name="match"/>; returns it.</summary>
    public static async Task<MimeMessage> AwaitMessageAsync(GatewayNode node, string user, Func<MimeMessage, bool> match)
    {
        var deadline = DateTime.UtcNow + Patience;
        List<MimeMessage> seen = [];
        while (DateTime.UtcNow < deadline)
        {
            seen = await MessagesAsync(node, user);
            if (seen.FirstOrDefault(match) is { } found) return found;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"no matching message reached {user} within {Patience}; the mailbox holds {seen.Count}: " +
                                           string.Join(" | ", seen.Select(m => m.TextBody?.Trim())));
    }

    /// <summary>Polls until the SIM holds nothing.</summary>
    public static async Task AwaitSimEmptyAsync(VirtualModem sim)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline && sim.StoredMessages.Length > 0) await Task.Delay(50);
        Assert.True(sim.StoredMessages.IsEmpty, $"{sim.SimNumber} still holds {sim.StoredMessages.Length} SMS");
    }

    /// <summary>The node's kept records of one kind, newest first.</summary>
    public static async Task<IReadOnlyList<KeptSms>> KeptAsync(GatewayNode node, KeptReason reason) =>
        (await node.Actor<IncomingLedgerKey>().Ask<KeptSmsList>(new ListKeptSms(reason, 1000), Patience)).Records;

    public static async Task<KeptSms> AwaitKeptAsync(GatewayNode node, KeptReason reason, Func<KeptSms, bool> match)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if ((await KeptAsync(node, reason)).FirstOrDefault(match) is { } found) return found;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"no matching {reason} record within {Patience}");
    }

    /// <summary>Plants an AutoCLIP record the way the outgoing router writes it when a user's SMS leaves.</summary>
    public static async Task RecordAutoClipAsync(GatewayNode node, string number, string module, string user, DateTimeOffset sentAt)
    {
        var reply = await node.Actor<AutoClipRegion>().Ask<object>(new RecordAutoClip(number, module, user, sentAt), Patience);
        Assert.Equal(new AutoClipRecorded(number, module), reply);
    }

    public static PhoneSendOptions Parts(params int[] order) => new(PartOrder: [.. order]);

    public static ImmutableArray<int> Order(params int[] parts) => [.. parts];
}
