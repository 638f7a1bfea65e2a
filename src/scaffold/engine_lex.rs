//! The lexer of the fast template parse (`engine_text.rs`): a template source as text, variable tags, other tags
//! and raw-block bodies, found with byte searches as Tera's grammar delimits them.

/// Opens a marker; the marker is `OPEN`, a decimal index, `CLOSE`. Private-use characters: no whitespace,
/// nothing Tera's grammar gives meaning to; a source holding either is parsed as it is.
pub(super) const OPEN: char = '\u{e000}';
pub(super) const CLOSE: char = '\u{e001}';

/// One lexical token of a template source (byte ranges).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token {
    /// Literal text.
    Text(usize, usize),
    /// A `{{ ... }}` tag without whitespace control, a candidate for the shared tag cache.
    Var(usize, usize),
    /// Anything else Tera parses itself: block tags, comments, other variable tags.
    Tag(usize, usize),
    /// The contents of a `{% raw %}` block.
    RawBody(usize, usize),
}

/// Splits `source` into tokens; `None` when it is not plainly lexable (an unclosed tag, a marker character),
/// and Tera alone must parse it.
pub(super) fn lex(source: &str) -> Option<Vec<Token>> {
    if source.contains([OPEN, CLOSE]) {
        return None;
    }
    let b = source.as_bytes();
    let mut tokens = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    while let Some(j) = next_block_start(source, i) {
        if j > text_start {
            tokens.push(Token::Text(text_start, j));
        }
        let end = match b[j + 1] {
            b'#' => find(b, j + 2, b"#}")? + 2,
            b'{' => {
                let end = tag_end(b, j + 2, b"}}")?;
                let tag = &source[j..end];
                if tag.starts_with("{{-") || tag.ends_with("-}}") || tag.contains("super") {
                    tokens.push(Token::Tag(j, end));
                } else {
                    tokens.push(Token::Var(j, end));
                }
                text_start = end;
                i = end;
                continue;
            }
            _ => {
                let end = tag_end(b, j + 2, b"%}")?;
                if is_keyword_tag(&source[j..end], "raw") {
                    tokens.push(Token::Tag(j, end));
                    let (close, close_end) = endraw(source, end)?;
                    tokens.push(Token::RawBody(end, close));
                    tokens.push(Token::Tag(close, close_end));
                    text_start = close_end;
                    i = close_end;
                    continue;
                }
                end
            }
        };
        tokens.push(Token::Tag(j, end));
        text_start = end;
        i = end;
    }
    if b.len() > text_start {
        tokens.push(Token::Text(text_start, b.len()));
    }
    Some(tokens)
}

/// The first position at or after `from` where `{{`, `{%` or `{#` starts (where Tera's text ends).
pub fn next_block_start(s: &str, from: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = from;
    loop {
        // `str::find` of one ASCII character is a memchr.
        let j = i + s.get(i..)?.find('{')?;
        if matches!(b.get(j + 1), Some(b'{' | b'%' | b'#')) {
            return Some(j);
        }
        i = j + 1;
    }
}

pub(super) fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The end (exclusive) of a tag whose body starts at `from` and ends with `close`, skipping string literals.
pub(super) fn tag_end(b: &[u8], from: usize, close: &[u8]) -> Option<usize> {
    let mut i = from;
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'' | b'`') => i = i + 1 + b.get(i + 1..)?.iter().position(|c| *c == q)? + 1,
            _ if b[i..].starts_with(close) => return Some(i + close.len()),
            _ => i += 1,
        }
    }
    None
}

/// Whether `tag` (`{% ... %}`) is exactly the keyword, with optional whitespace control.
pub(super) fn is_keyword_tag(tag: &str, keyword: &str) -> bool {
    let inner = &tag[2..tag.len() - 2];
    let inner = inner.strip_prefix('-').unwrap_or(inner);
    let inner = inner.strip_suffix('-').unwrap_or(inner);
    inner.trim_matches(is_tera_space) == keyword
}

/// Tera's `WHITESPACE` inside tags.
pub(super) fn is_tera_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// The first `{% endraw %}` at or after `from`: its start and end.
pub(super) fn endraw(source: &str, from: usize) -> Option<(usize, usize)> {
    let b = source.as_bytes();
    let mut i = from;
    loop {
        let j = find(b, i, b"{%")?;
        let end = find(b, j + 2, b"%}")? + 2;
        if is_keyword_tag(&source[j..end], "endraw") {
            return Some((j, end));
        }
        i = j + 2;
    }
}
