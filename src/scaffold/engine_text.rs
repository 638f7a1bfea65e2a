//! Faster parsing with Tera's own parser: pest spends most of its time on literal text (one character at a
//! time) and on `{{ variable }}` tags (a deep expression grammar), and templates repeat the same few tags.
//! Before parsing, each stretch of text and plain variable tags between two block tags, and each raw block's
//! contents, is swapped for a short marker; each distinct variable tag is parsed once for the whole template;
//! after parsing, the markers are replaced by the text and nodes they stand for. The markers keep the
//! stretch's leading and trailing whitespace, so Tera's whitespace control (`{%-`, `-%}`) trims exactly what
//! it would have trimmed. Whenever the result does not check out (a marker missing, duplicated or outside a
//! text node, a parse error), the original text is parsed instead: the tree is always Tera's own.

use super::engine_lex::{CLOSE, OPEN, Token, lex};
use std::collections::HashMap;
use tera::ast::Node;

/// What a marker stands for.
enum Piece<'a> {
    Text(&'a str),
    Var(&'a Node),
}

/// A marker's contents, and whether it stands for a raw block's contents.
struct Stretch<'a> {
    pieces: Vec<Piece<'a>>,
    raw: bool,
    /// Bytes of text among the pieces.
    text_len: usize,
}

/// Parses `(name, source)` templates, each as Tera would, on all cores; results in the order of `sources`.
pub fn parse_all(sources: &[(String, &str)]) -> Vec<tera::Result<tera::Template>> {
    let lexed = super::parallel::map(sources, |(_, text)| lex(text));
    let parser = Parser::new(sources, &lexed);
    let jobs: Vec<usize> = (0..sources.len()).collect();
    super::parallel::map(&jobs, |&i| {
        let (name, text) = &sources[i];
        parser.parse(name, text, lexed[i].as_deref())
    })
}

/// Parses templates sharing one cache of parsed variable tags.
struct Parser {
    tags: HashMap<String, Node>,
}

impl Parser {
    /// Parses, once each, the distinct variable tags of the lexed `sources`.
    fn new(sources: &[(String, &str)], lexed: &[Option<Vec<Token>>]) -> Self {
        let mut distinct: Vec<&str> = sources
            .iter()
            .zip(lexed)
            .filter_map(|((_, text), tokens)| Some((*text, tokens.as_deref()?)))
            .flat_map(|(text, tokens)| {
                tokens.iter().filter_map(move |t| match *t {
                    Token::Var(a, b) => Some(&text[a..b]),
                    _ => None,
                })
            })
            .collect();
        distinct.sort_unstable();
        distinct.dedup();
        let parsed = super::parallel::map(&distinct, |tag| {
            let template = tera::Template::new("tag", None, tag).ok()?;
            match template.ast.as_slice() {
                [node @ Node::VariableBlock(ws, _)] if !ws.left && !ws.right => Some(node.clone()),
                _ => None,
            }
        });
        let tags = distinct
            .into_iter()
            .zip(parsed)
            .filter_map(|(tag, node)| Some((tag.to_string(), node?)))
            .collect();
        Self { tags }
    }

    /// Parses one template: through markers when its text allows, else as it is.
    fn parse(&self, name: &str, source: &str, tokens: Option<&[Token]>) -> tera::Result<tera::Template> {
        tokens
            .and_then(|tokens| self.parse_hoisted(name, source, tokens))
            .map_or_else(|| tera::Template::new(name, None, source), Ok)
    }

    fn parse_hoisted(&self, name: &str, source: &str, tokens: &[Token]) -> Option<tera::Template> {
        let (text, stretches) = self.hoist(source, tokens);
        if stretches.is_empty() {
            return None;
        }
        let mut template = tera::Template::new(name, None, &text).ok()?;
        let mut seen = vec![0u32; stretches.len()];
        template.ast = expand(std::mem::take(&mut template.ast), &stretches, &mut seen)?;
        if seen.iter().any(|n| *n != 1) {
            return None;
        }
        // `blocks` and `macros` are copies of parts of the tree, made by Tera while parsing.
        let mut copies = vec![0u32; stretches.len()];
        for block in template.blocks.values_mut() {
            block.body = expand(std::mem::take(&mut block.body), &stretches, &mut copies)?;
        }
        for def in template.macros.values_mut() {
            def.body = expand(std::mem::take(&mut def.body), &stretches, &mut copies)?;
        }
        Some(template)
    }

    /// The source with markers, and what each marker stands for.
    fn hoist<'a>(&'a self, source: &'a str, tokens: &[Token]) -> (String, Vec<Stretch<'a>>) {
        let mut out = String::with_capacity(source.len() / 4);
        let mut stretches = Vec::new();
        let mut copied = 0;
        let mut region: Option<(usize, usize)> = None;
        for (k, token) in tokens.iter().enumerate() {
            let joins = match *token {
                Token::Text(..) => true,
                Token::Var(a, b) => self.tags.contains_key(&source[a..b]),
                Token::Tag(..) | Token::RawBody(..) => false,
            };
            if joins {
                region = Some(region.map_or((k, k + 1), |(s, _)| (s, k + 1)));
                continue;
            }
            if let Some(r) = region.take() {
                self.hoist_region(source, tokens, r, &mut out, &mut copied, &mut stretches);
            }
            if let Token::RawBody(a, b) = *token {
                let (lead, trail) = edges(&source[a..b]);
                let (a, b) = (a + lead, b - trail);
                if b > a {
                    stretches.push(Stretch {
                        pieces: vec![Piece::Text(&source[a..b])],
                        raw: true,
                        text_len: b - a,
                    });
                    push_marker(source, &mut out, &mut copied, (a, b), stretches.len() - 1);
                }
            }
        }
        if let Some(r) = region.take() {
            self.hoist_region(source, tokens, r, &mut out, &mut copied, &mut stretches);
        }
        out.push_str(&source[copied..]);
        (out, stretches)
    }

    /// Hoists `tokens[first..last]` (text and cached variable tags) when it holds more than whitespace.
    fn hoist_region<'a>(
        &'a self,
        source: &'a str,
        tokens: &[Token],
        (first, last): (usize, usize),
        out: &mut String,
        copied: &mut usize,
        stretches: &mut Vec<Stretch<'a>>,
    ) {
        let span = |t: &Token| match *t {
            Token::Text(a, b) | Token::Var(a, b) | Token::Tag(a, b) | Token::RawBody(a, b) => (a, b),
        };
        let (start, end) = (span(&tokens[first]).0, span(&tokens[last - 1]).1);
        let (lead, trail) = edges(&source[start..end]);
        let (start, end) = (start + lead, end - trail);
        if end <= start {
            return;
        }
        let mut pieces = Vec::with_capacity(last - first);
        for token in &tokens[first..last] {
            match *token {
                Token::Var(a, b) => {
                    if let Some(node) = self.tags.get(&source[a..b]) {
                        pieces.push(Piece::Var(node));
                    }
                }
                _ => {
                    let (a, b) = span(token);
                    let (a, b) = (a.max(start), b.min(end));
                    if b > a {
                        pieces.push(Piece::Text(&source[a..b]));
                    }
                }
            }
        }
        let text_len = pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.len(),
                Piece::Var(_) => 0,
            })
            .sum();
        stretches.push(Stretch {
            pieces,
            raw: false,
            text_len,
        });
        push_marker(source, out, copied, (start, end), stretches.len() - 1);
    }
}

/// Lengths of the leading and trailing whitespace, as `str::trim_start`/`trim_end` (Tera's trimming) see it.
fn edges(s: &str) -> (usize, usize) {
    let lead = s.len() - s.trim_start().len();
    let trail = if lead == s.len() {
        0
    } else {
        s.len() - s.trim_end().len()
    };
    (lead, trail)
}

fn push_marker(source: &str, out: &mut String, copied: &mut usize, (a, b): (usize, usize), index: usize) {
    out.push_str(&source[*copied..a]);
    out.push(OPEN);
    out.push_str(&index.to_string());
    out.push(CLOSE);
    *copied = b;
}

/// The nodes with every marker replaced; counts each marker seen in `seen`. `None`: a marker where none can
/// be (a raw block's contents standing for a text node, or the reverse).
fn expand(nodes: Vec<Node>, stretches: &[Stretch], seen: &mut [u32]) -> Option<Vec<Node>> {
    let mut out = Vec::with_capacity(nodes.len());
    for node in nodes {
        match node {
            Node::Text(s) if s.contains(OPEN) => {
                let mut text = String::new();
                for part in split(&s) {
                    match part {
                        Err(literal) => text.push_str(literal),
                        Ok(i) => {
                            let stretch = stretches.get(i).filter(|s| !s.raw)?;
                            *seen.get_mut(i)? += 1;
                            text.reserve(stretch.text_len);
                            for piece in &stretch.pieces {
                                match piece {
                                    Piece::Text(t) => text.push_str(t),
                                    Piece::Var(node) => {
                                        if !text.is_empty() {
                                            out.push(Node::Text(std::mem::take(&mut text)));
                                        }
                                        out.push((*node).clone());
                                    }
                                }
                            }
                        }
                    }
                }
                if !text.is_empty() {
                    out.push(Node::Text(text));
                }
            }
            Node::Raw(start, s, end) if s.contains(OPEN) => {
                let mut text = String::with_capacity(s.len());
                for part in split(&s) {
                    match part {
                        Err(literal) => text.push_str(literal),
                        Ok(i) => {
                            let stretch = stretches.get(i).filter(|s| s.raw)?;
                            *seen.get_mut(i)? += 1;
                            text.reserve(stretch.text_len);
                            for piece in &stretch.pieces {
                                if let Piece::Text(t) = piece {
                                    text.push_str(t);
                                }
                            }
                        }
                    }
                }
                out.push(Node::Raw(start, text, end));
            }
            Node::Forloop(start, mut f, end) => {
                f.body = expand(f.body, stretches, seen)?;
                f.empty_body = match f.empty_body {
                    Some(body) => Some(expand(body, stretches, seen)?),
                    None => None,
                };
                out.push(Node::Forloop(start, f, end));
            }
            Node::If(mut i, end) => {
                for condition in &mut i.conditions {
                    condition.2 = expand(std::mem::take(&mut condition.2), stretches, seen)?;
                }
                if let Some((_, body)) = &mut i.otherwise {
                    *body = expand(std::mem::take(body), stretches, seen)?;
                }
                out.push(Node::If(i, end));
            }
            Node::MacroDefinition(start, mut m, end) => {
                m.body = expand(m.body, stretches, seen)?;
                out.push(Node::MacroDefinition(start, m, end));
            }
            Node::Block(start, mut b, end) => {
                b.body = expand(b.body, stretches, seen)?;
                out.push(Node::Block(start, b, end));
            }
            Node::FilterSection(start, mut f, end) => {
                f.body = expand(f.body, stretches, seen)?;
                out.push(Node::FilterSection(start, f, end));
            }
            other => out.push(other),
        }
    }
    Some(out)
}

/// The parts of a text: literal slices (`Err`) and marker indices (`Ok`); an unreadable marker is left as
/// text, so its stretch counts as unseen.
fn split(s: &str) -> impl Iterator<Item = Result<usize, &str>> {
    let mut rest = s;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some(open) = rest.find(OPEN) else {
            return Some(Err(std::mem::take(&mut rest)));
        };
        if open > 0 {
            let (literal, tail) = rest.split_at(open);
            rest = tail;
            return Some(Err(literal));
        }
        let body = &rest[OPEN.len_utf8()..];
        let index = body
            .find(CLOSE)
            .and_then(|close| Some((body[..close].parse::<usize>().ok()?, close)));
        match index {
            Some((i, close)) => {
                rest = &body[close + CLOSE.len_utf8()..];
                Some(Ok(i))
            }
            None => {
                let (literal, tail) = rest.split_at(OPEN.len_utf8());
                rest = tail;
                Some(Err(literal))
            }
        }
    })
}

#[cfg(test)]
#[path = "engine_text_tests.rs"]
mod tests;
