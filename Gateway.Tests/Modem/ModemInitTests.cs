using System.Collections.Immutable;
using Gateway.Modem;
using Gateway.Modem.At;
using Xunit;

namespace Gateway.Tests.Modem;

public class ModemInitTests
{
    private static AtResult Ok(params string[] lines) => new(FinalResult.Ok, lines.ToImmutableArray());

    private static AtResult Error(string line)
    {
        Assert.True(FinalResult.TryParse(line, out var final));
        return new AtResult(final, []);
    }

    /// <summary>Runs the script, answering each command from <paramref name="answer"/>; returns the commands sent and the outcome.</summary>
    private static (List<string> Sent, InitOutcome Outcome) Run(string? pin, Func<string, AtResult> answer, params string[] extra)
    {
        var (init, command) = ModemInit.Start(pin, extra);
        var sent = new List<string>();
        while (true)
        {
            sent.Add(command.Text);
            var outcome = init.Next(answer(command.Text));
            if (outcome is not InitOutcome.Continue c) return (sent, outcome);
            (init, command) = (c.Next, c.Command);
            Assert.True(sent.Count < 50, "the script does not end");
        }
    }

    private static AtResult ReadyModem(string command) => command switch
    {
        "AT+CPIN?" => Ok("+CPIN: READY"),
        "AT+CSMS?" => Ok("+CSMS: 0,1,1,1"),
        "AT+CSQ" => Ok("+CSQ: 20,99"),
        "AT+CREG?" => Ok("+CREG: 1,1"),
        "AT+COPS?" => Ok("+COPS: 0,0,\"Virtual GSM\""),
        _ => Ok(),
    };

    [Fact]
    public void A_ready_modem_gets_echo_off_verbose_errors_PDU_mode_SIM_storage_and_stored_message_indications()
    {
        var (sent, outcome) = Run(null, ReadyModem);
        Assert.Equal([
            "ATE0", "AT+CMEE=1", "AT+CPIN?", "AT+CMGF=0", "AT+CPMS=\"SM\",\"SM\",\"SM\"", "AT+CSMS?",
            ModemInit.IndicationsCommand, "AT+CREG=1", "AT+CSQ", "AT+CREG?", "AT+COPS?",
        ], sent);
        var facts = Assert.IsType<InitOutcome.Done>(outcome).Facts;
        Assert.Equal(20, facts.Rssi);
        Assert.True(facts.Registration!.IsRegistered);
        Assert.Equal("Virtual GSM", facts.Operator);
        Assert.True(facts.Indications);
        Assert.False(facts.AcknowledgeDirect);
        Assert.Empty(facts.Warnings);
    }

    [Fact]
    public void The_PIN_is_sent_only_when_the_SIM_asks_and_then_the_SIM_is_asked_again()
    {
        var pinEntered = false;
        AtResult EnterPin()
        {
            pinEntered = true;
            return Ok();
        }
        var (sent, outcome) = Run("1234", c => c switch
        {
            "AT+CPIN?" => Ok(pinEntered ? "+CPIN: READY" : "+CPIN: SIM PIN"),
            "AT+CPIN=\"1234\"" => EnterPin(),
            _ => ReadyModem(c),
        });
        Assert.Equal(["ATE0", "AT+CMEE=1", "AT+CPIN?", "AT+CPIN=\"1234\"", "AT+CPIN?", "AT+CMGF=0"], sent.Take(6));
        Assert.IsType<InitOutcome.Done>(outcome);

        var (readySent, _) = Run("1234", ReadyModem);
        Assert.DoesNotContain(readySent, c => c.StartsWith("AT+CPIN=", StringComparison.Ordinal));
    }

    [Fact]
    public void A_refused_PIN_is_not_tried_again_and_the_module_needs_an_operator()
    {
        var (sent, outcome) = Run("1111", c => c switch
        {
            "AT+CPIN?" => Ok("+CPIN: SIM PIN"),
            "AT+CPIN=\"1111\"" => Error("+CME ERROR: 16"),
            _ => ReadyModem(c),
        });
        Assert.Single(sent, c => c.StartsWith("AT+CPIN=", StringComparison.Ordinal));
        var failed = Assert.IsType<InitOutcome.Failed>(outcome);
        Assert.True(failed.NeedsOperator);
        Assert.Contains("incorrect password", failed.Reason);
        Assert.DoesNotContain("1111", failed.Reason);
    }

    [Theory]
    [InlineData(null, "+CPIN: SIM PIN", "none configured")]
    [InlineData("1234", "+CPIN: SIM PUK", "SIM PUK")]
    public void A_SIM_the_gateway_cannot_unlock_needs_an_operator(string? pin, string answer, string reason)
    {
        var (_, outcome) = Run(pin, c => c == "AT+CPIN?" ? Ok(answer) : ReadyModem(c));
        var failed = Assert.IsType<InitOutcome.Failed>(outcome);
        Assert.True(failed.NeedsOperator);
        Assert.Contains(reason, failed.Reason);
    }

    [Fact]
    public void A_modem_that_refuses_PDU_mode_cannot_be_used_but_may_be_retried()
    {
        var (_, outcome) = Run(null, c => c == "AT+CMGF=0" ? Error("ERROR") : ReadyModem(c));
        var failed = Assert.IsType<InitOutcome.Failed>(outcome);
        Assert.False(failed.NeedsOperator);
        Assert.Contains("PDU mode", failed.Reason);
    }

    [Fact]
    public void Refused_optional_steps_become_warnings_and_without_indications_storage_is_polled()
    {
        var (_, outcome) = Run(null, c => c is ModemInit.IndicationsCommand or "AT+CPMS=\"SM\",\"SM\",\"SM\"" ? Error("+CMS ERROR: 303") : ReadyModem(c));
        var facts = Assert.IsType<InitOutcome.Done>(outcome).Facts;
        Assert.False(facts.Indications);
        Assert.Equal(2, facts.Warnings.Count);
        Assert.Contains(facts.Warnings, w => w.Contains("AT+CNMI") && w.Contains("operation not supported"));
    }

    [Fact]
    public void A_modem_in_phase_2_plus_mode_is_known_to_want_routed_messages_acknowledged()
    {
        var (_, outcome) = Run(null, c => c == "AT+CSMS?" ? Ok("+CSMS: 1,1,1,1") : ReadyModem(c));
        Assert.True(Assert.IsType<InitOutcome.Done>(outcome).Facts.AcknowledgeDirect);
    }

    [Fact]
    public void A_modules_extra_commands_run_after_the_standard_set_up()
    {
        var (sent, outcome) = Run(null, ReadyModem, "AT^CURC=0", "AT+QURCCFG=\"urcport\",\"uart1\"");
        var i = sent.IndexOf("AT+CREG=1");
        Assert.Equal(["AT^CURC=0", "AT+QURCCFG=\"urcport\",\"uart1\""], sent.Skip(i + 1).Take(2));
        Assert.IsType<InitOutcome.Done>(outcome);
    }

    [Fact]
    public void The_script_state_never_prints_the_PIN()
    {
        var (init, _) = ModemInit.Start("8642");
        Assert.DoesNotContain("8642", init.ToString());
    }
}
