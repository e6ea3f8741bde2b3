using System.Diagnostics;

namespace Gateway.ModemLoad;

/// <summary>Per-operation latencies from Stopwatch timestamps, summarised as percentiles in milliseconds.</summary>
public sealed class Latencies(int capacity)
{
    private readonly List<long> _ticks = new(capacity);

    public int Count => _ticks.Count;

    public void Add(long startTimestamp, long endTimestamp) => _ticks.Add(endTimestamp - startTimestamp);

    public double PercentileMs(double p)
    {
        var sorted = _ticks.Order().ToArray();
        var index = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)] * 1000.0 / Stopwatch.Frequency;
    }

    public double MeanMs => _ticks.Average() * 1000.0 / Stopwatch.Frequency;

    public string Summary() => $"p50 {PercentileMs(50):0.000} ms  p99 {PercentileMs(99):0.000} ms  mean {MeanMs:0.000} ms  (n={Count})";
}
