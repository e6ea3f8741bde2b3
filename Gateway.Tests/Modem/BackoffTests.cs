using FsCheck.Xunit;
using Gateway.Modem;
using Xunit;

namespace Gateway.Tests.Modem;

public class BackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(1), Max = TimeSpan.FromSeconds(60);

    [Fact]
    public void The_delay_doubles_from_the_minimum_and_stops_at_the_maximum()
    {
        var middle = 0.5; // no spread
        Assert.Equal(TimeSpan.FromSeconds(1), Backoff.Delay(1, Min, Max, middle));
        Assert.Equal(TimeSpan.FromSeconds(2), Backoff.Delay(2, Min, Max, middle));
        Assert.Equal(TimeSpan.FromSeconds(32), Backoff.Delay(6, Min, Max, middle));
        Assert.Equal(TimeSpan.FromSeconds(60), Backoff.Delay(7, Min, Max, middle));
        Assert.Equal(TimeSpan.FromSeconds(60), Backoff.Delay(1000, Min, Max, middle));
    }

    [Fact]
    public void Jitter_spreads_the_delay_by_at_most_a_fifth()
    {
        Assert.Equal(3.2, Backoff.Delay(3, Min, Max, 0).TotalSeconds, precision: 3);
        Assert.Equal(4.8, Backoff.Delay(3, Min, Max, 0.9999999999).TotalSeconds, precision: 3);
    }

    [Property(MaxTest = 500)]
    public bool The_delay_is_never_above_the_maximum_nor_below_four_fifths_of_the_minimum(ushort attempt, double jitter)
    {
        if (double.IsNaN(jitter)) jitter = 0;
        var d = Backoff.Delay(attempt + 1, Min, Max, jitter);
        return d <= Max && d >= Min * 0.8;
    }
}
