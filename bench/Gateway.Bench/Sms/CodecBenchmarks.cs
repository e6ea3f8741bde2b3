using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Gateway.Sms;

namespace Gateway.Bench.Sms;

/// <summary>
/// The PDU codec's hot paths: a full 160-character GSM-7 SMS (encode to a new array, encode into a
/// caller's buffer, plan + encode, decode) and a 3-part UCS2 message (plan + encode of all parts,
/// decode of all parts). Goal: at least 1,000,000 single-part encodes per second on one core.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(OpsPerSecond))]
public class CodecBenchmarks
{
    private sealed class OpsPerSecond : ManualConfig
    {
        public OpsPerSecond() => AddColumn(StatisticColumn.OperationsPerSecond);
    }

    private static readonly SmsAddress Destination = new(AddressType.International, "+420777123456");
    private static readonly SmsEncodingOptions Options = new(AllowUnicode: true, AllowConcatenation: true, MaxParts: 6);

    // 160 characters GSM-7 can write (one SMS, full)
    private const string Gsm7Text =
        "Your parcel 4711 from the warehouse in Brno is out for delivery today between 10:00 and 12:00 (slot B). " +
        "Reply STOP to opt out; questions: +420 777 123 456. Thx!";

    // 3 UCS2 parts: Czech text with an emoji, 170 UTF-16 code units
    private static readonly string Ucs2Text = string.Concat(Enumerable.Repeat("Žluťoučký kůň 🐎 ", 10));

    private SmsSubmit _gsm7Submit = null!;
    private byte[] _gsm7Pdu = null!;
    private byte[][] _ucs2Pdus = null!;
    private readonly byte[] _buffer = new byte[Pdu.MaxLength];

    [GlobalSetup]
    public void Setup()
    {
        if (Gsm7Text.Length != 160 || Gsm7Alphabet.CountSeptets(Gsm7Text) != 160)
            throw new InvalidOperationException($"the GSM-7 sample is {Gsm7Text.Length} characters, {Gsm7Alphabet.CountSeptets(Gsm7Text)} septets");
        if (!TextPlanner.TryPlan(Gsm7Text, Options, out var single, out _) || single!.PartCount != 1)
            throw new InvalidOperationException("the single-part sample must fit one SMS");
        _gsm7Submit = TextPlanner.ToSubmits(single, Destination, 0, true, TimeSpan.FromDays(2))[0];
        _gsm7Pdu = Pdu.Encode(_gsm7Submit);
        TextPlanner.TryPlan(Ucs2Text, Options, out var multi, out _);
        if (multi!.PartCount != 3 || multi.Coding != SmsCoding.Ucs2) throw new InvalidOperationException("the UCS2 sample must take 3 parts");
        _ucs2Pdus = [.. TextPlanner.ToSubmits(multi, Destination, 42, true, TimeSpan.FromDays(2)).Select(s => Pdu.Encode(s))];
    }

    [Benchmark(Description = "GSM-7 160 chars: encode SMS-SUBMIT to byte[]")]
    public byte[] EncodeGsm7SinglePart() => Pdu.Encode(_gsm7Submit);

    [Benchmark(Description = "GSM-7 160 chars: encode SMS-SUBMIT into a buffer")]
    public int EncodeGsm7SinglePartIntoBuffer() => Pdu.Encode(_gsm7Submit, _buffer);

    [Benchmark(Description = "GSM-7 160 chars: plan + encode")]
    public byte[] PlanAndEncodeGsm7SinglePart()
    {
        TextPlanner.TryPlan(_gsm7Submit.Text, Options, out var plan, out _);
        return Pdu.Encode(TextPlanner.ToSubmits(plan!, Destination, 0, true, TimeSpan.FromDays(2))[0]);
    }

    [Benchmark(Description = "GSM-7 160 chars: decode")]
    public SmsPdu DecodeGsm7SinglePart() => Pdu.Decode(_gsm7Pdu);

    [Benchmark(Description = "UCS2 3 parts: plan + encode all parts")]
    public int PlanAndEncodeUcs2ThreeParts()
    {
        TextPlanner.TryPlan(Ucs2Text, Options, out var plan, out _);
        var octets = 0;
        foreach (var submit in TextPlanner.ToSubmits(plan!, Destination, 42, true, TimeSpan.FromDays(2)))
            octets += Pdu.Encode(submit).Length;
        return octets;
    }

    [Benchmark(Description = "UCS2 3 parts: decode all parts")]
    public int DecodeUcs2ThreeParts()
    {
        var units = 0;
        foreach (var pdu in _ucs2Pdus)
            units += ((SmsSubmit)Pdu.Decode(pdu, direction: PduDirection.MobileOriginated)).Text.Length;
        return units;
    }
}
