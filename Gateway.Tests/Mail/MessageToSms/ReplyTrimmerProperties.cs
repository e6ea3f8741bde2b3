using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Gateway.Mail.MessageToSms;

namespace Gateway.Tests.Mail.MessageToSms;

/// <summary>Whatever a mail contains, the conversion never throws and its promises hold.</summary>
public class ReplyTrimmerProperties
{
    private static readonly string[] Pieces =
    [
        "> ", ">", "-- ", "--", "On Mon, Bob wrote:", "From: x", "Sent: y", "-----Original Message-----",
        "____________", "\n", "\r\n", " ", "text", "10:", "@", "<b>", "</b>", "<blockquote>", "</blockquote>", "&nbsp;", "<br>", "<div class=\"gmail_quote\">",
    ];

    private static Arbitrary<string> MailLike() =>
        Gen.ArrayOf(Gen.OneOf(Gen.Elements(Pieces), ArbMap.Default.GeneratorFor<NonNull<string>>().Select(s => s.Get)))
            .Select(parts => string.Concat(parts))
            .ToArbitrary();

    [Property(MaxTest = 2000)]
    public Property Stripped_text_has_no_quoted_lines_and_no_signature_delimiter() =>
        Prop.ForAll(MailLike(), text =>
        {
            var result = ReplyTrimmer.Trim(text, stripQuotes: true, stripSignature: true);
            var ok = result.Split('\n').All(l => !l.TrimStart().StartsWith('>') && l.Trim() != "--")
                     && result == result.Trim();
            return ok.Label($"in: {System.Text.Json.JsonSerializer.Serialize(text)} out: {System.Text.Json.JsonSerializer.Serialize(result)}");
        });

    [Property(MaxTest = 2000)]
    public Property Html_conversion_never_throws_and_yields_no_markup_from_tags() =>
        Prop.ForAll(MailLike(), html =>
        {
            var text = HtmlText.ToText(html, dropSignatureBlocks: true);
            return (!text.Contains("<blockquote>") && !text.Contains("<br>")).Label("in: " + System.Text.Json.JsonSerializer.Serialize(html) + " out: " + System.Text.Json.JsonSerializer.Serialize(text));
        });
}
