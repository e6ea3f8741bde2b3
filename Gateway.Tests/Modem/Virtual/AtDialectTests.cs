using Gateway.Modem.Virtual;
using Xunit;
using static Gateway.Tests.Modem.Virtual.TestNetwork;

namespace Gateway.Tests.Modem.Virtual;

/// <summary>The AT dialect over <see cref="VirtualModem.Connect"/>, checked byte for byte as a driver sees it.</summary>
public class AtDialectTests
{
    [Fact]
    public async Task Echo_is_on_by_default_and_ATE0_turns_it_off()
    {
        var modem = Create().AddModem(Sim1);
        await using var line = new ModemLine(modem.Connect());

        Assert.Equal("AT\r\r\nOK\r\n", await line.CommandAsync("AT"));
        Assert.Equal("ATE0\r\r\nOK\r\n", await line.CommandAsync("ATE0"));
        Assert.Equal("\r\nOK\r\n", await line.CommandAsync("AT"));
        Assert.Equal("\r\nOK\r\n", await line.CommandAsync("ATE1"));
        Assert.Equal("at\r\r\nOK\r\n", await line.CommandAsync("at"));
    }

    [Fact]
    public async Task A_command_line_ends_on_CR_alone_and_LF_neither_ends_nor_breaks_it()
    {
        var modem = Create().AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);

        // Two lines in one write, the second followed by LF as many clients send.
        await line.SendAsync("AT+CGMI\rAT+CGMM\r\n");
        Assert.Equal("\r\nGateway\r\n\r\nOK\r\n", await line.ReadFinalAsync());
        Assert.Equal("\r\nVirtual GSM Modem\r\n\r\nOK\r\n", await line.ReadFinalAsync());

        // An LF inside a line does not end it: "AT\n+CGMI\r" is the one command AT+CGMI.
        await line.SendAsync("AT\n+CGMI\r");
        Assert.Equal("\r\nGateway\r\n\r\nOK\r\n", await line.ReadFinalAsync());
    }

    [Fact]
    public async Task Chained_extended_commands_run_in_order_and_stop_at_the_first_error()
    {
        var modem = Create().AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);

        var reply = await line.CommandAsync("AT+CMEE=1;+CREG=2;+CREG?");
        Assert.Matches(@"^\r\n\+CREG: 2,1,""[0-9A-F]{4}"",""[0-9A-F]{4}""\r\n\r\nOK\r\n$", reply);

        Assert.Equal("\r\nERROR\r\n", await line.CommandAsync("AT+CMEE=2;+BOGUS;+CMEE=0"));
        Assert.Equal("\r\n+CMEE: 2\r\n\r\nOK\r\n", await line.CommandAsync("AT+CMEE?"));

        // Basic commands chain without separators, and extended ones may follow them.
        Assert.Equal("\r\n+CMEE: 0\r\n\r\nOK\r\n", await line.CommandAsync("ATE0V1+CMEE=0;+CMEE?"));
    }

    [Theory]
    [InlineData("AT+XYZ")]
    [InlineData("AT^SYSINFO")]
    [InlineData("AT+CPROT=?")]
    [InlineData("ATB")]
    [InlineData("AT+")]
    [InlineData("AT+CMGF=1;")]
    public async Task Unknown_or_unsupported_commands_answer_an_error_never_silence(string command)
    {
        var modem = Create().AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);
        Assert.Matches(@"^\r\n(ERROR|\+CMS ERROR: \d+)\r\n$", await line.CommandAsync(command));
        Assert.Equal("\r\nOK\r\n", await line.CommandAsync("AT"));
    }

    [Fact]
    public async Task Errors_are_printed_as_AT_CMEE_says_plain_numeric_or_verbose()
    {
        var modem = Create().AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);

        Assert.Equal("\r\nERROR\r\n", await line.CommandAsync("AT+CPIN=\"1234\""));
        Assert.Equal("\r\nERROR\r\n", await line.CommandAsync("AT+CMGR=99"));
        await line.CommandAsync("AT+CMEE=1");
        Assert.Equal("\r\n+CME ERROR: 3\r\n", await line.CommandAsync("AT+CPIN=\"1234\""));
        Assert.Equal("\r\n+CMS ERROR: 321\r\n", await line.CommandAsync("AT+CMGR=99"));
        await line.CommandAsync("AT+CMEE=2");
        Assert.Equal("\r\n+CME ERROR: operation not allowed\r\n", await line.CommandAsync("AT+CPIN=\"1234\""));
        Assert.Equal("\r\n+CMS ERROR: invalid memory index\r\n", await line.CommandAsync("AT+CMGR=99"));
        // Syntax errors stay plain ERROR whatever CMEE says, as on real modules.
        Assert.Equal("\r\nERROR\r\n", await line.CommandAsync("AT+NOSUCH"));
    }

    [Fact]
    public async Task ATV0_gives_numeric_result_codes_and_ATZ_restores_the_defaults()
    {
        var modem = Create().AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);

        await line.SendAsync("ATV0\r");
        Assert.Equal("0\r", await line.ReadUntilAsync("0\r"));
        await line.SendAsync("AT+XYZ\r");
        Assert.Equal("4\r", await line.ReadUntilAsync("4\r"));
        await line.SendAsync("AT+CGMI\r");
        Assert.Equal("Gateway\r\n0\r", await line.ReadUntilAsync("0\r"));

        // ATZ restores the defaults before it answers, so its own OK is verbose again; echo is back on.
        Assert.Equal("\r\nOK\r\n", await line.CommandAsync("ATZ"));
        Assert.Equal("AT\r\r\nOK\r\n", await line.CommandAsync("AT"));
    }

    [Fact]
    public async Task Identification_answers_what_gammu_prints()
    {
        var modem = Create().AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);

        Assert.Equal("\r\nGateway\r\nVirtual GSM Modem\r\nRevision: VGM 1.0\r\n\r\nOK\r\n", await line.CommandAsync("ATI"));
        Assert.Equal($"\r\n{modem.Imei}\r\n\r\nOK\r\n", await line.CommandAsync("AT+CGSN"));
        Assert.Matches(@"^\d{15}$", modem.Imei);
        Assert.Equal($"\r\n{modem.Imsi}\r\n\r\nOK\r\n", await line.CommandAsync("AT+CIMI"));
        Assert.Equal($"\r\n+CNUM: \"\",\"{Sim1}\",145\r\n\r\nOK\r\n", await line.CommandAsync("AT+CNUM"));
        Assert.Equal("\r\nVGM 1.0\r\n\r\nOK\r\n", await line.CommandAsync("AT+CGMR"));
    }

    [Fact]
    public async Task After_AT_CSCS_HEX_or_UCS2_string_answers_come_encoded()
    {
        var modem = Create().AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);

        Assert.Equal($"\r\n+CSCA: \"{VirtualNetwork.ServiceCentre}\",145\r\n\r\nOK\r\n", await line.CommandAsync("AT+CSCA?"));
        await line.CommandAsync("AT+CSCS=\"HEX\"");
        Assert.Equal("\r\n+CSCA: \"2B343230393939393939393939\",145\r\n\r\nOK\r\n", await line.CommandAsync("AT+CSCA?"));
        await line.CommandAsync("AT+CSCS=\"UCS2\"");
        Assert.Equal("\r\n+CSCA: \"002B003400320030003900390039003900390039003900390039\",145\r\n\r\nOK\r\n", await line.CommandAsync("AT+CSCA?"));

        // A number set in the current character set is decoded.
        await line.CommandAsync("AT+CSCA=\"002B0034003200300031\",145");
        await line.CommandAsync("AT+CSCS=\"GSM\"");
        Assert.Equal("\r\n+CSCA: \"+4201\",145\r\n\r\nOK\r\n", await line.CommandAsync("AT+CSCA?"));
        Assert.Equal("\r\n+CSCS: (\"GSM\",\"IRA\",\"UCS2\",\"HEX\")\r\n\r\nOK\r\n", await line.CommandAsync("AT+CSCS=?"));
    }

    [Fact]
    public async Task An_over_long_line_is_refused_with_ERROR_and_the_next_one_works()
    {
        var modem = Create().AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);

        Assert.Equal("\r\nERROR\r\n", await line.CommandAsync("AT+CSCA=\"" + new string('1', 5000) + "\""));
        Assert.Equal("\r\nOK\r\n", await line.CommandAsync("AT"));
    }

    [Fact]
    public async Task Noise_before_AT_on_a_line_is_skipped_and_lines_without_AT_are_ignored()
    {
        var modem = Create().AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);

        await line.SendAsync(new byte[] { 0x00, 0xFF, 0x13, (byte)'x', (byte)'\r' }); // no AT: a modem says nothing
        await line.SendAsync("\u0001\u0002zzAT+CGMI\r");
        Assert.Equal("\r\nGateway\r\n\r\nOK\r\n", await line.ReadFinalAsync());
        await line.SendAsync("AT\b\bAT+CGMM\r"); // backspaces edit the line
        Assert.Equal("\r\nVirtual GSM Modem\r\n\r\nOK\r\n", await line.ReadFinalAsync());
    }

    [Fact]
    public async Task A_slash_repeats_the_last_command_line()
    {
        var modem = Create().AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);

        await line.CommandAsync("AT+CGMI");
        await line.SendAsync("A/");
        Assert.Equal("\r\nGateway\r\n\r\nOK\r\n", await line.ReadFinalAsync());
    }

    [Fact]
    public async Task S_registers_are_read_and_set()
    {
        var modem = Create().AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);

        Assert.Equal("\r\n013\r\n\r\nOK\r\n", await line.CommandAsync("ATS3?"));
        Assert.Equal("\r\nOK\r\n", await line.CommandAsync("ATS7=90"));
        Assert.Equal("\r\n090\r\n\r\nOK\r\n", await line.CommandAsync("ATS7?"));
        Assert.Equal("\r\nERROR\r\n", await line.CommandAsync("ATS7=999"));
    }

    [Fact]
    public async Task Storage_commands_report_an_empty_SIM_and_refuse_bad_indexes()
    {
        var modem = Create(simCapacity: 20).AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);
        await line.CommandAsync("AT+CMEE=1");

        Assert.Equal("\r\n+CPMS: (\"SM\"),(\"SM\"),(\"SM\")\r\n\r\nOK\r\n", await line.CommandAsync("AT+CPMS=?"));
        Assert.Equal("\r\n+CPMS: \"SM\",0,20,\"SM\",0,20,\"SM\",0,20\r\n\r\nOK\r\n", await line.CommandAsync("AT+CPMS?"));
        Assert.Equal("\r\n+CPMS: 0,20,0,20,0,20\r\n\r\nOK\r\n", await line.CommandAsync("AT+CPMS=\"SM\",\"SM\",\"SM\""));
        Assert.Equal("\r\n+CMS ERROR: 302\r\n", await line.CommandAsync("AT+CPMS=\"ME\""));
        Assert.Equal("\r\nOK\r\n", await line.CommandAsync("AT+CMGL=4"));
        Assert.Equal("\r\n+CMS ERROR: 304\r\n", await line.CommandAsync("AT+CMGL=\"ALL\""));
        Assert.Equal("\r\n+CMS ERROR: 321\r\n", await line.CommandAsync("AT+CMGR=1"));
        Assert.Equal("\r\nOK\r\n", await line.CommandAsync("AT+CMGD=1"));
        Assert.Equal("\r\n+CMS ERROR: 321\r\n", await line.CommandAsync("AT+CMGD=21"));
        Assert.Equal("\r\n+CMGD: (),(0-4)\r\n\r\nOK\r\n", await line.CommandAsync("AT+CMGD=?"));
        Assert.Equal("\r\n+CMGF: 0\r\n\r\nOK\r\n", await line.CommandAsync("AT+CMGF?"));
        Assert.Equal("\r\n+CMS ERROR: 303\r\n", await line.CommandAsync("AT+CMGF=1"));
        Assert.Equal("\r\n+CNMI: 2,1,0,0,0\r\n\r\nOK\r\n", await line.CommandAsync("AT+CNMI?"));
        Assert.Equal("\r\n+CMS ERROR: 340\r\n", await line.CommandAsync("AT+CNMA"));
    }

    [Fact]
    public async Task AT_CMGS_answers_304_when_the_declared_length_differs_from_the_TPDU()
    {
        var modem = Create().AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);
        await line.CommandAsync("AT+CMEE=1");

        // 00 (default SMSC) + a 17-octet TPDU, declared as 16: the modem checks before it decodes.
        const string pdu = "0001000B912470000000F10000044F3A1A0C";
        Assert.Equal("\r\n> ", await line.CommandAsync("AT+CMGS=16"));
        await line.SendAsync(pdu + "\x1A");
        Assert.Equal("\r\n+CMS ERROR: 304\r\n", await line.ReadFinalAsync());

        Assert.Equal("\r\n> ", await line.CommandAsync("AT+CMGS=3"));
        await line.SendAsync("00GG11\x1A");
        Assert.Equal("\r\n+CMS ERROR: 304\r\n", await line.ReadFinalAsync());

        Assert.Equal("\r\n+CMS ERROR: 304\r\n", await line.CommandAsync("AT+CMGS=0"));
        Assert.Equal(0, modem.Status().Sent);
    }

    [Fact]
    public async Task ESC_after_the_prompt_cancels_the_send()
    {
        var modem = Create().AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);

        Assert.Equal("\r\n> ", await line.CommandAsync("AT+CMGS=16"));
        await line.SendAsync("0001000B9124\x1B");
        Assert.Equal("\r\nOK\r\n", await line.ReadFinalAsync());
        Assert.Equal("\r\nOK\r\n", await line.CommandAsync("AT"));
        Assert.Equal(0, modem.Status().Sent);
    }

    [Fact]
    public async Task Unsolicited_lines_wait_while_a_line_is_being_typed_or_a_PDU_entered()
    {
        var modem = Create().AddModem(Sim1);
        await using var line = new ModemLine(modem.Connect());

        // Half a command line: once its echo is back the modem holds it, and RING must wait.
        await line.SendAsync("AT+CG");
        await line.ReadUntilAsync("AT+CG");
        modem.InjectUnsolicited("RING");
        await line.SendAsync("MI\r");
        Assert.Equal("MI\r\r\nGateway\r\n\r\nOK\r\n\r\nRING\r\n", await line.ReadUntilAsync("RING\r\n"));

        // After the prompt, until the send's final result.
        Assert.Equal("AT+CMGS=16\r\r\n> ", await line.CommandAsync("AT+CMGS=16"));
        modem.InjectUnsolicited("+CREG: 1");
        await line.SendAsync("0001\x1B");
        Assert.Equal("0001\r\nOK\r\n\r\n+CREG: 1\r\n", await line.ReadUntilAsync("+CREG: 1\r\n"));

        // While idle it is written at once.
        modem.InjectUnsolicited("RING");
        Assert.Equal("\r\nRING\r\n", await line.ReadUntilAsync("RING\r\n"));
    }

    [Fact]
    public async Task A_second_Connect_replaces_the_open_line()
    {
        var modem = Create().AddModem(Sim1);
        var first = modem.Connect();
        await using var firstLine = new ModemLine(first);
        Assert.Equal("AT\r\r\nOK\r\n", await firstLine.CommandAsync("AT"));

        await using var second = new ModemLine(modem.Connect());
        Assert.Equal("", await firstLine.ReadToEndAsync());
        Assert.True(firstLine.Closed);
        await Assert.ThrowsAsync<IOException>(() => first.WriteAsync("AT\r"u8.ToArray()).AsTask());
        Assert.Equal("AT\r\r\nOK\r\n", await second.CommandAsync("AT"));
        Assert.True(modem.IsConnected);
    }

    [Fact]
    public async Task Closing_the_stream_closes_the_port()
    {
        var modem = Create().AddModem(Sim1);
        var line = new ModemLine(modem.Connect());
        await line.CommandAsync("AT");
        await line.DisposeAsync();
        await AwaitAsync(() => !modem.IsConnected);
    }

    [Fact]
    public async Task Registration_follows_coverage_with_CREG_reports()
    {
        var modem = Create().AddModem(Sim1);
        await using var line = await OpenQuietAsync(modem);
        await line.CommandAsync("AT+CREG=1");
        Assert.Equal("\r\n+CREG: 1,1\r\n\r\nOK\r\n", await line.CommandAsync("AT+CREG?"));
        Assert.Equal("\r\n+CSQ: 20,99\r\n\r\nOK\r\n", await line.CommandAsync("AT+CSQ"));
        Assert.Equal("\r\n+COPS: 0,0,\"Virtual GSM\"\r\n\r\nOK\r\n", await line.CommandAsync("AT+COPS?"));

        modem.Faults.NoNetwork = true;
        Assert.Equal("\r\n+CREG: 2\r\n", await line.ReadUntilAsync("+CREG: 2\r\n"));
        Assert.Equal("\r\n+CREG: 1,2\r\n\r\nOK\r\n", await line.CommandAsync("AT+CREG?"));
        Assert.Equal("\r\n+CSQ: 99,99\r\n\r\nOK\r\n", await line.CommandAsync("AT+CSQ"));

        modem.Faults.NoNetwork = false;
        Assert.Equal("\r\n+CREG: 1\r\n", await line.ReadUntilAsync("+CREG: 1\r\n"));
    }

    private static readonly string[] NoiseVocabulary =
    [
        "AT", "at", "+CMGS=", "+CMGL=", "+CSCS=\"HEX\"", "+CNMI=2,2", "+CMEE=2", "+CPIN=", "V0", "Q1", "E0", "S3=", "A/", ";", "=", "?", "\"",
        ",", "\r", "\n", "\r\n", "\u001A", "\u001B", "\b", "0", "1", "7", "FF", "00", "\u0000", "\u00FF", "\u0080",
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task Whatever_bytes_arrive_the_modem_keeps_its_line_and_answers_afterwards(int seed)
    {
        var modem = Create().AddModem(Sim1);
        await using var line = new ModemLine(modem.Connect());
        var random = new Random(seed);
        for (var burst = 0; burst < 20; burst++)
        {
            var noise = new System.Text.StringBuilder();
            for (var i = 0; i < random.Next(1, 200); i++)
                noise.Append(random.Next(4) == 0 ? (char)random.Next(256) : NoiseVocabulary[random.Next(NoiseVocabulary.Length)]);
            await line.SendAsync(noise.ToString());
        }

        // ESC leaves any PDU entry, CR ends any partial line, ATZ undoes what the noise set.
        await line.SendAsync("\u001B\rATZ\rAT+CNUM\r");
        await line.ReadUntilAsync($"+CNUM: \"\",\"{Sim1}\",145\r\n\r\nOK\r\n");
        Assert.False(line.Closed);
        Assert.True(modem.IsConnected);
    }

    internal static async Task AwaitAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(ModemLine.HangGuard);
        while (!condition())
            await Task.Delay(10, cts.Token);
    }
}
