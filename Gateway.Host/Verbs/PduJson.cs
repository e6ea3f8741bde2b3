using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gateway.Sms;

namespace Gateway.Host.Verbs;

/// <summary>
/// The JSON line the <c>pdu decode</c> verb prints for one PDU. Every field is always present, in
/// this order, null where it does not apply, so scripts can rely on the shape:
/// <c>type</c> (deliver | submit | status-report), <c>number</c> (E.164, the digits as sent, or
/// the alphanumeric sender), <c>numberType</c> (international | national | alphanumeric | other),
/// <c>text</c>, <c>coding</c> (gsm7 | ucs2 | 8bit), <c>class</c> (0–3), <c>concat</c>
/// (<c>{ref, total, seq}</c>), <c>timestamp</c> (ISO 8601 with offset), <c>discharge</c> (status
/// report), <c>mr</c>, <c>status</c>, <c>outcome</c> (delivered | pending | failed), <c>smsc</c>,
/// <c>validity</c> (submit, relative, in minutes), <c>statusReportRequested</c> (submit), and
/// <c>error</c> (why the PDU could not be decoded; then every other field is null).
/// </summary>
public static class PduJson
{
    private static readonly JsonWriterOptions Options = new()
    {
        // keep "Čau 👋" readable in a terminal; the output is never embedded in HTML
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Describe(SmsPdu pdu) => Write(pdu, null);

    public static string Error(string error) => Write(null, error);

    private static string Write(SmsPdu? pdu, string? error)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("type", pdu switch
            {
                SmsDeliver => "deliver",
                SmsSubmit => "submit",
                SmsStatusReport => "status-report",
                _ => null,
            });
            var address = pdu switch
            {
                SmsDeliver d => d.Originator,
                SmsSubmit s => s.Destination,
                SmsStatusReport r => r.Recipient,
                _ => null,
            };
            w.WriteString("number", Printable(address?.Value));
            w.WriteString("numberType", address?.Type.ToString().ToLowerInvariant());
            w.WriteString("text", Printable(pdu switch { SmsDeliver d => d.Text, SmsSubmit s => s.Text, _ => null }));
            var coding = pdu switch { SmsDeliver d => d.Coding, SmsSubmit s => s.Coding, _ => (SmsCoding?)null };
            w.WriteString("coding", coding switch
            {
                SmsCoding.Gsm7 => "gsm7",
                SmsCoding.Ucs2 => "ucs2",
                SmsCoding.EightBit => "8bit",
                _ => null,
            });
            var messageClass = pdu switch { SmsDeliver d => d.Class, SmsSubmit s => s.Class, _ => MessageClass.None };
            WriteNumber(w, "class", messageClass == MessageClass.None ? null : messageClass - MessageClass.Class0);
            var concat = pdu switch { SmsDeliver d => d.Concat, SmsSubmit s => s.Concat, _ => null };
            if (concat is null) w.WriteNull("concat");
            else
            {
                w.WriteStartObject("concat");
                w.WriteNumber("ref", concat.Reference);
                w.WriteNumber("total", concat.Total);
                w.WriteNumber("seq", concat.Sequence);
                w.WriteEndObject();
            }
            w.WriteString("timestamp", Iso(pdu switch
            {
                SmsDeliver d => d.Timestamp,
                SmsStatusReport r => r.ServiceCentreTimestamp,
                _ => null,
            }));
            w.WriteString("discharge", Iso((pdu as SmsStatusReport)?.DischargeTime));
            WriteNumber(w, "mr", pdu switch { SmsSubmit s => s.MessageReference, SmsStatusReport r => r.MessageReference, _ => null });
            WriteNumber(w, "status", (pdu as SmsStatusReport)?.Status);
            w.WriteString("outcome", (pdu as SmsStatusReport)?.Outcome.ToString().ToLowerInvariant());
            w.WriteString("smsc", pdu switch { SmsDeliver d => d.ServiceCentre, SmsStatusReport r => r.ServiceCentre, _ => null });
            WriteNumber(w, "validity", (pdu as SmsSubmit)?.ValidityPeriod is { } vp ? (int)vp.TotalMinutes : null);
            if (pdu is SmsSubmit submit) w.WriteBoolean("statusReportRequested", submit.StatusReportRequested);
            else w.WriteNull("statusReportRequested");
            w.WriteString("error", error);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    private static string? Iso(DateTimeOffset? time) =>
        time?.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>
    /// A lone surrogate (half an emoji whose other half is in the next part, from a sender that split
    /// the pair) cannot be written as JSON: it becomes U+FFFD.
    /// </summary>
    private static string? Printable(string? text)
    {
        if (text is null) return null;
        StringBuilder? fixedText = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var paired = char.IsHighSurrogate(c) ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                : char.IsLowSurrogate(c) ? i > 0 && char.IsHighSurrogate(text[i - 1])
                : true;
            if (paired && fixedText is null) continue;
            fixedText ??= new StringBuilder(text, 0, i, text.Length);
            fixedText.Append(paired ? c : '\uFFFD');
        }
        return fixedText?.ToString() ?? text;
    }
}
