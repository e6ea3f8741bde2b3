using Gateway.Configuration;
using Xunit;

namespace Gateway.Tests.Configuration;

public class HoconSyntaxTests
{
    [Theory]
    [InlineData("gateway { x = [1, 2 }", "line 1, column 21", "closing bracket")]  // hangs Akka's parser
    [InlineData("gateway { a = = 3 }", "line 1, column 15", "where a value was expected")]
    [InlineData("gateway { a 3 }", "line 1, column 11", "has no value")]
    [InlineData("gateway } {", "line 1, column 1", "key 'gateway' has no value")]
    [InlineData("gateway {\n  a = \"unterminated\n}", "line 2, column 7", "not closed")]
    [InlineData("gateway { = 3 }", "line 1, column 11", "where a key was expected")]
    [InlineData("gateway { sms { max-parts = 3 }", "line 1, column 32", "closing brace is missing")]
    [InlineData("gateway { sms { max-parts = 3 } }}", "line 1, column 34", "unexpected '}'")]
    [InlineData("include gateway.conf", "line 1, column 1", "include \"file.conf\"")]
    public void Broken_structure_is_named_with_line_and_column(string text, string where, string problem)
    {
        var error = HoconSyntax.Check(text);
        Assert.NotNull(error);
        Assert.Contains(where, error);
        Assert.Contains(problem, error);
    }

    [Theory]
    [InlineData("gateway { a = 1, b = \"x\" }")]
    [InlineData("gateway {\n  a = 1\n  b.c = [ { x = 1 }\n { x = 2 } ]\n}")]
    [InlineData("# comment\n// another\ngateway.sms { allow-unicode = on }  # trailing")]
    [InlineData("include \"cluster.conf\"\ngateway.node.name = \"node-b\"")]
    [InlineData("a = ${b} suffix\nb = \"\"\"multi\nline\"\"\"")]
    [InlineData("gateway.mail.smtp.listen = [ { host = \"127.0.0.1\", port = 2525, tls = none } ]")]
    [InlineData("gateway.cluster.seed-nodes = []\ngateway.x = \"127.0.0.1:4053\"")]
    [InlineData("a =\n  5")]
    public void Valid_HOCON_passes(string text) => Assert.Null(HoconSyntax.Check(text));

    [Fact]
    public void Random_text_never_throws_or_hangs()
    {
        var random = new Random(42);
        const string alphabet = "ab =:{}[],\"#\n$+/.\\1";
        for (var i = 0; i < 20_000; i++)
        {
            var chars = new char[random.Next(0, 60)];
            for (var j = 0; j < chars.Length; j++) chars[j] = alphabet[random.Next(alphabet.Length)];
            _ = HoconSyntax.Check(new string(chars));
        }
    }
}
