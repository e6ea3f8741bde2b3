using System.Text;

namespace Gateway.Mail.MessageToSms;

/// <summary>
/// Makes the legacy charsets mail still uses (windows-1250, ISO-8859-2, KOI8-R, …) available to
/// MimeKit. .NET has them only after the code-pages provider is registered; without it MimeKit
/// falls back to another charset and Czech text arrives garbled.
/// </summary>
public static class MimeCharsets
{
    static MimeCharsets() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Call before parsing or decoding mail; registration happens once.</summary>
    public static void Ensure()
    {
    }
}
