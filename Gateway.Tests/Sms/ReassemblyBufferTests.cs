using Gateway.Sms;
using Xunit;

namespace Gateway.Tests.Sms;

public class ReassemblyBufferTests
{
    private static readonly SmsAddress Alice = new(AddressType.International, "+420777123456");
    private static readonly SmsAddress Bob = new(AddressType.International, "+420777654321");
    private static readonly DateTimeOffset T0 = new(2024, 3, 15, 12, 0, 0, TimeSpan.Zero);

    private static SmsDeliver Part(SmsAddress from, int reference, int total, int sequence, string text) =>
        new(from, T0.AddSeconds(sequence), SmsCoding.Gsm7, MessageClass.None, text, [], new ConcatInfo(reference, total, sequence));

    [Fact]
    public void Parts_arriving_out_of_order_give_the_whole_text_once_the_last_one_comes()
    {
        var buffer = ReassemblyBuffer<int>.Create();
        var step = buffer.Add(Part(Alice, 7, 3, 3, "three"), 103, T0);
        Assert.Null(step.Completed);
        step = step.Buffer.Add(Part(Alice, 7, 3, 1, "one "), 101, T0.AddSeconds(1));
        Assert.Null(step.Completed);
        Assert.Equal([2], Assert.Single(step.Buffer.Pending).Missing.ToArray());
        step = step.Buffer.Add(Part(Alice, 7, 3, 2, "two "), 102, T0.AddSeconds(2));

        var whole = step.Completed!;
        Assert.Equal("one two three", whole.Text);
        Assert.Equal(Alice, whole.Originator);
        Assert.Equal(T0.AddSeconds(1), whole.Timestamp); // the first part's time stamp
        Assert.Equal([101, 102, 103], whole.Parts.Select(p => p.Tag));
        Assert.Equal(new ConcatKey(Alice, 7, 3), whole.Key);
        Assert.Equal(0, step.Buffer.Count);
    }

    [Fact]
    public void A_duplicate_part_is_reported_and_does_not_double_the_text()
    {
        var step = ReassemblyBuffer<string>.Create().Add(Part(Alice, 7, 2, 1, "a"), "sim-1", T0);
        var duplicate = step.Buffer.Add(Part(Alice, 7, 2, 1, "a"), "sim-5", T0);
        Assert.Equal("sim-5", duplicate.Duplicate!.Tag);
        Assert.Same(step.Buffer, duplicate.Buffer);
        var done = duplicate.Buffer.Add(Part(Alice, 7, 2, 2, "b"), "sim-2", T0);
        Assert.Equal("ab", done.Completed!.Text);
        Assert.Equal(["sim-1", "sim-2"], done.Completed.Parts.Select(p => p.Tag));

        // the network delivers part 2 again after the message was complete: still a duplicate
        var late = done.Buffer.Add(Part(Alice, 7, 2, 2, "b"), "sim-9", T0);
        Assert.Equal("sim-9", late.Duplicate!.Tag);
        Assert.Null(late.Completed);
        Assert.Equal(0, late.Buffer.Count);

        // the same reference with other text later is a new message
        var reused = done.Buffer.Add(Part(Alice, 7, 2, 2, "new"), "sim-3", T0);
        Assert.Null(reused.Duplicate);
        Assert.Equal(1, reused.Buffer.Count);
    }

    [Fact]
    public void Completed_messages_are_remembered_only_up_to_the_limit()
    {
        var buffer = ReassemblyBuffer<int>.Create(maxPending: 2);
        for (var reference = 1; reference <= 3; reference++)
        {
            buffer = buffer.Add(Part(Alice, reference, 2, 1, "a"), 0, T0).Buffer;
            buffer = buffer.Add(Part(Alice, reference, 2, 2, "b"), 0, T0).Buffer;
        }
        Assert.Null(buffer.Add(Part(Alice, 1, 2, 2, "b"), 0, T0).Duplicate);    // forgotten: the oldest of three
        Assert.NotNull(buffer.Add(Part(Alice, 3, 2, 2, "b"), 0, T0).Duplicate); // remembered
    }

    [Fact]
    public void Messages_with_the_same_reference_from_different_senders_or_totals_stay_apart()
    {
        var step = ReassemblyBuffer<int>.Create().Add(Part(Alice, 7, 2, 1, "A1"), 1, T0);
        step = step.Buffer.Add(Part(Bob, 7, 2, 2, "B2"), 2, T0);
        step = step.Buffer.Add(Part(Alice, 7, 3, 2, "X2"), 3, T0);
        Assert.Equal(3, step.Buffer.Count);
        step = step.Buffer.Add(Part(Bob, 7, 2, 1, "B1"), 4, T0);
        Assert.Equal("B1B2", step.Completed!.Text);
        step = step.Buffer.Add(Part(Alice, 7, 2, 2, "A2"), 5, T0);
        Assert.Equal("A1A2", step.Completed!.Text);
    }

    [Fact]
    public void Giving_up_returns_the_parts_that_came_and_the_numbers_of_those_that_did_not()
    {
        var step = ReassemblyBuffer<int>.Create().Add(Part(Alice, 9, 4, 3, "c"), 3, T0);
        step = step.Buffer.Add(Part(Alice, 9, 4, 1, "a"), 1, T0);
        var (buffer, incomplete) = step.Buffer.GiveUp(new ConcatKey(Alice, 9, 4));
        Assert.Equal(0, buffer.Count);
        Assert.Equal([2, 4], incomplete!.Missing.ToArray());
        Assert.Equal([1, 3], incomplete.Parts.Select(p => p.Tag));
        Assert.Equal("ac", incomplete.TextSoFar);
        Assert.Equal(GiveUpReason.Requested, incomplete.Reason);
        Assert.Null(buffer.GiveUp(new ConcatKey(Alice, 9, 4)).GivenUp);
    }

    [Fact]
    public void Messages_waiting_since_before_a_cutoff_are_given_up_together()
    {
        var step = ReassemblyBuffer<int>.Create().Add(Part(Alice, 1, 2, 1, "old"), 1, T0);
        step = step.Buffer.Add(Part(Bob, 2, 2, 1, "new"), 2, T0.AddMinutes(10));
        var (buffer, givenUp) = step.Buffer.GiveUpOlderThan(T0.AddMinutes(5));
        Assert.Equal("old", Assert.Single(givenUp).TextSoFar);
        Assert.Equal(Bob, Assert.Single(buffer.Pending).Key.Originator);
    }

    [Fact]
    public void A_full_buffer_gives_up_its_oldest_message_rather_than_lose_it()
    {
        var step = ReassemblyBuffer<int>.Create(maxPending: 2).Add(Part(Alice, 1, 2, 1, "first"), 1, T0);
        step = step.Buffer.Add(Part(Alice, 2, 2, 1, "second"), 2, T0.AddSeconds(1));
        step = step.Buffer.Add(Part(Alice, 3, 2, 1, "third"), 3, T0.AddSeconds(2));
        var evicted = Assert.Single(step.GivenUp);
        Assert.Equal(GiveUpReason.BufferFull, evicted.Reason);
        Assert.Equal("first", evicted.TextSoFar);
        Assert.Equal(2, step.Buffer.Count);
        // a part of a message already held needs no room
        step = step.Buffer.Add(Part(Alice, 2, 2, 2, "!"), 4, T0.AddSeconds(3));
        Assert.Empty(step.GivenUp);
        Assert.Equal("second!", step.Completed!.Text);
    }

    [Fact]
    public void A_reused_reference_with_other_text_gives_up_the_old_message_and_starts_a_new_one()
    {
        var step = ReassemblyBuffer<int>.Create().Add(Part(Alice, 5, 2, 1, "old one"), 1, T0);
        step = step.Buffer.Add(Part(Alice, 5, 2, 1, "new one"), 2, T0.AddHours(1));
        Assert.Equal(GiveUpReason.ReferenceReused, Assert.Single(step.GivenUp).Reason);
        step = step.Buffer.Add(Part(Alice, 5, 2, 2, " done"), 3, T0.AddHours(1));
        Assert.Equal("new one done", step.Completed!.Text);
    }

    [Fact]
    public void An_SMS_that_is_not_concatenated_is_whole_at_once()
    {
        var single = new SmsDeliver(Alice, T0, SmsCoding.Gsm7, MessageClass.None, "hi", [], null);
        var step = ReassemblyBuffer<int>.Create().Add(single, 1, T0);
        Assert.Equal("hi", step.Completed!.Text);
        Assert.Null(step.Completed.Key);
        Assert.Equal(0, step.Buffer.Count);
    }

    [Fact]
    public void The_buffer_is_immutable_an_older_value_does_not_see_later_parts()
    {
        var empty = ReassemblyBuffer<int>.Create();
        var one = empty.Add(Part(Alice, 1, 2, 1, "a"), 1, T0).Buffer;
        var two = one.Add(Part(Alice, 1, 2, 2, "b"), 2, T0);
        Assert.Equal(0, empty.Count);
        Assert.Equal(1, one.Count);
        Assert.Equal("ab", two.Completed!.Text);
        Assert.Equal("ab", one.Add(Part(Alice, 1, 2, 2, "b"), 2, T0).Completed!.Text); // replaying from `one` works again
    }

    [Fact]
    public void A_surrogate_pair_another_sender_split_between_parts_is_whole_again_in_the_text()
    {
        // some phones cut UCS2 parts at 67 units regardless of pairs: 👋 is D83D DC4B
        var step = ReassemblyBuffer<int>.Create().Add(Part(Alice, 3, 2, 1, "hi \uD83D"), 1, T0);
        step = step.Buffer.Add(Part(Alice, 3, 2, 2, "\uDC4B there"), 2, T0);
        Assert.Equal("hi 👋 there", step.Completed!.Text);
    }

    [Fact]
    public void Parts_decoded_from_PDUs_reassemble()
    {
        var plan = TextPlannerTestsHelper.Plan(new string('x', 400) + "€ end");
        var buffer = ReassemblyBuffer<int>.Create();
        ReassembledSms<int>? whole = null;
        var index = 0;
        foreach (var submit in TextPlanner.ToSubmits(plan, Alice, 77, false, null).Reverse())
        {
            var deliver = new SmsDeliver(Bob, T0, submit.Coding, MessageClass.None, submit.Text, [], submit.Concat);
            var decoded = Assert.IsType<SmsDeliver>(Pdu.Decode(Pdu.Encode(deliver)));
            var step = buffer.Add(decoded, index++, T0);
            buffer = step.Buffer;
            whole ??= step.Completed;
        }
        Assert.Equal(new string('x', 400) + "€ end", whole!.Text);
    }
}

internal static class TextPlannerTestsHelper
{
    public static SmsPlan Plan(string text)
    {
        Assert.True(TextPlanner.TryPlan(text, new SmsEncodingOptions(MaxParts: 255), out var plan, out var error), error?.Message);
        return plan!;
    }
}
