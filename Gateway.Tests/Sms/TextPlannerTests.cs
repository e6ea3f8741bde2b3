using Gateway.Sms;
using Xunit;

namespace Gateway.Tests.Sms;

public class TextPlannerTests
{
    private static readonly SmsEncodingOptions Roomy = new(AllowUnicode: true, AllowConcatenation: true, MaxParts: 255);
    private static readonly SmsAddress Someone = new(AddressType.International, "+420777123456");

    private static SmsPlan Plan(string text, SmsEncodingOptions? options = null)
    {
        Assert.True(TextPlanner.TryPlan(text, options ?? Roomy, out var plan, out var error), error?.Message);
        return plan!;
    }

    [Fact]
    public void Text_GSM7_can_write_goes_as_GSM7_in_one_part_up_to_160_septets()
    {
        var plan = Plan(new string('a', 160));
        Assert.Equal(SmsCoding.Gsm7, plan.Coding);
        Assert.Equal(1, plan.PartCount);
        Assert.Empty(plan.Replaced);
    }

    [Fact]
    public void One_septet_more_than_160_makes_two_parts_of_153_and_the_rest()
    {
        var plan = Plan(new string('a', 161));
        Assert.Equal([153, 8], plan.Parts.Select(p => p.Length));
    }

    [Fact]
    public void Extension_characters_count_two_septets_toward_the_single_part_limit()
    {
        Assert.Equal(1, Plan(new string('a', 158) + "€").PartCount);  // 160 septets
        Assert.Equal(2, Plan(new string('a', 159) + "€").PartCount);  // 161 septets
    }

    [Fact]
    public void An_escape_sequence_that_would_straddle_a_part_boundary_moves_whole_to_the_next_part()
    {
        // 152 septets, then "€" (2 septets) would end on septet 154: it goes to part 2
        var plan = Plan(new string('a', 152) + "€" + new string('b', 10));
        Assert.Equal(new string('a', 152), plan.Parts[0]);
        Assert.Equal("€" + new string('b', 10), plan.Parts[1]);
        Assert.All(plan.Parts, p => Assert.True(Gsm7Alphabet.CountSeptets(p) <= Gsm7Alphabet.ConcatenatedPartSeptets));
    }

    [Fact]
    public void Text_GSM7_cannot_write_goes_as_UCS2_in_70_units_or_parts_of_67()
    {
        Assert.Equal(1, Plan(new string('ř', 70)).PartCount);
        var plan = Plan(new string('ř', 71));
        Assert.Equal(SmsCoding.Ucs2, plan.Coding);
        Assert.Equal([67, 4], plan.Parts.Select(p => p.Length));
    }

    [Fact]
    public void A_surrogate_pair_that_would_straddle_a_part_boundary_moves_whole_to_the_next_part()
    {
        // 66 units, then "😀" (D83D DE00) would take units 67 and 68: it goes to part 2
        var plan = Plan(new string('ř', 66) + "😀" + new string('x', 10));
        Assert.Equal(new string('ř', 66), plan.Parts[0]);
        Assert.StartsWith("😀", plan.Parts[1]);
        Assert.Equal(new string('ř', 66) + "😀" + new string('x', 10), string.Concat(plan.Parts));
    }

    [Fact]
    public void Without_unicode_the_characters_GSM7_lacks_are_replaced_and_listed()
    {
        var plan = Plan("Příliš žluťoučký kůň “úpěl” … 👍", Roomy with { AllowUnicode = false });
        Assert.Equal(SmsCoding.Gsm7, plan.Coding);
        Assert.Equal("Prilis zlutoucky kun \"upel\" ... ?", Assert.Single(plan.Parts));
        Assert.Equal(["ř", "í", "š", "ž", "ť", "č", "ý", "ů", "ň", "“", "ú", "ě", "”", "…", "👍"], plan.Replaced);
    }

    [Fact]
    public void More_parts_than_allowed_is_an_error_that_says_how_many_are_needed()
    {
        Assert.False(TextPlanner.TryPlan(new string('a', 153 * 6 + 1), new SmsEncodingOptions(MaxParts: 6), out var plan, out var error));
        Assert.Null(plan);
        Assert.Equal(7, error!.PartsNeeded);
        Assert.Equal(6, error.MaxParts);
        Assert.Contains("7 SMS parts", error.Message);
        Assert.True(TextPlanner.TryPlan(new string('a', 153 * 6), new SmsEncodingOptions(MaxParts: 6), out _, out _));
    }

    [Fact]
    public void Without_concatenation_a_text_must_fit_one_SMS()
    {
        var options = new SmsEncodingOptions(AllowConcatenation: false, MaxParts: 6);
        Assert.True(TextPlanner.TryPlan(new string('a', 160), options, out _, out _));
        Assert.False(TextPlanner.TryPlan(new string('a', 161), options, out _, out var error));
        Assert.Equal(1, error!.MaxParts);
        Assert.Contains("concatenation is off", error.Message);
    }

    [Fact]
    public void An_empty_text_is_one_empty_part() => Assert.Equal([""], Plan("").Parts);

    [Fact]
    public void Submits_for_several_parts_carry_the_reference_count_and_number()
    {
        var plan = Plan(new string('ř', 140));
        var submits = TextPlanner.ToSubmits(plan, Someone, 0x2A, statusReport: true, validityPeriod: TimeSpan.FromDays(2));
        Assert.Equal(3, submits.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(new ConcatInfo(0x2A, 3, i + 1), submits[i].Concat);
            Assert.Equal(0, submits[i].MessageReference);
            Assert.Equal(Someone, submits[i].Destination);
            Assert.True(submits[i].StatusReportRequested);
            Assert.Equal(TimeSpan.FromDays(2), submits[i].ValidityPeriod);
            Assert.Equal(SmsCoding.Ucs2, submits[i].Coding);
            Assert.Equal(plan.Parts[i], submits[i].Text);
        }
    }

    [Fact]
    public void A_single_part_has_no_concatenation_header()
    {
        var submit = Assert.Single(TextPlanner.ToSubmits(Plan("hi"), Someone, 7, false, null));
        Assert.Null(submit.Concat);
        // 00 SMSC; 01 submit, no VP, no SRR, no UDHI; 00 MR; 0C 91 247077214365; 00 PID; 00 DCS;
        // 02 septets: E8 = h (1101000) | i bit 0 << 7, 34 = i (1101001) >> 1
        Assert.Equal("0001000C91247077214365000002E834", Pdu.ToHex(Pdu.Encode(submit)));
    }
}
