using System.Text;
using Gateway.Configuration;
using Gateway.Mailbox;
using Gateway.Sms;
using MimeKit;
using Xunit;

namespace Gateway.Tests.Mailbox;

public class IncomingSmsComposerTests
{
    private static readonly UserSettings Alice = new("alice", "alice@sms.example.net", "", ["operator-a"], NotifyMode.Failures);
    private static readonly DateTimeOffset Stamp = new(2026, 11, 24, 18, 30, 5, TimeSpan.FromHours(1));

    private static IncomingSms Sms(string text = "Hello Alice", SmsAddress? sender = null, int parts = 1) =>
        new(sender ?? new SmsAddress(AddressType.International, "+420777123456"), Stamp, text, "gsm-1", "operator-a", "+420600000001", parts);

    private static string Compose(IncomingSms sms, string subject = "SMS from {number}") =>
        Encoding.UTF8.GetString(IncomingSmsComposer.Compose(sms, Alice, "sms.example.net", subject, "sms.abc@sms.example.net").AsSpan());

    private static MimeMessage Parse(IncomingSms sms, string subject = "SMS from {number}") =>
        MimeMessage.Load(new MemoryStream(IncomingSmsComposer.Compose(sms, Alice, "sms.example.net", subject, "sms.abc@sms.example.net").ToArray()));

    [Fact]
    public void The_sender_is_written_so_that_Reply_goes_to_the_number_at_the_SMS_domain()
    {
        var text = Compose(Sms());
        Assert.Contains("\r\nFrom: \"+420777123456\" <+420777123456@sms.example.net>\r\n", "\r\n" + text);
        Assert.Single(text.Split("\r\n"), line => line.StartsWith("From:", StringComparison.OrdinalIgnoreCase));
        Assert.Single(text.Split("\r\n"), line => line.StartsWith("Date:", StringComparison.OrdinalIgnoreCase));
        Assert.Single(text.Split("\r\n"), line => line.StartsWith("Message-Id:", StringComparison.OrdinalIgnoreCase));
        var parsed = Parse(Sms());
        Assert.Equal("+420777123456@sms.example.net", ((MailboxAddress)parsed.From.Single()).Address);
        Assert.Equal("alice@sms.example.net", ((MailboxAddress)parsed.To.Single()).Address);
    }

    [Fact]
    public void The_date_is_the_SMS_time_stamp_with_its_zone()
    {
        Assert.Equal(Stamp, Parse(Sms()).Date);
        Assert.Contains("Date: Tue, 24 Nov 2026 18:30:05 +0100\r\n", Compose(Sms()));
    }

    [Fact]
    public void The_subject_comes_from_the_template_with_every_placeholder_filled()
    {
        var subject = Parse(Sms(), "{number} to {user} at {date} on {module}/{sim} ({group})").Subject;
        Assert.Equal("+420777123456 to alice at 2026-11-24 18:30 on gsm-1/+420600000001 (operator-a)", subject);
        Assert.Equal("SMS from +420777123456", Parse(Sms()).Subject);
    }

    [Fact]
    public void The_body_is_UTF8_text_and_decodes_back_to_the_SMS_text()
    {
        const string text = "Příliš žluťoučký kůň úpěl ďábelské ódy 😀\nDruhý řádek";
        var parsed = Parse(Sms(text));
        var body = Assert.IsType<TextPart>(parsed.Body);
        Assert.Equal("utf-8", body.ContentType.Charset, ignoreCase: true);
        Assert.True(body.IsPlain);
        Assert.Equal(text, body.Text.ReplaceLineEndings("\n").TrimEnd('\n'));
        Assert.Equal(ContentEncoding.QuotedPrintable, body.ContentTransferEncoding);
    }

    [Fact]
    public void Plain_ASCII_text_is_sent_as_7bit()
    {
        var body = Assert.IsType<TextPart>(Parse(Sms("See you at 5")).Body);
        Assert.Equal(ContentEncoding.SevenBit, body.ContentTransferEncoding);
        Assert.Equal("See you at 5", body.Text.TrimEnd());
    }

    [Fact]
    public void Gateway_headers_name_the_module_group_parts_and_SIM_and_the_message_has_an_id()
    {
        var parsed = Parse(Sms(parts: 3));
        Assert.Equal("gsm-1", parsed.Headers["X-Gateway-Module"]);
        Assert.Equal("operator-a", parsed.Headers["X-Gateway-Group"]);
        Assert.Equal("3", parsed.Headers["X-Gateway-Parts"]);
        Assert.Equal("+420600000001", parsed.Headers["X-Gateway-Sim"]);
        Assert.Equal("international", parsed.Headers["X-Gateway-Sender-Type"]);
        Assert.Equal("sms.abc@sms.example.net", parsed.MessageId);
    }

    [Fact]
    public void Every_line_ends_in_CRLF_and_the_message_ends_with_one()
    {
        var bytes = IncomingSmsComposer.Compose(Sms("a\nb\rc\r\nd"), Alice, "sms.example.net", "SMS", "x@y").ToArray();
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\n') Assert.Equal((byte)'\r', bytes[i - 1]);
            if (bytes[i] == '\r') Assert.Equal((byte)'\n', bytes[i + 1]);
        }
        Assert.Equal("\r\n"u8.ToArray(), bytes[^2..]);
    }

    [Fact]
    public void An_alphanumeric_sender_keeps_its_name_and_gets_a_safe_address()
    {
        var parsed = Parse(Sms(sender: SmsAddress.Alphanumeric("My Bank")));
        var from = (MailboxAddress)parsed.From.Single();
        Assert.Equal("My Bank", from.Name);
        Assert.Equal("My.Bank@sms.example.net", from.Address);
        Assert.Equal("alphanumeric", parsed.Headers["X-Gateway-Sender-Type"]);

        var accented = (MailboxAddress)Parse(Sms(sender: SmsAddress.Alphanumeric("Čes\"ká"))).From.Single();
        Assert.Equal("Čes\"ká", accented.Name);
        Assert.Equal("es.k@sms.example.net", accented.Address);
    }

    [Fact]
    public void The_message_id_is_the_same_for_the_same_delivery_and_differs_between_deliveries()
    {
        var a = IncomingSmsComposer.MessageIdFor("alice", "gsm-1:5:2026", "sms.example.net");
        Assert.Equal(a, IncomingSmsComposer.MessageIdFor("alice", "gsm-1:5:2026", "sms.example.net"));
        Assert.NotEqual(a, IncomingSmsComposer.MessageIdFor("alice", "gsm-1:6:2026", "sms.example.net"));
        Assert.EndsWith("@sms.example.net", a);
    }

    [Theory]
    [InlineData("a\nb", "a\r\nb\r\n")]
    [InlineData("a\rb\r\n", "a\r\nb\r\n")]
    [InlineData("a\r\n\r\nb\n\n", "a\r\n\r\nb\r\n\r\n")]
    [InlineData("", "\r\n")]
    public void Gateway_mail_line_endings_are_normalised_to_CRLF(string raw, string expected) =>
        Assert.Equal(expected, Encoding.ASCII.GetString(MessageBytes.NormalizeLineEndings(Encoding.ASCII.GetBytes(raw)).AsSpan()));

    [Fact]
    public void An_incomplete_SMS_says_so_in_the_subject_a_header_and_the_first_line_of_the_body()
    {
        var message = Parse(Sms("first part, third part", parts: 2) with { MissingParts = [2] });
        Assert.Equal("SMS from +420777123456 (incomplete)", message.Subject);
        Assert.Equal("part 2 of 3 never arrived", message.Headers["X-Gateway-Incomplete"]);
        Assert.Equal("[Incomplete SMS: part 2 of 3 never arrived.]\n\nfirst part, third part", message.TextBody.ReplaceLineEndings("\n").TrimEnd());

        var two = Parse(Sms("only the first", parts: 1) with { MissingParts = [2, 3] });
        Assert.Equal("parts 2, 3 of 3 never arrived", two.Headers["X-Gateway-Incomplete"]);
        Assert.Null(Parse(Sms()).Headers["X-Gateway-Incomplete"]);
    }
}
