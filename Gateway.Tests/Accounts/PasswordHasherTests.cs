using Gateway.Accounts;
using Xunit;

namespace Gateway.Tests.Accounts;

public class PasswordHasherTests
{
    [Fact]
    public void A_hash_verifies_its_password_and_no_other()
    {
        var hash = PasswordHasher.Hash("correct horse", 1000);
        Assert.True(PasswordHasher.Verify("correct horse", hash));
        Assert.False(PasswordHasher.Verify("correct hors", hash));
        Assert.False(PasswordHasher.Verify("", hash));
    }

    [Fact]
    public void Hashes_are_salted_so_the_same_password_hashes_differently()
    {
        Assert.NotEqual(PasswordHasher.Hash("pw", 1000), PasswordHasher.Hash("pw", 1000));
    }

    [Fact]
    public void The_hash_names_its_scheme_and_cost_and_never_contains_the_password()
    {
        var hash = PasswordHasher.Hash("hunter2hunter2", 1000);
        Assert.StartsWith("$pbkdf2-sha256$i=1000$", hash);
        Assert.DoesNotContain("hunter2", hash);
    }

    [Theory]
    [InlineData("")]
    [InlineData("plaintext")]
    [InlineData("$pbkdf2-sha256$i=10$c2FsdHNhbHQ=$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("$pbkdf2-sha256$i=1000$!!notbase64$AAAA")]
    [InlineData("$md5$i=1000$c2FsdHNhbHQ=$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void A_malformed_or_too_weak_hash_never_verifies_and_is_reported(string stored)
    {
        Assert.False(PasswordHasher.Verify("anything", stored));
        Assert.False(PasswordHasher.IsWellFormed(stored, out var problem));
        Assert.NotNull(problem);
    }
}
