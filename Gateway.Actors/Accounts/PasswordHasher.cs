using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Accounts;

/// <summary>
/// Salted, slow password hashes: PBKDF2-HMAC-SHA256, written
/// <c>$pbkdf2-sha256$i=600000$&lt;salt base64&gt;$&lt;hash base64&gt;</c>. The cost travels inside
/// the hash, so it can be raised later without breaking stored values. 600,000 iterations is
/// OWASP's 2023 figure for PBKDF2-SHA256 (~140 ms on one core here).
/// </summary>
public static class PasswordHasher
{
    public const string Scheme = "pbkdf2-sha256";
    public const int DefaultIterations = 600_000;

    /// <summary>Weaker hashes are refused outright; tests use this floor to stay fast.</summary>
    public const int MinIterations = 1_000;

    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static string Hash(string password, int iterations = DefaultIterations)
    {
        if (iterations < MinIterations) throw new ArgumentOutOfRangeException(nameof(iterations), $"at least {MinIterations}");
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, iterations);
        return $"${Scheme}$i={iterations.ToString(CultureInfo.InvariantCulture)}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>Checks a password in constant time with respect to the stored hash. A malformed hash never verifies.</summary>
    public static bool Verify(string password, string storedHash) =>
        TryParse(storedHash, out var iterations, out var salt, out var expected)
        && CryptographicOperations.FixedTimeEquals(Derive(password, salt, iterations), expected);

    /// <summary>Whether <paramref name="storedHash"/> has this scheme's shape (for configuration checks).</summary>
    public static bool IsWellFormed(string storedHash, out string? problem)
    {
        problem = TryParse(storedHash, out var iterations, out _, out _)
            ? null
            : $"is not a hash from the hash-password verb (expected ${Scheme}$i=N$salt$hash)";
        if (problem is null && iterations < MinIterations) problem = $"uses {iterations} iterations; at least {MinIterations}";
        return problem is null;
    }

    /// <summary>The iteration count of a stored hash, or 0 if it is malformed.</summary>
    public static int Iterations(string storedHash) => TryParse(storedHash, out var iterations, out _, out _) ? iterations : 0;

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);

    private static bool TryParse(string stored, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = stored.Split('$');
        if (parts.Length != 5 || parts[0].Length != 0 || parts[1] != Scheme || !parts[2].StartsWith("i=", StringComparison.Ordinal)
            || !int.TryParse(parts[2].AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            || iterations < MinIterations || iterations > 100_000_000)
            return false;
        try
        {
            salt = Convert.FromBase64String(parts[3]);
            hash = Convert.FromBase64String(parts[4]);
        }
        catch (FormatException)
        {
            return false;
        }
        return salt.Length >= 8 && hash.Length == HashBytes;
    }
}
