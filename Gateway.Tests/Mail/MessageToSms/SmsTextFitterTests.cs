using Gateway.Configuration;
using Gateway.Mail.MessageToSms;
using Gateway.Sms;
using Xunit;

namespace Gateway.Tests.Mail.MessageToSms;

/// <summary>Fitting the text into <c>sms.max-parts</c> with the codec's planner: refuse or cut.</summary>
public class SmsTextFitterTests
{
    private static readonly SmsEncodingOptions TwoParts = new(AllowUnicode: true, AllowConcatenation: true, MaxParts: 2);

    [Fact]
    public void A_short_gsm_text_fits_one_part()
    {
        Assert.True(SmsTextFitter.TryFit("See you at 10.", TwoParts, OversizeHandling.Refuse, out var fitted, out _));
        Assert.Equal(SmsCoding.Gsm7, fitted!.Plan.Coding);
        Assert.Equal(1, fitted.Plan.PartCount);
        Assert.Empty(fitted.Notes);
    }

    [Fact]
    public void Czech_diacritics_go_as_ucs2_when_unicode_is_allowed()
    {
        Assert.True(SmsTextFitter.TryFit("Přijď zítra", TwoParts, OversizeHandling.Refuse, out var fitted, out _));
        Assert.Equal(SmsCoding.Ucs2, fitted!.Plan.Coding);
    }

    [Fact]
    public void Without_unicode_the_replaced_characters_are_noted()
    {
        Assert.True(SmsTextFitter.TryFit("Přijď zítra", TwoParts with { AllowUnicode = false }, OversizeHandling.Refuse, out var fitted, out _));
        Assert.Equal(SmsCoding.Gsm7, fitted!.Plan.Coding);
        Assert.Single(fitted.Notes);
        Assert.StartsWith("characters not in the GSM alphabet were replaced", fitted.Notes[0]);
    }

    [Fact]
    public void A_text_longer_than_max_parts_is_refused_with_the_part_counts()
    {
        var text = new string('a', 153 * 3);
        Assert.False(SmsTextFitter.TryFit(text, TwoParts, OversizeHandling.Refuse, out _, out var problem));
        Assert.Contains("3", problem);
        Assert.Contains("2", problem);
    }

    [Fact]
    public void With_truncate_the_longest_prefix_that_fits_is_sent_and_the_cut_is_noted()
    {
        var text = string.Join(" ", Enumerable.Range(1, 200).Select(i => $"w{i}"));
        Assert.True(SmsTextFitter.TryFit(text, TwoParts, OversizeHandling.Truncate, out var fitted, out _));
        Assert.Equal(2, fitted!.Plan.PartCount);
        Assert.StartsWith(fitted.Text, text);
        Assert.True(fitted.Text.Length > 153 && fitted.Text.Length <= 306, $"cut at {fitted.Text.Length}");
        // one more character would not fit
        Assert.False(TextPlanner.TryPlan(text[..(fitted.Text.Length + 2)], TwoParts, out _, out _));
        Assert.Contains(fitted.Notes, n => n.StartsWith("text cut to fit 2 SMS"));
    }

    [Fact]
    public void Truncation_never_splits_an_emoji()
    {
        var text = string.Concat(Enumerable.Repeat("😀", 100)); // UCS2 surrogate pairs
        Assert.True(SmsTextFitter.TryFit(text, TwoParts, OversizeHandling.Truncate, out var fitted, out _));
        Assert.Equal(0, fitted!.Text.Length % 2);
        Assert.False(char.IsHighSurrogate(fitted.Text[^1]));
    }

    [Fact]
    public void Without_concatenation_only_one_part_is_allowed()
    {
        var options = TwoParts with { AllowConcatenation = false };
        Assert.False(SmsTextFitter.TryFit(new string('a', 161), options, OversizeHandling.Refuse, out _, out var problem));
        Assert.Contains("concatenation is off", problem);
        Assert.True(SmsTextFitter.TryFit(new string('a', 161), options, OversizeHandling.Truncate, out var cut, out _));
        Assert.Equal(160, cut!.Text.Length);
    }
}
