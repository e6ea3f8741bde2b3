using System.Text;
using MimeKit.Text;

namespace Gateway.Mail.MessageToSms;

/// <summary>
/// Turns an HTML body into plain text for an SMS: block elements and <c>&lt;br&gt;</c> become line
/// breaks, other whitespace collapses as a browser would, entities are decoded, and head, style
/// and script vanish. Text inside <c>&lt;blockquote&gt;</c> comes out prefixed with <c>&gt; </c> per
/// level, so quoted replies look exactly like plain-text quotes and <see cref="ReplyTrimmer"/>
/// treats both the same way. Signature blocks that mail clients mark (Gmail's
/// <c>gmail_signature</c>, Thunderbird's <c>moz-signature</c>, Outlook's <c>id="Signature"</c>) are
/// dropped when asked. Pure; never throws on malformed HTML (the tokenizer is lenient).
/// </summary>
public static partial class HtmlText
{
    private static readonly HashSet<HtmlTagId> Invisible =
    [
        HtmlTagId.Head, HtmlTagId.Style, HtmlTagId.Script, HtmlTagId.Title, HtmlTagId.NoScript,
        HtmlTagId.Xml, HtmlTagId.Object, HtmlTagId.Select, HtmlTagId.Applet, HtmlTagId.NoFrames,
    ];

    private static readonly HashSet<HtmlTagId> Blocks =
    [
        HtmlTagId.P, HtmlTagId.Div, HtmlTagId.LI, HtmlTagId.TR, HtmlTagId.Table, HtmlTagId.UL, HtmlTagId.OL,
        HtmlTagId.DL, HtmlTagId.DT, HtmlTagId.DD, HtmlTagId.H1, HtmlTagId.H2, HtmlTagId.H3, HtmlTagId.H4,
        HtmlTagId.H5, HtmlTagId.H6, HtmlTagId.HR, HtmlTagId.Address, HtmlTagId.Article, HtmlTagId.Section,
        HtmlTagId.Header, HtmlTagId.Footer, HtmlTagId.Form, HtmlTagId.Center, HtmlTagId.FieldSet,
        HtmlTagId.Figure, HtmlTagId.Main, HtmlTagId.Nav, HtmlTagId.Aside, HtmlTagId.Caption,
        HtmlTagId.Details, HtmlTagId.Summary, HtmlTagId.Body, HtmlTagId.Html,
    ];

    private static readonly string[] SignatureClasses = ["gmail_signature", "moz-signature"];

    public static string ToText(string html, bool dropSignatureBlocks)
    {
        var output = new Writer();
        // HTML5: a "<" that cannot start a tag is text. MimeKit's tokenizer would swallow the tag after
        // it as text too ("<<b>" would show "<b>" in the SMS), so such a "<" is escaped first.
        html = LoneLessThan().Replace(html, "&lt;");
        var tokenizer = new HtmlTokenizer(new StringReader(html)) { DecodeCharacterReferences = true, IgnoreTruncatedTags = true };
        string? skipping = null; // name of the element whose content is being skipped
        var skipDepth = 0;

        while (tokenizer.ReadNextToken(out var token))
        {
            if (skipping is not null)
            {
                if (token is HtmlTagToken t && string.Equals(t.Name, skipping, StringComparison.OrdinalIgnoreCase) && !t.IsEmptyElement)
                {
                    skipDepth += t.IsEndTag ? -1 : 1;
                    if (skipDepth == 0) skipping = null;
                }
                continue;
            }

            switch (token)
            {
                case HtmlDataToken data when token.Kind == HtmlTokenKind.Data || token.Kind == HtmlTokenKind.CData:
                    output.Append(data.Data);
                    break;
                case HtmlTagToken tag:
                    if (!tag.IsEndTag && !tag.IsEmptyElement && !IsVoid(tag.Id)
                        && (Invisible.Contains(tag.Id) || (dropSignatureBlocks && IsSignatureBlock(tag))))
                    {
                        output.EndBlock();
                        skipping = tag.Name;
                        skipDepth = 1;
                        continue;
                    }
                    Apply(tag, output);
                    break;
            }
        }
        return output.ToString();
    }

    private static void Apply(HtmlTagToken tag, Writer output)
    {
        switch (tag.Id)
        {
            case HtmlTagId.Br:
                output.LineBreak();
                break;
            case HtmlTagId.BlockQuote:
                output.EndBlock();
                output.QuoteDepth = Math.Max(0, output.QuoteDepth + (tag.IsEndTag ? -1 : 1));
                break;
            case HtmlTagId.Pre or HtmlTagId.PlainText or HtmlTagId.Listing or HtmlTagId.Xmp:
                output.EndBlock();
                output.Preformatted = Math.Max(0, output.Preformatted + (tag.IsEndTag ? -1 : 1));
                break;
            case HtmlTagId.LI when !tag.IsEndTag:
                output.EndBlock();
                output.Append("- ");
                break;
            case HtmlTagId.TD or HtmlTagId.TH when !tag.IsEndTag:
                output.Space();
                break;
            default:
                if (Blocks.Contains(tag.Id)) output.EndBlock();
                break;
        }
    }

    private static bool IsVoid(HtmlTagId id) => id is HtmlTagId.Br or HtmlTagId.HR or HtmlTagId.Image or HtmlTagId.Meta
        or HtmlTagId.Link or HtmlTagId.Input or HtmlTagId.Wbr or HtmlTagId.Col or HtmlTagId.Area or HtmlTagId.Base
        or HtmlTagId.Embed or HtmlTagId.Source or HtmlTagId.Track or HtmlTagId.Param or HtmlTagId.Keygen;

    private static bool IsSignatureBlock(HtmlTagToken tag)
    {
        foreach (var a in tag.Attributes)
        {
            if (a.Value is null) continue;
            if (a.Id == HtmlAttributeId.Class && a.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Any(c => SignatureClasses.Contains(c, StringComparer.OrdinalIgnoreCase)))
                return true;
            if (a.Id == HtmlAttributeId.Id && a.Value.Equals("Signature", StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    /// <summary>Collects lines; collapses whitespace outside preformatted text; prefixes quoted lines.</summary>
    private sealed class Writer
    {
        private readonly StringBuilder _text = new();
        private readonly StringBuilder _line = new();
        private bool _pendingSpace;
        private int _lineDepth = -1;

        public int QuoteDepth { get; set; }

        public int Preformatted { get; set; }

        public void Append(string data)
        {
            foreach (var c in data)
            {
                if (Preformatted > 0)
                {
                    if (c == '\n') LineBreak();
                    else if (c != '\r') Put(c);
                    continue;
                }
                if (c is ' ' or '\t' or '\r' or '\n' or '\f')
                {
                    _pendingSpace = _line.Length > 0;
                    continue;
                }
                if (_pendingSpace) Put(' ');
                _pendingSpace = false;
                Put(c);
            }
        }

        public void Space() => _pendingSpace = _line.Length > 0;

        /// <summary>Ends the current line if it has text (block boundaries do not make empty lines).</summary>
        public void EndBlock()
        {
            if (_line.Length > 0) LineBreak();
        }

        /// <summary>Ends the current line even if it is empty (a <c>&lt;br&gt;</c>).</summary>
        public void LineBreak()
        {
            var depth = _lineDepth < 0 ? QuoteDepth : _lineDepth;
            if (depth > 0) _text.Append('>', depth).Append(' ');
            _text.Append(_line).Append('\n');
            _line.Clear();
            _pendingSpace = false;
            _lineDepth = -1;
        }

        private void Put(char c)
        {
            if (_line.Length == 0) _lineDepth = QuoteDepth;
            _line.Append(c);
        }

        public override string ToString()
        {
            EndBlock();
            return _text.ToString();
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("<(?![A-Za-z/!?])")]
    private static partial System.Text.RegularExpressions.Regex LoneLessThan();
}
