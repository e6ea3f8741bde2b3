namespace Gateway.Tests.Support;

/// <summary>
/// Gathers an async sequence (TestKit's ReceiveNAsync and friends). Two ToListAsync extensions
/// are in scope here (System.Linq.Async via Akka and .NET's own), so calls to them are ambiguous.
/// </summary>
public static class Collect
{
    public static async Task<List<T>> AllAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items) list.Add(item);
        return list;
    }
}
