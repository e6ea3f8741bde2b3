using System.Net;
using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Accounts;

public class AccountDirectoryTests
{
    private static readonly string AliceHash = PasswordHasher.Hash("alice-secret", 1000);
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");

    private static AccountDirectory Directory(ManualTime time, TimeSpan? cacheTtl = null) =>
        new([new UserSettings("alice", "alice@sms.example.net", AliceHash, ["operator-a"], NotifyMode.Failures)],
            new LoginThrottleSettings(3, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(4)),
            cacheTtl ?? TimeSpan.FromMinutes(5), time);

    [Theory]
    [InlineData("alice@sms.example.net")]
    [InlineData("ALICE@sms.example.net")]
    [InlineData("alice")]
    public void A_user_logs_in_with_the_address_or_the_short_name(string login)
    {
        var result = Directory(new ManualTime()).Authenticate(login, "alice-secret", Client);
        Assert.True(result.Succeeded);
        Assert.Equal("alice", result.Account!.Name);
    }

    [Fact]
    public void A_wrong_password_and_an_unknown_user_get_the_same_answer()
    {
        var d = Directory(new ManualTime());
        var wrongPassword = d.Authenticate("alice", "nope", Client);
        var unknownUser = d.Authenticate("mallory", "alice-secret", IPAddress.Parse("192.0.2.99"));
        Assert.Equal(LoginOutcome.Refused, wrongPassword.Outcome);
        Assert.Equal(wrongPassword, unknownUser);
    }

    [Fact]
    public void Repeated_failures_lock_the_user_out_even_from_other_addresses_then_the_lock_expires()
    {
        var time = new ManualTime();
        var d = Directory(time);
        for (var i = 0; i < 3; i++)
            Assert.Equal(LoginOutcome.Refused, d.Authenticate("alice", "guess" + i, IPAddress.Parse($"198.51.100.{i}")).Outcome);

        var locked = d.Authenticate("alice", "alice-secret", IPAddress.Parse("203.0.113.7"));
        Assert.Equal(LoginOutcome.Throttled, locked.Outcome);
        Assert.Equal(TimeSpan.FromMinutes(1), locked.RetryAfter);

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(d.Authenticate("alice", "alice-secret", IPAddress.Parse("203.0.113.7")).Succeeded);
    }

    [Fact]
    public void A_client_address_that_sprays_user_names_is_locked_out_and_the_lockout_doubles()
    {
        var time = new ManualTime();
        var d = Directory(time);
        for (var i = 0; i < 3; i++) d.Authenticate($"user{i}", "x", Client);
        Assert.Equal(LoginOutcome.Throttled, d.Authenticate("alice", "alice-secret", Client).Outcome);

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(LoginOutcome.Refused, d.Authenticate("user9", "x", Client).Outcome); // a 4th failure: 2 minutes now
        Assert.Equal(TimeSpan.FromMinutes(2), d.Authenticate("alice", "alice-secret", Client).RetryAfter);
        Assert.True(d.Authenticate("alice", "alice-secret", IPAddress.Loopback).Succeeded);
    }

    [Fact]
    public void Failed_and_throttled_logins_are_reported_for_the_log()
    {
        var d = Directory(new ManualTime());
        var seen = new List<(string, LoginOutcome)>();
        d.LoginFailed += (login, _, outcome) => seen.Add((login, outcome));
        for (var i = 0; i < 4; i++) d.Authenticate("alice", "bad", Client);
        Assert.Equal(new[] { LoginOutcome.Refused, LoginOutcome.Refused, LoginOutcome.Refused, LoginOutcome.Throttled }, seen.Select(s => s.Item2));
    }

    [Fact]
    public void A_remembered_login_still_refuses_a_different_password()
    {
        var d = Directory(new ManualTime());
        Assert.True(d.Authenticate("alice", "alice-secret", Client).Succeeded);
        Assert.False(d.Authenticate("alice", "alice-secreT", Client).Succeeded);
        Assert.True(d.Authenticate("alice", "alice-secret", Client).Succeeded);
    }
}
