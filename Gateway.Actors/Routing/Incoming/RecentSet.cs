namespace Gateway.Routing.Incoming;

/// <summary>A set that remembers at most <c>capacity</c> items, forgetting the oldest first. Not thread-safe: owned by one actor.</summary>
public sealed class RecentSet<T>(int capacity) where T : notnull
{
    private readonly HashSet<T> _items = [];
    private readonly Queue<T> _order = new();

    public int Count => _items.Count;

    public bool Contains(T item) => _items.Contains(item);

    public void Add(T item)
    {
        if (!_items.Add(item)) return;
        _order.Enqueue(item);
        if (_order.Count > capacity) _items.Remove(_order.Dequeue());
    }
}
