using System.Security.Cryptography;

namespace Gateway.Mail.Smtp;

/// <summary>
/// Makes the ids of outgoing jobs and submissions: 16 characters of Crockford base32 (digits and
/// upper-case letters without I, L, O, U), 9 for the time in milliseconds and 7 random (35 bits),
/// e.g. <c>06BX2R4Q1M7ZK3T9</c>. Short enough to quote in a 250 reply and to read on a phone,
/// sortable by time, and unique across the nodes of a cluster without coordination (two ids
/// collide only when made in the same millisecond with the same 35 random bits).
/// </summary>
public static class JobIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public const int Length = 16;

    public static string New(TimeProvider? time = null)
    {
        var ms = (ulong)(time ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds();
        Span<char> id = stackalloc char[Length];
        for (var i = 8; i >= 0; i--)
        {
            id[i] = Alphabet[(int)(ms & 31)];
            ms >>= 5;
        }
        Span<byte> random = stackalloc byte[5];
        RandomNumberGenerator.Fill(random);
        var bits = (ulong)random[0] | (ulong)random[1] << 8 | (ulong)random[2] << 16 | (ulong)random[3] << 24 | (ulong)random[4] << 32;
        for (var i = 9; i < Length; i++)
        {
            id[i] = Alphabet[(int)(bits & 31)];
            bits >>= 5;
        }
        return new string(id);
    }

    /// <summary>Whether <paramref name="id"/> has the shape <see cref="New"/> gives.</summary>
    public static bool IsWellFormed(string id) => id.Length == Length && id.All(c => Alphabet.Contains(c));
}
