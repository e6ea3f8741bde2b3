using Gateway.Modem.Virtual;
using Xunit;
using static Gateway.Tests.Modem.Virtual.TestNetwork;

namespace Gateway.Tests.Modem.Virtual;

public class SimPinTests
{
    [Fact]
    public async Task A_SIM_with_a_PIN_refuses_SIM_commands_until_the_right_PIN_is_entered()
    {
        var modem = Create().AddModem(Sim1, new VirtualSimOptions(Pin: "1234"));
        await using var line = await OpenQuietAsync(modem);
        await line.CommandAsync("AT+CMEE=1;+CREG=1");

        Assert.Equal("\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n", await line.CommandAsync("AT+CPIN?"));
        Assert.Equal("\r\n+CME ERROR: 11\r\n", await line.CommandAsync("AT+CIMI"));
        Assert.Equal("\r\n+CMS ERROR: 311\r\n", await line.CommandAsync("AT+CMGL=4"));
        Assert.Equal("\r\n+CMS ERROR: 311\r\n", await line.CommandAsync("AT+CMGS=20"));
        Assert.Equal("\r\n+CREG: 1,0\r\n\r\nOK\r\n", await line.CommandAsync("AT+CREG?"));
        Assert.Equal("\r\n+CME ERROR: 16\r\n", await line.CommandAsync("AT+CPIN=\"0000\""));
        Assert.Equal("\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n", await line.CommandAsync("AT+CPIN?"));

        // The right PIN: OK first, then what the module announces (held until after the OK).
        Assert.Equal("\r\nOK\r\n", await line.CommandAsync("AT+CPIN=\"1234\""));
        Assert.Equal("\r\nSMS Ready\r\n\r\n+CREG: 1\r\n", await line.ReadUntilAsync("+CREG: 1\r\n"));
        Assert.Equal("\r\n+CPIN: READY\r\n\r\nOK\r\n", await line.CommandAsync("AT+CPIN?"));
        Assert.Equal($"\r\n{modem.Imsi}\r\n\r\nOK\r\n", await line.CommandAsync("AT+CIMI"));
        Assert.Equal("\r\n+CME ERROR: 3\r\n", await line.CommandAsync("AT+CPIN=\"1234\""));
    }

    [Fact]
    public async Task Three_wrong_PINs_ask_for_the_PUK_which_sets_a_new_PIN()
    {
        var modem = Create().AddModem(Sim1, new VirtualSimOptions(Pin: "1234"));
        await using var line = await OpenQuietAsync(modem);
        await line.CommandAsync("AT+CMEE=1");

        for (var i = 0; i < 3; i++)
            Assert.Equal("\r\n+CME ERROR: 16\r\n", await line.CommandAsync("AT+CPIN=\"9999\""));
        Assert.Equal("\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n", await line.CommandAsync("AT+CPIN?"));
        Assert.Equal("\r\n+CME ERROR: 12\r\n", await line.CommandAsync("AT+CPIN=\"1234\""));
        Assert.Equal("\r\n+CMS ERROR: 316\r\n", await line.CommandAsync("AT+CPMS?"));
        Assert.Equal("\r\n+CME ERROR: 16\r\n", await line.CommandAsync("AT+CPIN=\"00000000\",\"4321\""));

        Assert.Equal("\r\nOK\r\n", await line.CommandAsync($"AT+CPIN=\"{VirtualModem.Puk}\",\"4321\""));
        await line.ReadUntilAsync("SMS Ready\r\n");
        Assert.Equal("\r\n+CPIN: READY\r\n\r\nOK\r\n", await line.CommandAsync("AT+CPIN?"));

        // After a power cycle the SIM asks again, for the new PIN.
        modem.Restart();
        await using var again = await OpenQuietAsync(modem);
        await again.CommandAsync("AT+CMEE=1");
        Assert.Equal("\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n", await again.CommandAsync("AT+CPIN?"));
        Assert.Equal("\r\n+CME ERROR: 16\r\n", await again.CommandAsync("AT+CPIN=\"1234\""));
        Assert.Equal("\r\nOK\r\n", await again.CommandAsync("AT+CPIN=\"4321\""));
        Assert.Equal("\r\nSMS Ready\r\n", await again.ReadUntilAsync("SMS Ready\r\n"));
    }

    [Fact]
    public async Task The_PIN_state_lasts_across_reopening_the_port()
    {
        var modem = Create().AddModem(Sim1, new VirtualSimOptions(Pin: "1234"));
        await using (var line = await OpenQuietAsync(modem))
            Assert.Equal("\r\nOK\r\n", await line.CommandAsync("AT+CPIN=\"1234\""));

        await using var reopened = await OpenQuietAsync(modem);
        Assert.Equal("\r\n+CPIN: READY\r\n\r\nOK\r\n", await reopened.CommandAsync("AT+CPIN?"));
    }
}
