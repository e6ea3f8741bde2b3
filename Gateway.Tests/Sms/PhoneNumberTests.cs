using Gateway.Sms;
using Xunit;

namespace Gateway.Tests.Sms;

public class PhoneNumberTests
{
    [Theory]
    [InlineData("+420777123456", null, "+420777123456")]
    [InlineData("+420 777 123 456", null, "+420777123456")]
    [InlineData("00420777123456", null, "+420777123456")]
    [InlineData("777123456", "420", "+420777123456")]
    [InlineData("0777-123-456", "420", "+420777123456")]
    [InlineData("(0)20 7946 0958", "44", "+442079460958")]
    [InlineData("+1 (555) 010.9999", null, "+15550109999")]
    public void Numbers_are_normalised_to_E164(string input, string? countryCode, string expected)
    {
        Assert.True(PhoneNumber.TryParse(input, countryCode, out var number, out var error), error?.Message);
        Assert.Equal(expected, number.E164);
    }

    [Theory]
    [InlineData("", PhoneNumberProblem.Empty)]
    [InlineData("   ", PhoneNumberProblem.Empty)]
    [InlineData("+420abc", PhoneNumberProblem.InvalidCharacter)]
    [InlineData("420+777", PhoneNumberProblem.MisplacedPlus)]
    [InlineData("++420777123456", PhoneNumberProblem.MisplacedPlus)]
    [InlineData("+42012", PhoneNumberProblem.TooShort)]
    [InlineData("+4207771234567890", PhoneNumberProblem.TooLong)]
    [InlineData("+0420777123456", PhoneNumberProblem.InvalidCountryCode)]
    public void Invalid_input_is_a_typed_error_naming_the_problem(string input, PhoneNumberProblem problem)
    {
        Assert.False(PhoneNumber.TryParse(input, "420", out _, out var error));
        Assert.Equal(problem, error!.Problem);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void A_national_number_without_a_default_country_code_is_refused()
    {
        Assert.False(PhoneNumber.TryParse("777123456", null, out _, out var error));
        Assert.Equal(PhoneNumberProblem.NoCountryCode, error!.Problem);
    }

    [Fact]
    public void Arbitrary_text_never_throws()
    {
        var random = new Random(1234);
        const string alphabet = "0123456789+- ()./abcXYZ\u00e9\u0000\t*#";
        for (var i = 0; i < 20_000; i++)
        {
            var chars = new char[random.Next(0, 80)];
            for (var j = 0; j < chars.Length; j++) chars[j] = alphabet[random.Next(alphabet.Length)];
            if (PhoneNumber.TryParse(new string(chars), "420", out var n, out _))
                Assert.Matches(@"^\+[1-9][0-9]{6,14}$", n.E164);
        }
    }
}
