using Gateway.AutoClip;
using Xunit;

namespace Gateway.Tests.AutoClip;

public class AutoClipNumberTests
{
    [Theory]
    [InlineData("+420777123456", 420777123456)]
    [InlineData("00420777123456", 420777123456)]
    [InlineData("+420 777 123 456", 420777123456)]
    [InlineData("+999999999999999", 999999999999999)]
    public void E164_numbers_become_their_digits(string text, long digits)
    {
        Assert.True(AutoClipNumber.TryParse(text, out var parsed));
        Assert.Equal(digits, parsed);
        Assert.Equal(text.StartsWith('+') && !text.Contains(' ') ? text : "+" + digits, AutoClipNumber.Format(parsed));
    }

    [Theory]
    [InlineData("777123456")]
    [InlineData("ACME")]
    [InlineData("+4207771234567890")]
    [InlineData("+12345")]
    [InlineData("")]
    [InlineData(null)]
    public void National_numbers_short_codes_and_names_are_not_keys(string? text) =>
        Assert.False(AutoClipNumber.TryParse(text, out _));

    [Fact]
    public void A_numbers_bucket_is_the_same_every_time_and_numbers_spread_over_all_buckets()
    {
        Assert.Equal(AutoClipNumber.Bucket(420777123456, 32), AutoClipNumber.Bucket(420777123456, 32));
        var counts = new int[32];
        for (long n = 420777000000; n < 420777000000 + 32_000; n++) counts[AutoClipNumber.Bucket(n, 32)]++;
        Assert.All(counts, c => Assert.InRange(c, 500, 1500));
    }

    [Theory]
    [InlineData(420777123456, "+420", true)]
    [InlineData(420777123456, "420777123456", true)]
    [InlineData(420777123456, "+4207771234567", false)]
    [InlineData(420777123456, "+421", false)]
    [InlineData(15550001, "+1", true)]
    public void A_prefix_matches_the_leading_digits(long number, string prefix, bool matches)
    {
        Assert.True(AutoClipNumber.TryParsePrefix(prefix, out var digits, out var length));
        Assert.Equal(matches, AutoClipNumber.StartsWith(number, digits, length));
    }
}
