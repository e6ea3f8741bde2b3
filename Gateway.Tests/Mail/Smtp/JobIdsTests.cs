using Gateway.Mail.Smtp;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Mail.Smtp;

public class JobIdsTests
{
    [Fact]
    public void Ids_are_16_safe_characters_and_unique()
    {
        var ids = Enumerable.Range(0, 100_000).Select(_ => JobIds.New()).ToList();
        Assert.All(ids, id => Assert.True(JobIds.IsWellFormed(id), id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Ids_sort_by_the_time_they_were_made()
    {
        var time = new ManualTime();
        var earlier = JobIds.New(time);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var later = JobIds.New(time);
        Assert.True(string.CompareOrdinal(earlier, later) < 0, $"{earlier} < {later}");
    }
}
