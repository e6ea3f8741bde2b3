using System.Net;
using Akka.Actor;
using Akka.Hosting;
using Gateway.Configuration;
using Gateway.Host.Hosting;
using Gateway.Mailbox;
using Gateway.Modem.Virtual;
using Gateway.Sms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Support;

/// <summary>
/// A real gateway node built in the test process with the host's own wiring (Akka.Hosting,
/// cluster of one, SQLite, mailbox sharding, the POP3 server), the way Akka.Hosting.TestKit
/// builds hosts. Listeners bind port 0; <see cref="Pop3"/> says where they ended up.
/// </summary>
public sealed class GatewayNode : IAsyncDisposable
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(20);

    public IHost Host { get; }

    public GatewaySettings Settings { get; }

    private GatewayNode(IHost host, GatewaySettings settings)
    {
        Host = host;
        Settings = settings;
    }

    /// <param name="time">The node's clock (routing rules' hours, job stamps); the system clock if not given.</param>
    /// <param name="logging">More logging set-up (e.g. a <see cref="CapturedLog"/>).</param>
    /// <param name="configureAkka">More Akka set-up (e.g. <c>akka.actor.serialize-messages = on</c>).</param>
    public static async Task<GatewayNode> StartAsync(GatewaySettings settings, TimeProvider? time = null, LogLevel logLevel = LogLevel.Warning,
        Action<ILoggingBuilder>? logging = null, Action<AkkaConfigurationBuilder>? configureAkka = null)
    {
        var host = GatewayHost.Build(settings, builder =>
        {
            builder.SetMinimumLevel(logLevel);
            logging?.Invoke(builder);
        }, configureAkka, time);
        try
        {
            await host.StartAsync();
        }
        catch
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await host.StopAsync(stop.Token);
            host.Dispose();
            throw;
        }
        return new GatewayNode(host, settings);
    }

    /// <summary>The bound address of the POP3 listener at <paramref name="index"/> of <c>mail.pop3.listen</c>.</summary>
    public IPEndPoint Pop3(int index = 0) => Host.Services.GetRequiredService<Pop3Service>().Endpoints[index];

    /// <summary>The bound address of the SMTP listener at <paramref name="index"/> of <c>mail.smtp.listen</c>.</summary>
    public IPEndPoint Smtp(int index = 0) => Host.Services.GetRequiredService<SmtpHosting.SmtpListeners>().Endpoints[index].Bound;

    public IActorRef Router => Host.Services.GetRequiredService<IReadOnlyActorRegistry>().Get<Gateway.Routing.OutgoingRouter>();

    public IActorRef Mailboxes => Host.Services.GetRequiredService<IReadOnlyActorRegistry>().Get<MailboxRegion>();

    public ActorSystem System => Host.Services.GetRequiredService<ActorSystem>();

    /// <summary>The actor registered under <typeparamref name="TKey"/> (AutoClipRegion, IncomingLedgerKey, …).</summary>
    public IActorRef Actor<TKey>() => Host.Services.GetRequiredService<IReadOnlyActorRegistry>().Get<TKey>();

    /// <summary>The node's in-process virtual GSM network (its virtual modules' SIMs, and phones to send from).</summary>
    public VirtualNetwork Network => Host.Services.GetRequiredService<VirtualNetwork>();

    public static IncomingSms Sms(string text, string from = "+420777123456", string module = "gsm-1") =>
        new(new SmsAddress(AddressType.International, from), DateTimeOffset.Now, text, module, "operator-a", "+420600000001", 1);

    /// <summary>Delivers an SMS through the mailbox region, as the SMS router will; returns its uid.</summary>
    public async Task<string> DeliverAsync(string user, string text, string? deliveryId = null, string from = "+420777123456")
    {
        var reply = await Mailboxes.Ask<object>(new DeliverSms(user, deliveryId ?? Guid.NewGuid().ToString("N"), Sms(text, from)), AskTimeout);
        return reply is SmsStored stored ? stored.Uid : throw new InvalidOperationException($"not stored: {reply}");
    }

    public async Task<MailboxStatus> StatusAsync(string user) => await Mailboxes.Ask<MailboxStatus>(new GetMailboxStatus(user), AskTimeout);

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Host.StopAsync(stop.Token);
        Host.Dispose();
    }
}
