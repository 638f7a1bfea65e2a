//! Text that reaches a terminal: control characters and invisible formatting characters (zero-width, bidi
//! overrides) are written as escapes, so a message quoting a template, a server or a file can neither forge
//! lines, move the cursor nor hide text. The printer applies it to every error; the template sandbox uses the
//! same character classes to judge names.

/// Code points that HFS+ ignores in names, and format characters that hide text on a terminal.
pub fn is_ignorable(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{206a}'..='\u{206f}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// A control character or an invisible formatting character.
pub fn is_control(c: char) -> bool {
    c.is_control() || is_ignorable(c)
}

/// `text` with every control or invisible formatting character written as an escape (`\n`, `\u{0}`).
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_control(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// [`escape_controls`] line by line: the line breaks of a multi-line message stay, nothing else does.
pub fn escape_lines(text: &str) -> String {
    text.split('\n')
        .map(escape_controls)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_invisible_characters() {
        assert_eq!(escape_controls("a\0b\nc\u{202e}"), "a\\u{0}b\\nc\\u{202e}");
        assert_eq!(escape_controls("\x1b[2Jé"), "\\u{1b}[2Jé");
        assert_eq!(escape_lines("one\ntwo\rthree"), "one\ntwo\\rthree");
    }
}
