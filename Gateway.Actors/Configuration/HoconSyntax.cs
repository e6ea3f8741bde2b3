namespace Gateway.Configuration;

/// <summary>
/// A strict structural check of HOCON text, run before Akka's parser. Akka.NET's parser accepts
/// much that is broken (<c>a = = 3</c>, an unterminated string, a stray <c>}</c>) and loops forever
/// on a mismatched bracket such as <c>[1, 2 }</c>; an operator's typo must instead be named with
/// its line and column. This checks shape only (brackets, strings, keys and values), not meaning.
/// </summary>
public static class HoconSyntax
{
    /// <summary>The first structural problem in <paramref name="text"/>, as "line L, column C: …", or null.</summary>
    public static string? Check(string text)
    {
        try
        {
            new Checker(new Lexer(text).Tokens()).Root();
            return null;
        }
        catch (SyntaxError e)
        {
            return e.Message;
        }
    }

    private sealed class SyntaxError(int line, int column, string problem)
        : Exception($"line {line}, column {column}: {problem}");

    private enum Kind { OpenBrace, CloseBrace, OpenBracket, CloseBracket, Separator, Comma, Newline, Quoted, Unquoted, Substitution, End }

    private readonly record struct Token(Kind Kind, string Text, int Line, int Column)
    {
        public string Describe() => Kind switch
        {
            Kind.Newline => "end of line",
            Kind.End => "end of file",
            Kind.Quoted => $"\"{Text}\"",
            _ => $"'{Text}'",
        };
    }

    private sealed class Lexer(string text)
    {
        private int _pos;
        private int _line = 1;
        private int _lineStart;

        private int Column => _pos - _lineStart + 1;

        public List<Token> Tokens()
        {
            var tokens = new List<Token>();
            while (true)
            {
                SkipSpacesAndComments();
                if (_pos >= text.Length)
                {
                    tokens.Add(new Token(Kind.End, "", _line, Column));
                    return tokens;
                }
                var c = text[_pos];
                var (line, col) = (_line, Column);
                switch (c)
                {
                    case '\n':
                        tokens.Add(new Token(Kind.Newline, "\\n", line, col));
                        _pos++;
                        _line++;
                        _lineStart = _pos;
                        break;
                    case '{': tokens.Add(new Token(Kind.OpenBrace, "{", line, col)); _pos++; break;
                    case '}': tokens.Add(new Token(Kind.CloseBrace, "}", line, col)); _pos++; break;
                    case '[': tokens.Add(new Token(Kind.OpenBracket, "[", line, col)); _pos++; break;
                    case ']': tokens.Add(new Token(Kind.CloseBracket, "]", line, col)); _pos++; break;
                    case ',': tokens.Add(new Token(Kind.Comma, ",", line, col)); _pos++; break;
                    case '=' or ':': tokens.Add(new Token(Kind.Separator, c.ToString(), line, col)); _pos++; break;
                    case '+' when Peek(1) == '=': tokens.Add(new Token(Kind.Separator, "+=", line, col)); _pos += 2; break;
                    case '"': tokens.Add(Quoted(line, col)); break;
                    case '$' when Peek(1) == '{': tokens.Add(Substitution(line, col)); break;
                    default: tokens.Add(Unquoted(line, col)); break;
                }
            }
        }

        private char Peek(int ahead) => _pos + ahead < text.Length ? text[_pos + ahead] : '\0';

        private void SkipSpacesAndComments()
        {
            while (_pos < text.Length)
            {
                var c = text[_pos];
                if (c is ' ' or '\t' or '\r' or '\uFEFF') _pos++;
                else if (c == '#' || (c == '/' && Peek(1) == '/'))
                    while (_pos < text.Length && text[_pos] != '\n') _pos++;
                else return;
            }
        }

        private Token Quoted(int line, int col)
        {
            if (Peek(1) == '"' && Peek(2) == '"')
            {
                var end = text.IndexOf("\"\"\"", _pos + 3, StringComparison.Ordinal);
                if (end < 0) throw new SyntaxError(line, col, "a \"\"\" string is never closed");
                var body = text[(_pos + 3)..end];
                foreach (var ch in body)
                    if (ch == '\n') { _line++; }
                _pos = end + 3;
                _lineStart = text.LastIndexOf('\n', _pos - 1) + 1;
                return new Token(Kind.Quoted, body, line, col);
            }
            var start = ++_pos;
            while (_pos < text.Length && text[_pos] != '"')
            {
                if (text[_pos] == '\n') break;
                if (text[_pos] == '\\') _pos++;
                _pos++;
            }
            if (_pos >= text.Length || text[_pos] != '"')
                throw new SyntaxError(line, col, "a quoted string is not closed on its line");
            return new Token(Kind.Quoted, text[start.._pos++], line, col);
        }

        private Token Substitution(int line, int col)
        {
            var end = text.IndexOf('}', _pos);
            var newline = text.IndexOf('\n', _pos);
            if (end < 0 || (newline >= 0 && newline < end)) throw new SyntaxError(line, col, "a ${…} substitution is not closed");
            var token = new Token(Kind.Substitution, text[_pos..(end + 1)], line, col);
            _pos = end + 1;
            return token;
        }

        private Token Unquoted(int line, int col)
        {
            var start = _pos;
            while (_pos < text.Length)
            {
                var c = text[_pos];
                if (c is '{' or '}' or '[' or ']' or ',' or '=' or ':' or '"' or '#' or '\n' or '\r'
                    || (c == '/' && Peek(1) == '/') || (c == '+' && Peek(1) == '=') || (c == '$' && Peek(1) == '{'))
                    break;
                _pos++;
            }
            if (_pos == start) throw new SyntaxError(line, col, $"unexpected character '{text[_pos]}'");
            return new Token(Kind.Unquoted, text[start.._pos].TrimEnd(), line, col);
        }
    }

    /// <summary>Recursive descent over the tokens: objects of fields, fields of key and value, arrays of values.</summary>
    private sealed class Checker(List<Token> tokens)
    {
        private int _i;

        private Token Current => tokens[_i];

        public void Root()
        {
            SkipSeparators();
            if (Current.Kind == Kind.OpenBrace)
            {
                _i++;
                ObjectBody(Kind.CloseBrace);
                _i++;
            }
            else ObjectBody(Kind.End);
            SkipSeparators();
            if (Current.Kind != Kind.End) throw Unexpected("after the end of the configuration");
        }

        private void SkipSeparators()
        {
            while (Current.Kind is Kind.Newline or Kind.Comma) _i++;
        }

        private SyntaxError Unexpected(string where) =>
            new(Current.Line, Current.Column, $"unexpected {Current.Describe()} {where}");

        /// <summary>Fields until <paramref name="close"/>; leaves the cursor on it.</summary>
        private void ObjectBody(Kind close)
        {
            while (true)
            {
                SkipSeparators();
                if (Current.Kind == close) return;
                if (Current.Kind == Kind.End)
                    throw new SyntaxError(Current.Line, Current.Column, "end of file inside { … }: a closing brace is missing");
                Field();
                if (Current.Kind == Kind.End && close != Kind.End)
                    throw new SyntaxError(Current.Line, Current.Column, "end of file inside { … }: a closing brace is missing");
                if (Current.Kind is not (Kind.Newline or Kind.Comma) && Current.Kind != close)
                    throw Unexpected("after a value; put each entry on its own line or separate entries with commas");
            }
        }

        private void Field()
        {
            var key = Current;
            if (key.Kind == Kind.Unquoted && key.Text == "include")
            {
                _i++;
                if (Current.Kind != Kind.Quoted) throw Unexpected("after include; write include \"file.conf\"");
                _i++;
                return;
            }
            if (key.Kind is not (Kind.Unquoted or Kind.Quoted)) throw Unexpected("where a key was expected");
            if (key.Kind == Kind.Unquoted && key.Text.StartsWith("include ", StringComparison.Ordinal))
                throw new SyntaxError(key.Line, key.Column, "the file name after include must be quoted: include \"file.conf\"");
            while (Current.Kind is Kind.Unquoted or Kind.Quoted) _i++;
            if (Current.Kind == Kind.OpenBrace)
            {
                Value();
                return;
            }
            if (Current.Kind != Kind.Separator)
                throw new SyntaxError(key.Line, key.Column, $"key '{key.Text}' has no value: expected = or {{ after it, found {Current.Describe()}");
            _i++;
            while (Current.Kind == Kind.Newline) _i++; // HOCON allows the value on the next line
            Value();
        }

        /// <summary>A value, possibly a concatenation of several on one line (<c>a b</c>, <c>${x} y</c>).</summary>
        private void Value()
        {
            var any = false;
            while (true)
            {
                switch (Current.Kind)
                {
                    case Kind.Quoted or Kind.Unquoted or Kind.Substitution:
                        _i++;
                        break;
                    case Kind.OpenBrace:
                        _i++;
                        ObjectBody(Kind.CloseBrace);
                        _i++;
                        break;
                    case Kind.OpenBracket:
                        _i++;
                        ArrayBody();
                        _i++;
                        break;
                    default:
                        if (!any) throw Unexpected("where a value was expected");
                        return;
                }
                any = true;
            }
        }

        private void ArrayBody()
        {
            while (true)
            {
                SkipSeparators();
                if (Current.Kind == Kind.CloseBracket) return;
                if (Current.Kind == Kind.End)
                    throw new SyntaxError(Current.Line, Current.Column, "end of file inside [ … ]: a closing bracket is missing");
                if (Current.Kind == Kind.CloseBrace) throw Unexpected("inside [ … ]: a closing bracket ] is missing");
                Value();
                if (Current.Kind == Kind.CloseBrace) throw Unexpected("inside [ … ]: a closing bracket ] is missing");
                if (Current.Kind is not (Kind.Newline or Kind.Comma or Kind.CloseBracket))
                    throw Unexpected("inside a list; separate items with commas");
            }
        }
    }
}
