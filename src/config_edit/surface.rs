//! The bytes around a file's content that editors must not change: a UTF-8 byte order mark, CRLF line endings
//! and whether the last line ends with a newline. Editors work on the plain text; `restore` puts them back.

/// How a file's text is wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Surface {
    bom: bool,
    crlf: bool,
    final_newline: bool,
}

impl Surface {
    /// Splits `raw` into its surface and the plain text (no BOM, LF endings when every line ended in CRLF).
    pub fn split(raw: &str) -> (Self, String) {
        let (bom, text) = match raw.strip_prefix('\u{feff}') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let newlines = text.matches('\n').count();
        let crlf = newlines > 0 && text.matches("\r\n").count() == newlines;
        let surface = Self {
            bom,
            crlf,
            final_newline: text.is_empty() || text.ends_with('\n'),
        };
        let plain = if crlf {
            text.replace("\r\n", "\n")
        } else {
            text.to_string()
        };
        (surface, plain)
    }

    /// `text` (as an editor renders it) with the surface of the original file.
    pub fn restore(self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 8);
        if self.bom {
            out.push('\u{feff}');
        }
        let body = match text.strip_suffix('\n') {
            Some(body) if !self.final_newline => body,
            _ => text,
        };
        if self.crlf {
            out.push_str(&body.replace('\n', "\r\n"));
        } else {
            out.push_str(body);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_crlf_and_missing_final_newline_survive() {
        for raw in ["\u{feff}a\r\nb", "a\r\nb\r\n", "a\nb\r\nc", "", "x", "x\n"] {
            let (s, plain) = Surface::split(raw);
            assert!(!plain.starts_with('\u{feff}'));
            assert_eq!(s.restore(&plain), raw);
        }
        let (s, plain) = Surface::split("a\r\nb");
        assert_eq!(s.restore(&format!("{plain}\nc\n")), "a\r\nb\r\nc");
    }
}
