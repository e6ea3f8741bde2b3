using Gateway.Configuration;
using Gateway.Sms;

namespace Gateway.Mail.MessageToSms;

/// <summary>
/// How an e-mail is reduced to SMS text (<c>gateway.sms</c>): which parts of the body are dropped
/// and what is put in front of it. Defaults: quotes and signature stripped, nothing inserted.
/// </summary>
public sealed record SmsTextOptions(
    bool StripQuotes = true,
    bool StripSignature = true,
    bool InsertSubject = false,
    bool InsertSender = false)
{
    public static SmsTextOptions From(SmsSettings s) => new(s.StripQuotes, s.StripSignature, s.InsertSubject, s.InsertSender);
}

/// <summary>Everything the conversion of one mail needs from the configuration.</summary>
public sealed record MailConversionOptions(SmsTextOptions Text, SmsEncodingOptions Encoding, OversizeHandling Oversize)
{
    public static MailConversionOptions From(SmsSettings s) =>
        new(SmsTextOptions.From(s), new SmsEncodingOptions(s.AllowUnicode, s.AllowConcatenation, s.MaxParts), s.Oversize);
}
