//! The hoisted parse must give exactly the tree (or the error) Tera gives for the original text.

use super::*;
use proptest::prelude::*;

/// Tera's own parse and the hoisted one, compared: same tree, blocks and macros, or both an error.
fn same_as_tera(source: &str) -> Result<(), TestCaseError> {
    let ours = parse_all(&[("t".to_string(), source)]).remove(0);
    let tera = tera::Template::new("t", None, source);
    match (ours, tera) {
        (Ok(a), Ok(b)) => {
            prop_assert_eq!(&a.ast, &b.ast, "tree of {:?}", source);
            prop_assert_eq!(&a.blocks, &b.blocks, "blocks of {:?}", source);
            let (mut ma, mut mb): (Vec<_>, Vec<_>) = (a.macros.iter().collect(), b.macros.iter().collect());
            ma.sort_by_key(|(k, _)| *k);
            mb.sort_by_key(|(k, _)| *k);
            prop_assert_eq!(ma, mb, "macros of {:?}", source);
            prop_assert_eq!(a.parent, b.parent);
        }
        (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
        (a, b) => prop_assert!(
            false,
            "{:?}: ours ok {}, tera ok {}",
            source,
            a.is_ok(),
            b.is_ok()
        ),
    }
    Ok(())
}

fn ws() -> impl Strategy<Value = (&'static str, &'static str)> {
    prop_oneof![Just(("", "")), Just(("-", "")), Just(("", "-")), Just(("-", "-"))]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(" ".to_string()),
        Just("\n".to_string()),
        Just("\u{a0}\u{2003}".to_string()),
        Just("  indented line\n".to_string()),
        Just("a { b } c %} #} }}".to_string()),
        Just("{".to_string()),
        Just("'\"`".to_string()),
        "[a-z \n]{1,40}",
    ]
}

fn var() -> impl Strategy<Value = String> {
    let expr = prop_oneof![
        Just("x"),
        Just("x | upper"),
        Just("\"}}\" ~ x"),
        Just("'%}'"),
        Just("`{{`"),
        Just("super()"),
        Just("self::m()"),
        Just("xs | length > 2"),
    ];
    (ws(), expr).prop_map(|((l, r), e)| format!("{{{{{l} {e} {r}}}}}"))
}

/// A template body: text, variable tags, comments, raw blocks and nested blocks, with every kind of
/// whitespace control, sometimes broken.
fn body() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        40 => text(),
        30 => var(),
        10 => ws().prop_map(|(l, r)| format!("{{#{l} c {r}#}}")),
        10 => (ws(), ws(), text()).prop_map(|((a, b), (c, d), t)| format!("{{%{a} raw {b}%}}{t}{{{{ y }}}}{{%{c} endraw {d}%}}")),
        10 => Just("{% set y = 1 %}".to_string()),
        // Broken on purpose, rarely, so that most generated templates parse.
        1 => prop_oneof![Just("{% endif %}".to_string()), Just("{{".to_string()), Just("{{ x |}}".to_string())],
    ];
    leaf.prop_recursive(3, 40, 6, |inner| {
        let block = prop::collection::vec(inner, 0..6).prop_map(|v| v.concat());
        prop_oneof![
            (ws(), ws(), block.clone())
                .prop_map(|((a, b), (c, d), x)| format!("{{%{a} if x {b}%}}{x}{{%{c} endif {d}%}}")),
            (ws(), block.clone(), block.clone())
                .prop_map(|((a, b), x, y)| format!("{{% if x {a}%}}{x}{{%{b} else %}}{y}{{% endif %}}")),
            (ws(), block.clone())
                .prop_map(|((a, b), x)| format!("{{%{a} for i in xs {b}%}}{x}{{% endfor %}}")),
            (ws(), block.clone()).prop_map(|((a, b), x)| format!("{{% block b {a}%}}{x}{{%{b} endblock %}}")),
            block
                .clone()
                .prop_map(|x| format!("{{% filter upper %}}{x}{{% endfilter %}}")),
            block
                .clone()
                .prop_map(|x| format!("{{% macro m() %}}{x}{{% endmacro m %}}")),
            block,
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn hoisted_parse_is_teras_parse(parts in prop::collection::vec(body(), 1..6)) {
        same_as_tera(&parts.concat())?;
    }
}

#[test]
fn known_shapes_are_teras_parse() {
    for source in [
        "",
        "plain",
        "  {{ x }}  ",
        "a {{ x }} b {{ y | upper }} c",
        "{% if x -%}\n  {{ x }}\n  text\n{%- endif %}",
        "{%- raw -%}\n  {{ kept }} {% also %}\n{%- endraw -%}\n",
        "{{ \"}}\" }} after",
        "{% block b %}{{ super() }} text{% endblock %}",
        "{% macro m(a) %} {{ a }} {% endmacro %}{{ self::m(a=1) }}",
        "{# {{ x }} #} text",
        "text \u{e000}0\u{e001} text {{ x }}",
        "{{ x ",
        "{% raw %} never closed {{ x }}",
    ] {
        same_as_tera(source).expect("the hoisted parse differs from tera's");
    }
}

#[test]
fn markers_replace_text_and_tags() {
    let source = "long text {{ x }} more text\n{% if x %}  {{ x }}  {% endif %}";
    let tokens = lex(source).expect("the text lexes");
    let parser = Parser::new(&[("t".to_string(), source)], &[Some(tokens.clone())]);
    let (text, stretches) = parser.hoist(source, &tokens);
    assert_eq!(stretches.len(), 2, "{text:?}");
    assert!(!text.contains("long text") && !text.contains("{{"), "{text:?}");
}

/// The generator must reach the hoisted path often, or the property above proves little.
#[test]
fn generated_templates_take_the_hoisted_path() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = prop::collection::vec(body(), 1..6);
    let (mut candidates, mut hoisted) = (0, 0);
    for _ in 0..400 {
        let source = strategy
            .new_tree(&mut runner)
            .expect("a generated template")
            .current()
            .concat();
        let Some(tokens) = lex(&source) else { continue };
        let parser = Parser::new(&[("t".to_string(), source.as_str())], &[Some(tokens.clone())]);
        let has_stretch = !parser.hoist(&source, &tokens).1.is_empty();
        if has_stretch && tera::Template::new("t", None, &source).is_ok() {
            candidates += 1;
            hoisted += usize::from(parser.parse_hoisted("t", &source, &tokens).is_some());
        }
    }
    assert!(
        candidates >= 100 && hoisted == candidates,
        "{hoisted} hoisted of {candidates} valid templates with text"
    );
}
