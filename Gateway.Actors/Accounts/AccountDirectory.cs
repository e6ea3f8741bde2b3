using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Gateway.Configuration;

namespace Gateway.Accounts;

/// <summary>A user who may log in, as configured.</summary>
public sealed record Account(string Name, string Address, UserSettings Settings);

public enum LoginOutcome { Success, Refused, Throttled }

/// <summary>
/// The outcome of a log-in. A refusal never says whether the user or the password was wrong;
/// <see cref="RetryAfter"/> is set when the attempt was not even checked because of throttling.
/// </summary>
public sealed record LoginResult(LoginOutcome Outcome, Account? Account, TimeSpan RetryAfter)
{
    public bool Succeeded => Outcome == LoginOutcome.Success;
}

/// <summary>
/// The users from <c>gateway.users</c>: finds an account by address or short name and checks
/// passwords, throttling failures per user and per client address. Successful checks are
/// remembered for <c>auth-cache-ttl</c> as an HMAC under a per-process random key (never the
/// password), so mail clients that log in every few minutes do not pay the slow hash each time.
/// Thread-safe.
/// </summary>
public sealed class AccountDirectory
{
    private readonly Dictionary<string, Account> _byLogin = new(StringComparer.OrdinalIgnoreCase);
    private readonly LoginThrottle _throttle;
    private readonly TimeProvider _time;
    private readonly TimeSpan _cacheTtl;
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, (byte[] Mac, DateTimeOffset Until)> _verified = new(StringComparer.Ordinal);
    private readonly Lazy<string> _dummyHash;

    /// <summary>Called for every failed or throttled log-in: (login as given, client address, outcome).</summary>
    public event Action<string, IPAddress, LoginOutcome>? LoginFailed;

    public AccountDirectory(IEnumerable<UserSettings> users, LoginThrottleSettings throttle, TimeSpan authCacheTtl, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _throttle = new LoginThrottle(throttle, _time);
        _cacheTtl = authCacheTtl;
        foreach (var u in users)
        {
            var account = new Account(u.Name, u.Address, u);
            _byLogin[u.Address] = account;
            _byLogin.TryAdd(u.Name, account);
        }
        // An unknown user costs as much as a real one: hash at the cost the configured users have.
        var cost = users.Select(u => PasswordHasher.Iterations(u.PasswordHash)).DefaultIfEmpty(PasswordHasher.DefaultIterations).Max();
        _dummyHash = new Lazy<string>(() => PasswordHasher.Hash("not a password", Math.Max(cost, PasswordHasher.MinIterations)));
    }

    public static AccountDirectory FromSettings(GatewaySettings s, TimeProvider? time = null) =>
        new(s.Users.Values, s.Mail.LoginThrottle, s.Mail.AuthCacheTtl, time);

    /// <summary>The account whose address or short name is <paramref name="login"/> (case-insensitive).</summary>
    public Account? Find(string login) => _byLogin.GetValueOrDefault(login.Trim());

    /// <summary>Checks a log-in. CPU-heavy on a cache miss (the slow hash): call it off actor threads.</summary>
    public LoginResult Authenticate(string login, string password, IPAddress client)
    {
        var account = Find(login);
        var userKey = "user:" + (account?.Name ?? login.Trim().ToLowerInvariant());
        var clientKey = "client:" + client;
        var wait = Max(_throttle.RetryAfter(userKey), _throttle.RetryAfter(clientKey));
        if (wait > TimeSpan.Zero)
        {
            LoginFailed?.Invoke(login, client, LoginOutcome.Throttled);
            return new LoginResult(LoginOutcome.Throttled, null, wait);
        }

        bool ok;
        if (account is null)
        {
            PasswordHasher.Verify(password, _dummyHash.Value); // same cost as a real check: no user enumeration by timing
            ok = false;
        }
        else ok = IsRemembered(account, password) || Remember(account, password, PasswordHasher.Verify(password, account.Settings.PasswordHash));

        if (ok)
        {
            _throttle.RecordSuccess(userKey);
            return new LoginResult(LoginOutcome.Success, account, TimeSpan.Zero);
        }
        _throttle.RecordFailure(userKey);
        _throttle.RecordFailure(clientKey);
        LoginFailed?.Invoke(login, client, LoginOutcome.Refused);
        return new LoginResult(LoginOutcome.Refused, null, TimeSpan.Zero);
    }

    private byte[] Mac(Account account, string password) =>
        HMACSHA256.HashData(_cacheKey, Encoding.UTF8.GetBytes($"{account.Name}\0{account.Settings.PasswordHash}\0{password}"));

    private bool IsRemembered(Account account, string password) =>
        _cacheTtl > TimeSpan.Zero
        && _verified.TryGetValue(account.Name, out var entry)
        && entry.Until > _time.GetUtcNow()
        && CryptographicOperations.FixedTimeEquals(entry.Mac, Mac(account, password));

    private bool Remember(Account account, string password, bool verified)
    {
        if (verified && _cacheTtl > TimeSpan.Zero)
            _verified[account.Name] = (Mac(account, password), _time.GetUtcNow() + _cacheTtl);
        return verified;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
