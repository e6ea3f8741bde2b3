using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Gateway.Sms;
using Xunit;

namespace Gateway.Tests.Sms;

/// <summary>
/// Random texts through plan → encode → decode → reassemble come back unchanged; random and
/// mangled octets never make the decoder throw anything but <see cref="PduFormatException"/>.
/// </summary>
public class PduProperties
{
    private static readonly SmsAddress Destination = new(AddressType.International, "+420777123456");
    private static readonly SmsEncodingOptions Tool = new(AllowUnicode: true, AllowConcatenation: true, MaxParts: 255);

    private const string Gsm7Basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private const string Gsm7Extension = "€[]{}~^|\\\f";

    /// <summary>GSM-7 text, often dense with two-septet characters so escapes land on part boundaries.</summary>
    private static Arbitrary<string> Gsm7Text() =>
        (from length in Gen.Choose(0, 1200) // up to 9 parts; FsCheck's default size would stay under one
         from extensionWeight in Gen.Choose(0, 4)
         from chars in Gen.Frequency(
                 (4, Gen.Elements(Gsm7Basic.ToCharArray())),
                 (extensionWeight, Gen.Elements(Gsm7Extension.ToCharArray())))
             .ArrayOf(length)
         select new string(chars))
        .ToArbitrary();

    /// <summary>Text that needs UCS2: BMP letters GSM-7 lacks, astral-plane emoji (surrogate pairs), GSM-7 and extension characters.</summary>
    private static Arbitrary<string> UnicodeText()
    {
        var bmp = Gen.Elements("řčšžůěŘПривет中文한국어ĳœ—“”…".ToCharArray()).Select(c => c.ToString());
        var astral = Gen.Elements("😀", "👍", "🎉", "𝄞", "🇨🇿", "👩‍👩‍👧");
        var gsm = Gen.Elements((Gsm7Basic + Gsm7Extension).ToCharArray()).Select(c => c.ToString());
        return (from length in Gen.Choose(0, 400)
                from pieces in Gen.Frequency((2, bmp), (2, astral), (3, gsm)).ArrayOf(length)
                select "ř" + string.Concat(pieces)) // at least one character GSM-7 lacks
            .ToArbitrary();
    }

    /// <summary>Plans, encodes every part, decodes every part as the far end would, reassembles.</summary>
    private static (SmsPlan Plan, string Received) SendAndReceive(string text)
    {
        Assert.True(TextPlanner.TryPlan(text, Tool, out var plan, out var error), error?.Message);
        var buffer = ReassemblyBuffer<int>.Create();
        string? received = null;
        var submits = TextPlanner.ToSubmits(plan!, Destination, 0x5A, statusReport: true, validityPeriod: TimeSpan.FromDays(2));
        // deliver the parts last-first, as networks sometimes do
        for (var i = submits.Count - 1; i >= 0; i--)
        {
            var pdu = Pdu.Encode(submits[i]);
            Assert.True(Pdu.TpduLength(pdu) <= 164, $"TPDU of {Pdu.TpduLength(pdu)} octets");
            var decoded = Assert.IsType<SmsSubmit>(Pdu.Decode(pdu, direction: PduDirection.MobileOriginated));
            Assert.Equal(submits[i].Text, decoded.Text);
            Assert.Equal(submits[i].Concat, decoded.Concat);
            // the far end receives it as an SMS-DELIVER
            var deliver = new SmsDeliver(Destination, DateTimeOffset.UnixEpoch.AddYears(30), decoded.Coding, MessageClass.None, decoded.Text, [], decoded.Concat);
            var step = buffer.Add(Assert.IsType<SmsDeliver>(Pdu.Decode(Pdu.Encode(deliver))), i, DateTimeOffset.UnixEpoch);
            buffer = step.Buffer;
            received ??= step.Completed?.Text;
        }
        return (plan!, received!);
    }

    [Property(MaxTest = 300)]
    public Property GSM7_text_comes_back_unchanged_through_plan_encode_decode_and_reassembly() =>
        Prop.ForAll(Gsm7Text(), text =>
        {
            var (plan, received) = SendAndReceive(text);
            Assert.Equal(SmsCoding.Gsm7, plan.Coding);
            Assert.Equal(text, received);
            var limit = plan.PartCount == 1 ? Gsm7Alphabet.SinglePartSeptets : Gsm7Alphabet.ConcatenatedPartSeptets;
            Assert.All(plan.Parts, p => Assert.InRange(Gsm7Alphabet.CountSeptets(p), 0, limit));
            // parts are as full as they can be: only an escape sequence that did not fit leaves room
            for (var i = 0; i < plan.PartCount - 1; i++)
                Assert.InRange(Gsm7Alphabet.CountSeptets(plan.Parts[i]), limit - 1, limit);
        });

    [Property(MaxTest = 300)]
    public Property UCS2_text_with_emoji_comes_back_unchanged_and_no_part_splits_a_surrogate_pair() =>
        Prop.ForAll(UnicodeText(), text =>
        {
            var (plan, received) = SendAndReceive(text);
            Assert.Equal(SmsCoding.Ucs2, plan.Coding);
            Assert.Equal(text, received);
            var limit = plan.PartCount == 1 ? Ucs2.SinglePartUnits : Ucs2.ConcatenatedPartUnits;
            Assert.All(plan.Parts, p =>
            {
                Assert.InRange(p.Length, 0, limit);
                if (p.Length > 0)
                {
                    Assert.False(char.IsLowSurrogate(p[0]), "a part starts with the second half of a pair");
                    Assert.False(char.IsHighSurrogate(p[^1]), "a part ends with the first half of a pair");
                }
            });
        });

    [Property(MaxTest = 200)]
    public Property Without_unicode_any_text_becomes_GSM7_that_comes_back_as_planned() =>
        Prop.ForAll(UnicodeText(), text =>
        {
            Assert.True(TextPlanner.TryPlan(text, Tool with { AllowUnicode = false }, out var plan, out _));
            Assert.Equal(SmsCoding.Gsm7, plan!.Coding);
            Assert.NotEmpty(plan.Replaced);
            var (_, received) = SendAndReceive(string.Concat(plan.Parts));
            Assert.Equal(string.Concat(plan.Parts), received);
        });

    [Property(MaxTest = 300)]
    public Property Septets_pack_and_unpack_after_any_number_of_fill_bits() =>
        Prop.ForAll(Gen.Choose(0, 127).Select(i => (byte)i).ArrayOf().ToArbitrary(), Gen.Choose(0, 6).ToArbitrary(), (septets, fill) =>
        {
            var octets = new byte[SeptetPacking.PackedLength(septets.Length, fill)];
            Assert.Equal(octets.Length, SeptetPacking.Pack(septets, octets, fill));
            var back = new byte[septets.Length];
            SeptetPacking.Unpack(octets, fill, back);
            Assert.Equal(septets, back);
        });

    [Property(MaxTest = 300)]
    public Property A_deliver_with_any_originator_time_and_coding_comes_back_field_for_field() =>
        Prop.ForAll(DeliverArbitrary(), deliver =>
        {
            var back = Assert.IsType<SmsDeliver>(Pdu.Decode(Pdu.Encode(deliver), direction: PduDirection.MobileTerminated));
            Assert.Equal(deliver.Originator, back.Originator);
            Assert.Equal(deliver.Timestamp, back.Timestamp);
            Assert.Equal(deliver.Timestamp.Offset, back.Timestamp.Offset);
            Assert.Equal(deliver.Coding, back.Coding);
            Assert.Equal(deliver.Class, back.Class);
            Assert.Equal(deliver.Concat, back.Concat);
            Assert.Equal(deliver.ServiceCentre, back.ServiceCentre);
            Assert.Equal(deliver.ProtocolIdentifier, back.ProtocolIdentifier);
            Assert.Equal(deliver.StatusReportIndication, back.StatusReportIndication);
            if (deliver.Coding == SmsCoding.EightBit) Assert.Equal(deliver.Data.ToArray(), back.Data.ToArray());
            else Assert.Equal(deliver.Text, back.Text);
        });

    [Property(MaxTest = 300)]
    public Property A_status_report_comes_back_field_for_field() =>
        Prop.ForAll(AddressGen().ToArbitrary(), TimeGen().ToArbitrary(), Gen.Choose(0, 255).ToArbitrary(), (recipient, time, value) =>
        {
            var report = new SmsStatusReport(value, recipient, time, time.AddSeconds(value), 255 - value);
            var back = Assert.IsType<SmsStatusReport>(Pdu.Decode(Pdu.Encode(report), direction: PduDirection.MobileTerminated));
            Assert.Equal(report with { }, back with { ServiceCentre = null });
        });

    [Property(MaxTest = 2000)]
    public Property Random_octets_never_make_the_decoder_throw_anything_but_PduFormatException() =>
        Prop.ForAll(Gen.Choose(0, 255).Select(i => (byte)i).ArrayOf().ToArbitrary(), Gen.Elements(true, false).ToArbitrary(), (octets, smsc) =>
        {
            foreach (var direction in new[] { PduDirection.Any, PduDirection.MobileTerminated, PduDirection.MobileOriginated })
                DecodesOrRefusesCleanly(octets, smsc, direction);
        });

    [Property(MaxTest = 2000)]
    public Property Mangled_real_PDUs_never_make_the_decoder_throw_anything_but_PduFormatException() =>
        Prop.ForAll(
            (from deliver in DeliverArbitrary().Generator
             from position in Gen.Choose(0, 175)
             from value in Gen.Choose(0, 255)
             from how in Gen.Choose(0, 3)
             select (deliver, position, value, how)).ToArbitrary(),
            c =>
            {
                var pdu = Pdu.Encode(c.deliver);
                var at = c.position % pdu.Length;
                byte[] mangled = c.how switch
                {
                    0 => pdu[..at],                                         // cut short
                    1 => [.. pdu[..at], (byte)c.value, .. pdu[(at + 1)..]], // one octet changed
                    2 => [.. pdu[..at], (byte)c.value, .. pdu[at..]],       // one octet inserted
                    _ => [.. pdu[..at], .. pdu[(at + 1)..]],                // one octet removed
                };
                DecodesOrRefusesCleanly(mangled, true, PduDirection.Any);
            });

    private static void DecodesOrRefusesCleanly(byte[] octets, bool smsc, PduDirection direction)
    {
        try
        {
            Pdu.Decode(octets, smsc, direction);
        }
        catch (PduFormatException e)
        {
            // the catch-all inside Decode would hide a defect of ours as a format error: it must not fire
            Assert.DoesNotContain("could not be decoded", e.Message);
        }
    }

    private static Gen<SmsAddress> AddressGen() =>
        Gen.OneOf(
            Gen.Choose(1, 9).ArrayOf().Where(d => d.Length is >= 1 and <= 19)
                .Select(d => new SmsAddress(AddressType.International, "+" + string.Concat(d))),
            Gen.Elements("0123456789*#abc".ToCharArray()).ArrayOf().Where(d => d.Length <= 20)
                .Select(d => new SmsAddress(AddressType.Other, new string(d))),
            Gen.Elements("0123456789".ToCharArray()).ArrayOf().Where(d => d.Length <= 20)
                .Select(d => new SmsAddress(AddressType.National, new string(d))),
            Gen.Elements("AZaz09 -.@€[".ToCharArray()).ArrayOf()
                .Where(c => Gsm7Alphabet.CountSeptets(new string(c)) <= PduAddress.MaxAlphanumericSeptets)
                .Where(c => c.Length == 0 || c[^1] != '@') // a trailing @ (septet 0) cannot be told from padding
                .Select(c => new SmsAddress(AddressType.Alphanumeric, new string(c))));

    private static Gen<DateTimeOffset> TimeGen() =>
        from ticks in Gen.Choose(0, int.MaxValue)
        from quarters in Gen.Choose(-56, 56)
        select new DateTimeOffset(new DateTime(1990, 1, 1).AddSeconds(ticks), TimeSpan.FromMinutes(quarters * 15)); // whole seconds, 1990–2058

    private static Arbitrary<SmsDeliver> DeliverArbitrary()
    {
        var concat = Gen.OneOf(
            Gen.Constant<ConcatInfo?>(null),
            from total in Gen.Choose(1, 255)
            from seq in Gen.Choose(1, total)
            from sixteen in Gen.Elements(true, false)
            from reference in Gen.Choose(0, sixteen ? 0xFFFF : 0xFF)
            select (ConcatInfo?)new ConcatInfo(reference, total, seq, sixteen));
        var text = Gen.Elements((Gsm7Basic + Gsm7Extension + "řž😀").ToCharArray()).ArrayOf();
        return (from originator in AddressGen()
                from time in TimeGen()
                from coding in Gen.Elements(SmsCoding.Gsm7, SmsCoding.Ucs2, SmsCoding.EightBit)
                from messageClass in Gen.Elements(Enum.GetValues<MessageClass>())
                from header in concat
                from chars in text
                from data in Gen.Choose(0, 255).Select(i => (byte)i).ArrayOf()
                from pid in Gen.Choose(0, 255)
                from sri in Gen.Elements(true, false)
                from smsc in Gen.Elements<string?>(null, "+420603052000", "123")
                let room = header is null ? 0 : UserDataHeader.LengthFor(header)
                let body = coding switch
                {
                    SmsCoding.Gsm7 => FitGsm7(new string(chars.Where(c => Gsm7Alphabet.SeptetCount(c) > 0).ToArray()), header is null ? 160 : 160 - SeptetPacking.HeaderSeptets(room)),
                    SmsCoding.Ucs2 => FitUcs2(new string(chars), (140 - room) / 2),
                    _ => "",
                }
                let bytes = coding == SmsCoding.EightBit ? data.Take(140 - room).ToArray() : []
                select new SmsDeliver(originator, time, coding, messageClass, coding == SmsCoding.EightBit ? Convert.ToHexString(bytes) : body,
                    [.. bytes], header, smsc, sri, pid))
            .ToArbitrary();
    }

    private static string FitGsm7(string text, int septets)
    {
        var used = 0;
        var n = 0;
        while (n < text.Length && used + Gsm7Alphabet.SeptetCount(text[n]) <= septets) used += Gsm7Alphabet.SeptetCount(text[n++]);
        return text[..n];
    }

    private static string FitUcs2(string text, int units)
    {
        if (text.Length <= units) return text;
        return char.IsHighSurrogate(text[units - 1]) ? text[..(units - 1)] : text[..units];
    }
}
