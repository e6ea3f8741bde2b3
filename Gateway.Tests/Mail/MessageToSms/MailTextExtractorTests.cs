using System.Text;
using Gateway.Mail.MessageToSms;
using MimeKit;
using Xunit;

namespace Gateway.Tests.Mail.MessageToSms;

/// <summary>Mail as real clients write it (raw MIME, encodings and quote styles included) → SMS text.</summary>
public class MailTextExtractorTests
{
    private const string Sender = "alice@sms.example.net";

    private static MailText Extract(string rawMime, SmsTextOptions? options = null)
    {
        var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(rawMime.ReplaceLineEndings("\r\n"))));
        return MailTextExtractor.Extract(message, Sender, options ?? new SmsTextOptions());
    }

    private static string Headers(string contentType, string? encoding = null, string subject = "Test") =>
        "From: Alice <alice@sms.example.net>\n"
        + "To: +420777123456@sms.example.net\n"
        + $"Subject: {subject}\n"
        + "Message-ID: <test-1@client.example>\n"
        + "MIME-Version: 1.0\n"
        + $"Content-Type: {contentType}\n"
        + (encoding is null ? "" : $"Content-Transfer-Encoding: {encoding}\n")
        + "\n";

    [Fact]
    public void The_plain_text_part_of_a_multipart_alternative_is_preferred_to_the_html()
    {
        var text = Extract(Headers("multipart/alternative; boundary=\"b1\"") + """
            --b1
            Content-Type: text/plain; charset=utf-8

            Plain words
            --b1
            Content-Type: text/html; charset=utf-8

            <p>HTML <b>words</b></p>
            --b1--
            """);
        Assert.Equal("Plain words", text.Text);
        Assert.Empty(text.Notes);
        Assert.Equal("test-1@client.example", text.MessageId);
    }

    [Fact]
    public void An_html_only_mail_becomes_text_without_markup_styles_or_entities()
    {
        var text = Extract(Headers("text/html; charset=utf-8") + """
            <html><head><title>x</title><style>p { color: red }</style></head>
            <body><p>Meeting&nbsp;at   <b>10</b>
            today</p><div>Bring&amp;share</div><ul><li>coffee</li><li>cake</li></ul>
            <script>alert(1)</script></body></html>
            """);
        Assert.Equal("Meeting at 10 today\nBring&share\n- coffee\n- cake", text.Text);
        Assert.Contains("text taken from the HTML part", text.Notes);
    }

    [Fact]
    public void Quoted_printable_utf8_is_decoded()
    {
        var text = Extract(Headers("text/plain; charset=utf-8", "quoted-printable") + "P=C5=99ij=C4=8F z=C3=ADtra v 10:00, pros=C3=ADm.\n");
        Assert.Equal("Přijď zítra v 10:00, prosím.", text.Text);
    }

    [Fact]
    public void Base64_utf8_is_decoded()
    {
        var text = Extract(Headers("text/plain; charset=utf-8", "base64") + "WnByw6F2YSB2IGJhc2U2NDogxI1hdSEK\n");
        Assert.Equal("Zpráva v base64: čau!", text.Text);
    }

    [Fact]
    public void Iso_8859_2_body_and_subject_are_decoded()
    {
        var text = Extract(Headers("text/plain; charset=iso-8859-2", "quoted-printable", "=?iso-8859-2?q?Sch=F9zka_z=EDtra?=")
                           + "P=F8=EDli=B9 =BElu=BBou=E8k=FD k=F9=F2 =FAp=ECl =EF=E1belsk=E9 =F3dy\n");
        Assert.Equal("Příliš žluťoučký kůň úpěl ďábelské ódy", text.Text);
        Assert.Equal("Schůzka zítra", text.Subject);
    }

    [Fact]
    public void Windows_1250_is_decoded()
    {
        var text = Extract(Headers("text/plain; charset=windows-1250", "base64") + "UPjtbGmaIJ5sdZ1vdehr/SBr+fIg+nDsbCDv4WJlbHNr6SDzZHk=\n");
        Assert.Equal("Příliš žluťoučký kůň úpěl ďábelské ódy", text.Text);
    }

    [Fact]
    public void A_thunderbird_reply_loses_the_quote_its_attribution_and_the_signature_and_flowed_lines_are_joined()
    {
        var text = Extract(Headers("text/plain; charset=UTF-8; format=flowed", "7bit") + """
            Yes, 10 is fine. This sentence was long enough that Thunderbird 
            wrapped it.

            On 11/25/26 9:14 AM, Bob Example wrote:
            > Can we meet at 10?
            >
            > Bob
            -- 
            Alice Example
            ACME s.r.o.
            """);
        Assert.Equal("Yes, 10 is fine. This sentence was long enough that Thunderbird wrapped it.", text.Text);
    }

    [Fact]
    public void A_gmail_plain_reply_loses_its_attribution_even_when_gmail_wrapped_it_over_two_lines()
    {
        var text = Extract(Headers("text/plain; charset=UTF-8") + """
            Sounds good!

            On Tue, Nov 25, 2026 at 9:14 AM Bob Example <
            bob@example.com> wrote:

            > Can we meet at 10?
            >
            """);
        Assert.Equal("Sounds good!", text.Text);
    }

    [Fact]
    public void A_gmail_html_reply_loses_the_gmail_quote_block_and_the_gmail_signature()
    {
        var text = Extract(Headers("text/html; charset=UTF-8") + """
            <div dir="ltr">Sounds good!<br clear="all"><div><br></div><span class="gmail_signature_prefix">-- </span><br>
            <div dir="ltr" class="gmail_signature"><div dir="ltr">Alice Example<div>+420 777 000 111</div></div></div></div>
            <br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Tue, Nov 25, 2026 at 9:14 AM Bob Example &lt;<a href="mailto:bob@example.com">bob@example.com</a>&gt; wrote:<br></div>
            <blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">
            <div dir="ltr">Can we meet at 10?</div></blockquote></div>
            """);
        Assert.Equal("Sounds good!", text.Text);
    }

    [Fact]
    public void An_outlook_plain_reply_is_cut_at_original_message()
    {
        var text = Extract(Headers("text/plain; charset=utf-8") + """
            OK, see you there.

            Alice

            -----Original Message-----
            From: Bob Example <bob@example.com> 
            Sent: Tuesday, November 25, 2026 9:14 AM
            To: Alice <alice@sms.example.net>
            Subject: Meeting

            Can we meet at 10?
            """);
        Assert.Equal("OK, see you there.\n\nAlice", text.Text);
    }

    [Fact]
    public void An_outlook_web_reply_is_cut_at_the_underscore_line_before_its_header()
    {
        var text = Extract(Headers("text/plain; charset=utf-8") + """
            OK

            ________________________________
            From: Bob Example <bob@example.com>
            Sent: Tuesday, November 25, 2026 9:14 AM
            To: Alice
            Subject: Meeting

            Can we meet at 10?
            """);
        Assert.Equal("OK", text.Text);
    }

    [Fact]
    public void An_outlook_html_reply_is_cut_at_its_from_sent_header_block()
    {
        var text = Extract(Headers("text/html; charset=utf-8") + """
            <html><body><div>OK, 10 it is.</div>
            <hr style="display:inline-block;width:98%" tabindex="-1">
            <div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt"><b>From:</b> Bob Example &lt;bob@example.com&gt;<br>
            <b>Sent:</b> Tuesday, November 25, 2026 9:14 AM<br><b>To:</b> Alice<br><b>Subject:</b> Meeting</font><div>&nbsp;</div></div>
            <div>Can we meet at 10?</div></body></html>
            """);
        Assert.Equal("OK, 10 it is.", text.Text);
    }

    [Fact]
    public void A_czech_outlook_reply_is_cut_at_its_localized_header_block()
    {
        var text = Extract(Headers("text/plain; charset=utf-8") + """
            Ano, platí.

            Od: Bob Example <bob@example.com>
            Odesláno: úterý 25. listopadu 2026 9:14
            Komu: Alice
            Předmět: Schůzka

            Můžeme v 10?
            """);
        Assert.Equal("Ano, platí.", text.Text);
    }

    [Fact]
    public void Text_with_colons_that_is_not_a_reply_stays_whole()
    {
        var text = Extract(Headers("text/plain; charset=utf-8") + """
            Shopping list for 10:
            - milk
            - 2 eggs
            """);
        Assert.Equal("Shopping list for 10:\n- milk\n- 2 eggs", text.Text);
    }

    [Fact]
    public void With_stripping_off_quotes_and_signature_are_kept()
    {
        var text = Extract(Headers("text/plain; charset=utf-8") + """
            Yes.

            On 11/25/26 9:14 AM, Bob wrote:
            > At 10?
            -- 
            Alice
            """, new SmsTextOptions(StripQuotes: false, StripSignature: false));
        Assert.Equal("Yes.\n\nOn 11/25/26 9:14 AM, Bob wrote:\n> At 10?\n--\nAlice", text.Text);
    }

    [Fact]
    public void Attachments_and_inline_images_are_ignored_and_named_in_the_notes()
    {
        var text = Extract(Headers("multipart/mixed; boundary=\"m1\"") + """
            --m1
            Content-Type: multipart/related; boundary="r1"

            --r1
            Content-Type: text/plain; charset=utf-8

            See the report.
            --r1
            Content-Type: image/png
            Content-Disposition: inline; filename="logo.png"
            Content-Transfer-Encoding: base64

            iVBORw0KGgo=
            --r1--
            --m1
            Content-Type: application/pdf; name="report.pdf"
            Content-Disposition: attachment; filename="report.pdf"
            Content-Transfer-Encoding: base64

            JVBERi0xLjQK
            --m1--
            """);
        Assert.Equal("See the report.", text.Text);
        Assert.Equal(["part ignored: logo.png (image/png)", "attachment ignored: report.pdf (application/pdf)"], text.Notes.AsEnumerable());
    }

    [Fact]
    public void Subject_and_sender_are_put_in_front_when_configured()
    {
        var text = Extract(Headers("text/plain; charset=utf-8", subject: "Lunch") + "At noon?\n",
            new SmsTextOptions(InsertSubject: true, InsertSender: true));
        Assert.Equal("alice@sms.example.net\nLunch\nAt noon?", text.Text);
    }

    [Fact]
    public void A_mail_with_an_empty_body_sends_its_subject()
    {
        var text = Extract(Headers("text/plain; charset=utf-8", subject: "Call me back") + "\n-- \nAlice\n");
        Assert.Equal("Call me back", text.Text);
        Assert.Contains("text taken from the subject (the body was empty)", text.Notes);
    }

    [Fact]
    public void No_break_spaces_zero_width_characters_and_tabs_do_not_reach_the_sms()
    {
        var text = Extract(Headers("text/plain; charset=utf-8") + "a\u00A0b\u200Bc\td\u00AD\n");
        Assert.Equal("a bc d", text.Text);
    }

    [Fact]
    public void A_less_than_sign_that_starts_no_tag_is_text_and_the_tag_after_it_is_still_markup()
    {
        var text = Extract(Headers("text/html; charset=utf-8") + "<p>2 <<b>3</b> and a < b</p>");
        Assert.Equal("2 <3 and a < b", text.Text);
    }
}
