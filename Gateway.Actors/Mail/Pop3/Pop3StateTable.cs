using System.Collections.Immutable;

namespace Gateway.Mail.Pop3;

/// <summary>The states of a POP3 session (RFC 1939 section 3).</summary>
public enum Pop3State
{
    /// <summary>Before log-in: CAPA, STLS, USER/PASS, AUTH, QUIT.</summary>
    Authorization,

    /// <summary>Logged in with the maildrop locked: the mail commands.</summary>
    Transaction,

    /// <summary>After QUIT in TRANSACTION: deletions are being committed; no more commands.</summary>
    Update,
}

/// <summary>What the state table needs to know about a connection to judge a command.</summary>
/// <param name="UserGiven">USER was accepted and PASS may follow.</param>
/// <param name="Secure">The connection is TLS (implicit, or after STLS).</param>
/// <param name="TlsAvailable">A certificate is configured, so STLS can be offered.</param>
/// <param name="PasswordLoginAllowed">USER/PASS and AUTH PLAIN are allowed here (TLS, or <c>mail.allow-plaintext-auth</c>).</param>
public sealed record Pop3Guards(bool UserGiven, bool Secure, bool TlsAvailable, bool PasswordLoginAllowed);

/// <summary>One row of the table: the command is allowed when <see cref="Refusal"/> gives null; success leads to <see cref="Next"/>.</summary>
/// <param name="Refusal">The <c>-ERR</c> text when a guard fails, or null when the command may run.</param>
/// <param name="Next">The state after the command succeeds.</param>
public sealed record Pop3Rule(Func<Pop3Guards, string?> Refusal, Pop3State Next);

/// <summary>
/// Which command is allowed in which state, under which guard, and where it leads: the POP3
/// server's protocol in one table (read it top to bottom as the life of a session). The session
/// engine consults it before running a command; a command missing from a state's row is refused
/// as out of place.
/// <code>
///   AUTHORIZATION ──USER/PASS, AUTH (password accepted, maildrop locked)──► TRANSACTION
///        │  STLS (TLS, then AUTHORIZATION again)                               │ QUIT
///        └─ QUIT: close, nothing changed                  UPDATE ◄─────────────┘ (deletions committed, then close)
/// </code>
/// </summary>
public static class Pop3StateTable
{
    private static string? Always(Pop3Guards _) => null;

    private static string? PasswordAllowed(Pop3Guards g) =>
        g.PasswordLoginAllowed
            ? null
            : g.TlsAvailable
                ? "[AUTH] plaintext log-in is not allowed on this connection; use STLS first"
                : "[AUTH] plaintext log-in is not allowed on this connection; use the TLS port";

    private static string? StlsAllowed(Pop3Guards g) =>
        g.Secure ? "the connection already uses TLS"
        : !g.TlsAvailable ? "STLS is not available (no certificate is configured)"
        : g.UserGiven ? "STLS must come before USER"
        : null;

    private static string? PassAllowed(Pop3Guards g) => PasswordAllowed(g) ?? (g.UserGiven ? null : "give USER first");

    public static readonly ImmutableDictionary<Pop3State, ImmutableDictionary<Pop3Verb, Pop3Rule>> Table =
        new Dictionary<Pop3State, ImmutableDictionary<Pop3Verb, Pop3Rule>>
        {
            [Pop3State.Authorization] = new Dictionary<Pop3Verb, Pop3Rule>
            {
                [Pop3Verb.Capa] = new(Always, Pop3State.Authorization),
                [Pop3Verb.Stls] = new(StlsAllowed, Pop3State.Authorization),
                [Pop3Verb.User] = new(PasswordAllowed, Pop3State.Authorization),
                [Pop3Verb.Pass] = new(PassAllowed, Pop3State.Transaction),
                [Pop3Verb.Auth] = new(PasswordAllowed, Pop3State.Transaction),
                [Pop3Verb.Quit] = new(Always, Pop3State.Authorization),
            }.ToImmutableDictionary(),
            [Pop3State.Transaction] = new Dictionary<Pop3Verb, Pop3Rule>
            {
                [Pop3Verb.Stat] = new(Always, Pop3State.Transaction),
                [Pop3Verb.List] = new(Always, Pop3State.Transaction),
                [Pop3Verb.Uidl] = new(Always, Pop3State.Transaction),
                [Pop3Verb.Retr] = new(Always, Pop3State.Transaction),
                [Pop3Verb.Top] = new(Always, Pop3State.Transaction),
                [Pop3Verb.Dele] = new(Always, Pop3State.Transaction),
                [Pop3Verb.Rset] = new(Always, Pop3State.Transaction),
                [Pop3Verb.Noop] = new(Always, Pop3State.Transaction),
                [Pop3Verb.Capa] = new(Always, Pop3State.Transaction),
                [Pop3Verb.Quit] = new(Always, Pop3State.Update),
            }.ToImmutableDictionary(),
            [Pop3State.Update] = ImmutableDictionary<Pop3Verb, Pop3Rule>.Empty,
        }.ToImmutableDictionary();

    /// <summary>Null when <paramref name="verb"/> may run in <paramref name="state"/>; otherwise the <c>-ERR</c> text.</summary>
    public static string? Refusal(Pop3State state, Pop3Verb verb, Pop3Guards guards)
    {
        if (!Table[state].TryGetValue(verb, out var rule))
            return state == Pop3State.Authorization
                ? $"{verb.ToString().ToUpperInvariant()} is not allowed before log-in"
                : $"{verb.ToString().ToUpperInvariant()} is not allowed after log-in";
        return rule.Refusal(guards);
    }

    /// <summary>Where <paramref name="verb"/> leads from <paramref name="state"/> when it succeeds.</summary>
    public static Pop3State Next(Pop3State state, Pop3Verb verb) => Table[state][verb].Next;
}
