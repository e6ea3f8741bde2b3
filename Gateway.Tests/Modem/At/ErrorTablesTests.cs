using Gateway.Modem.At;
using Xunit;

namespace Gateway.Tests.Modem.At;

public class ErrorTablesTests
{
    [Theory]
    [InlineData(304, false)] // invalid PDU mode parameter: our PDU is wrong, no module will take it
    [InlineData(1, false)]   // unassigned number
    [InlineData(195, false)] // invalid SME address
    [InlineData(331, true)]  // no network service: another module may have one
    [InlineData(332, true)]  // network timeout
    [InlineData(42, true)]   // congestion
    [InlineData(500, true)]  // unknown error
    [InlineData(314, true)]  // SIM busy
    public void CMS_errors_are_retryable_unless_the_message_itself_is_refused(int code, bool retryable)
    {
        Assert.Equal(retryable, CmsError.Lookup(code).Retryable);
    }

    [Fact]
    public void Unlisted_and_manufacturer_codes_are_retryable_and_still_described()
    {
        Assert.True(CmsError.Lookup(77).Retryable);
        Assert.Equal("manufacturer-specific error", CmsError.Lookup(515).Meaning);
        Assert.True(CmeError.Lookup(999).Retryable);
    }

    [Fact]
    public void Every_listed_code_has_a_meaning()
    {
        Assert.All(CmsError.Known, e => Assert.False(string.IsNullOrWhiteSpace(e.Meaning)));
        Assert.True(CmsError.Known.Count() > 60);
    }

    [Fact]
    public void A_failed_send_is_classified_from_its_final_result()
    {
        Assert.True(FinalResult.TryParse("+CMS ERROR: 304", out var bad));
        Assert.Equal(("+CMS ERROR: 304 (invalid PDU mode parameter)", false), SendFailure.Classify(bad));
        Assert.True(FinalResult.TryParse("+CME ERROR: 30", out var cme));
        Assert.Equal(("+CME ERROR: 30 (no network service)", true), SendFailure.Classify(cme));
        Assert.True(FinalResult.TryParse("ERROR", out var plain));
        Assert.True(SendFailure.Classify(plain).Retryable);
    }

    [Fact]
    public void PINs_and_passwords_never_reach_a_log_line()
    {
        Assert.Equal("AT+CPIN=***", AtLog.Redact("AT+CPIN=\"1234\""));
        Assert.Equal("at+cpin=***", AtLog.Redact("at+cpin=1234"));
        Assert.Equal("AT+CLCK=***", AtLog.Redact("AT+CLCK=\"SC\",0,\"1234\""));
        Assert.Equal("AT+CPIN?", AtLog.Redact("AT+CPIN?"));
        Assert.Equal("AT+CPIN=***", AtCommand.EnterPin("4321").ToString());
    }
}
