using System.Text.Json;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Host;

/// <summary>The <c>pdu</c> verb run as the real host executable, the way an operator or a script runs it.</summary>
public class PduVerbTests
{
    // Hand-worked in Gateway.Tests/Sms/PduVectorTests.cs
    private const string Deliver = "0791246030500200040C912470772143650000423051315403400441F45B0D";
    private const string StatusReport = "0791246030500200062A0C91247077214365423051315403404230513154534000";
    private const string AlphanumericDeliver = "000407D0D4F29C0E00004210203040500002C834";

    private static readonly string[] Fields =
        ["type", "number", "numberType", "text", "coding", "class", "concat", "timestamp", "discharge", "mr", "status", "outcome", "smsc", "validity", "statusReportRequested", "error"];

    private static List<JsonElement> JsonLines(string stdout)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var objects = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        // every field is always there, so scripts can rely on the shape
        foreach (var o in objects)
            Assert.Equal(Fields, o.EnumerateObject().Select(p => p.Name));
        return objects;
    }

    private static string? Str(JsonElement o, string name) => o.GetProperty(name).ValueKind == JsonValueKind.Null ? null : o.GetProperty(name).GetString();

    [Fact]
    public async Task Decoding_a_deliver_prints_its_sender_text_coding_and_time_as_one_JSON_line()
    {
        var (code, stdout, stderr) = await HostProcess.RunAsync(["pdu", "decode", Deliver]);
        Assert.True(code == 0, stderr);
        var o = Assert.Single(JsonLines(stdout));
        Assert.Equal("deliver", Str(o, "type"));
        Assert.Equal("+420777123456", Str(o, "number"));
        Assert.Equal("Ahoj", Str(o, "text"));
        Assert.Equal("gsm7", Str(o, "coding"));
        Assert.Equal(JsonValueKind.Null, o.GetProperty("concat").ValueKind);
        Assert.Equal("2024-03-15T13:45:30+01:00", Str(o, "timestamp"));
        Assert.Equal(JsonValueKind.Null, o.GetProperty("mr").ValueKind);
        Assert.Equal(JsonValueKind.Null, o.GetProperty("status").ValueKind);
        Assert.Equal("+420603052000", Str(o, "smsc"));
        Assert.Null(Str(o, "error"));
    }

    [Fact]
    public async Task Decoding_a_status_report_prints_its_reference_recipient_and_status()
    {
        var (code, stdout, _) = await HostProcess.RunAsync(["pdu", "decode", StatusReport]);
        Assert.Equal(0, code);
        var o = Assert.Single(JsonLines(stdout));
        Assert.Equal("status-report", Str(o, "type"));
        Assert.Equal(42, o.GetProperty("mr").GetInt32());
        Assert.Equal(0, o.GetProperty("status").GetInt32());
        Assert.Equal("delivered", Str(o, "outcome"));
        Assert.Equal("+420777123456", Str(o, "number"));
        Assert.Equal("2024-03-15T13:45:30+01:00", Str(o, "timestamp"));
        Assert.Equal("2024-03-15T13:45:35+01:00", Str(o, "discharge"));
        Assert.Null(Str(o, "text"));
    }

    [Fact]
    public async Task Decoding_an_alphanumeric_sender_prints_its_name()
    {
        var (code, stdout, _) = await HostProcess.RunAsync(["pdu", "decode", AlphanumericDeliver]);
        Assert.Equal(0, code);
        var o = Assert.Single(JsonLines(stdout));
        Assert.Equal("Test", Str(o, "number"));
        Assert.Equal("alphanumeric", Str(o, "numberType"));
        Assert.Equal("Hi", Str(o, "text"));
    }

    [Fact]
    public async Task An_undecodable_PDU_gives_a_JSON_error_and_exit_code_1_while_the_others_are_still_printed()
    {
        var (code, stdout, _) = await HostProcess.RunAsync(["pdu", "decode", Deliver, "0791246030500200040C9124707721", "not-hex", StatusReport]);
        Assert.Equal(1, code);
        var lines = JsonLines(stdout);
        Assert.Equal(4, lines.Count);
        Assert.Equal("deliver", Str(lines[0], "type"));
        Assert.Null(Str(lines[1], "type"));
        Assert.Contains("TP-OA (originator)", Str(lines[1], "error"));
        Assert.Contains("not a hex digit", Str(lines[2], "error"));
        Assert.Equal("status-report", Str(lines[3], "type"));
    }

    [Fact]
    public async Task A_PDU_without_the_SMSC_prefix_decodes_with_no_smsc_and_the_error_without_it_says_so()
    {
        var bare = Deliver[16..];
        var (code, stdout, _) = await HostProcess.RunAsync(["pdu", "decode", bare]);
        Assert.Equal(1, code);
        Assert.Contains("try --no-smsc", Str(Assert.Single(JsonLines(stdout)), "error"));

        (code, stdout, _) = await HostProcess.RunAsync(["pdu", "decode", "--no-smsc", bare]);
        Assert.Equal(0, code);
        Assert.Equal("Ahoj", Str(Assert.Single(JsonLines(stdout)), "text"));
    }

    [Fact]
    public async Task Half_a_surrogate_pair_in_a_part_is_printed_as_a_replacement_character_not_a_crash()
    {
        // UCS2 part 1 of 2 ending in D83D, the first half of 👋 (another sender split the pair):
        // 44 deliver with UDHI; DCS 08; TP-UDL 0A = 6 header + 4 text; 0048 "H", D83D half a pair
        var (code, stdout, _) = await HostProcess.RunAsync(["pdu", "decode", "00440B915155109099F90008421020304050000A050003CC02010048D83D"]);
        Assert.Equal(0, code);
        var o = Assert.Single(JsonLines(stdout));
        Assert.Equal("H\uFFFD", Str(o, "text"));
        Assert.Equal(2, o.GetProperty("concat").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task PDUs_can_come_on_standard_input_one_per_line()
    {
        var (code, stdout, _) = await HostProcess.RunAsync(["pdu", "decode", "-"], stdin: $"{Deliver}\n\n{StatusReport}\n");
        Assert.Equal(0, code);
        Assert.Equal(["deliver", "status-report"], JsonLines(stdout).Select(o => Str(o, "type")));
    }

    [Fact]
    public async Task A_three_part_UCS2_message_is_encoded_and_its_output_decodes_back_to_the_text()
    {
        var text = string.Concat(Enumerable.Repeat("Žluťoučký kůň 🐎 ", 10)); // 170 UTF-16 units: 3 parts of at most 67
        var (code, stdout, stderr) = await HostProcess.RunAsync(["pdu", "encode", "--to", "+420 777 123 456", "--unicode", "--status-report", "--ref", "200", text]);
        Assert.True(code == 0, stderr);
        var pdus = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(3, pdus.Length);
        Assert.All(pdus, p => Assert.StartsWith("00", p)); // the SMSC prefix AT+CMGS takes: the SIM's own
        Assert.Contains("3 part(s), UCS2", stderr);

        (code, stdout, stderr) = await HostProcess.RunAsync(["pdu", "decode", .. pdus]);
        Assert.True(code == 0, stderr);
        var parts = JsonLines(stdout);
        Assert.All(parts, o =>
        {
            Assert.Equal("submit", Str(o, "type"));
            Assert.Equal("+420777123456", Str(o, "number"));
            Assert.Equal("ucs2", Str(o, "coding"));
            Assert.Equal(200, o.GetProperty("concat").GetProperty("ref").GetInt32());
            Assert.Equal(3, o.GetProperty("concat").GetProperty("total").GetInt32());
            Assert.True(o.GetProperty("statusReportRequested").GetBoolean());
            Assert.Equal(0, o.GetProperty("mr").GetInt32());
        });
        Assert.Equal([1, 2, 3], parts.Select(o => o.GetProperty("concat").GetProperty("seq").GetInt32()));
        Assert.Equal(text, string.Concat(parts.Select(o => Str(o, "text"))));
    }

    [Fact]
    public async Task Without_unicode_the_text_is_transliterated_and_the_replaced_characters_are_named()
    {
        var (code, stdout, stderr) = await HostProcess.RunAsync(["pdu", "encode", "--to", "+420777123456", "--validity", "12h", "Příliš “žluťoučký” kůň"]);
        Assert.True(code == 0, stderr);
        Assert.Contains("replaced", stderr);
        Assert.Contains("ř", stderr);
        (code, stdout, _) = await HostProcess.RunAsync(["pdu", "decode", stdout.Trim()]);
        Assert.Equal(0, code);
        var o = Assert.Single(JsonLines(stdout));
        Assert.Equal("Prilis \"zlutoucky\" kun", Str(o, "text"));
        Assert.Equal("gsm7", Str(o, "coding"));
        Assert.Equal(12 * 60, o.GetProperty("validity").GetInt32());
    }

    [Fact]
    public async Task A_national_number_takes_the_country_code_of_the_given_configuration()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("gw-pdu-").FullName, "uk.conf");
        await File.WriteAllTextAsync(file, "gateway { mail.default-country-code = \"44\" }");
        var (code, stdout, stderr) = await HostProcess.RunAsync(["pdu", "encode", "--config", file, "--to", "07946 095800", "hi"]);
        Assert.True(code == 0, stderr);
        (_, stdout, _) = await HostProcess.RunAsync(["pdu", "decode", stdout.Trim()]);
        Assert.Equal("+447946095800", Str(Assert.Single(JsonLines(stdout)), "number"));
    }

    [Fact]
    public async Task A_bad_number_is_refused_with_exit_code_1()
    {
        var (code, stdout, stderr) = await HostProcess.RunAsync(["pdu", "encode", "--to", "+420abc", "hi"]);
        Assert.Equal(1, code);
        Assert.Empty(stdout.Trim());
        Assert.Contains("--to", stderr);
        Assert.Contains("'a'", stderr);
    }

    [Theory]
    [InlineData(new[] { "pdu" }, "say decode or encode")]
    [InlineData(new[] { "pdu", "transcode", "00" }, "unknown pdu command")]
    [InlineData(new[] { "pdu", "decode" }, "give one or more PDUs")]
    [InlineData(new[] { "pdu", "encode", "hi" }, "--to NUMBER is required")]
    [InlineData(new[] { "pdu", "encode", "--to", "+420777123456" }, "give the text")]
    [InlineData(new[] { "pdu", "encode", "--to", "+420777123456", "--ref", "256", "hi" }, "--ref must be 0–255")]
    [InlineData(new[] { "pdu", "encode", "--to", "+420777123456", "--validity", "soon", "hi" }, "--validity must be a duration")]
    [InlineData(new[] { "pdu", "decode", "--smsc", "00" }, "unknown argument")]
    public async Task Command_line_mistakes_are_usage_errors_with_exit_code_2(string[] args, string message)
    {
        var (code, _, stderr) = await HostProcess.RunAsync(args);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr);
        Assert.Contains("usage:", stderr);
    }
}
