//! Markdown for people at a terminal: formatted with termimad (bold, code, lists, quotes,
//! code blocks set apart, wrapped to the width), links as their text with the target once,
//! notes as callouts, and long output through the user's pager. Piped output and
//! `--format md` stay plain Markdown; `NO_COLOR` keeps the layout and drops the styles.

use std::io::{IsTerminal, Write};
use std::process::{Command, Stdio};
use std::sync::LazyLock;

use regex::Regex;

static LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"!?\[([^\]]*)\]\(<?([^)>\s]+)>?\)").expect("a valid pattern"));

static ALERT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^(\s*>\s*)\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*$")
        .expect("a valid pattern")
});

/// Markdown made ready for termimad: links as "text (target)" (the target once, only when it
/// differs from the text), alerts as a bold label.
pub(crate) fn prepare(markdown: &str) -> String {
    let linked = LINK.replace_all(markdown, |c: &regex::Captures<'_>| {
        let (text, target) = (&c[1], &c[2]);
        if text.is_empty() || text == target {
            target.to_owned()
        } else {
            format!("{text} ({target})")
        }
    });
    ALERT
        .replace_all(&linked, |c: &regex::Captures<'_>| {
            let label = &c[2];
            let label = format!("{}{}", &label[..1], label[1..].to_lowercase());
            format!("{}**{label}:**", &c[1])
        })
        .into_owned()
}

/// The Markdown as formatted terminal text, wrapped to the terminal's width.
pub(crate) fn format(markdown: &str) -> String {
    let skin = if crate::output::no_colour() {
        termimad::MadSkin::no_style()
    } else {
        termimad::MadSkin::default()
    };
    // A terminal that reports no usable width (some pseudo-terminals say 0) gets 80.
    let reported = termimad::terminal_size().0 as usize;
    let width = if reported < 40 { 80 } else { reported.min(120) };
    skin.text(&prepare(markdown), Some(width)).to_string()
}

/// Prints Markdown on stdout: formatted through the pager on a terminal (unless
/// `no_pager`), as written otherwise.
pub(crate) fn print_markdown(markdown: &str, no_pager: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout();
    if !out.is_terminal() {
        out.write_all(markdown.as_bytes())?;
        return Ok(());
    }
    let text = format(markdown);
    if !no_pager && page(&text) {
        return Ok(());
    }
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// Shows text through `$PAGER` (default `less`, told to quit when it fits and to keep
/// colours); false when no pager could be started.
fn page(text: &str) -> bool {
    let pager = std::env::var("PAGER").ok().filter(|p| !p.trim().is_empty());
    let command = pager.unwrap_or_else(|| "less".to_owned());
    let mut words = command.split_whitespace();
    let Some(program) = words.next() else {
        return false;
    };
    let mut child = match Command::new(program)
        .args(words)
        .env(
            "LESS",
            std::env::var("LESS").unwrap_or_else(|_| "FRX".to_owned()),
        )
        .stdin(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(_) => return false,
    };
    if let Some(mut input) = child.stdin.take() {
        // The reader may quit early: a broken pipe is not an error.
        let _ = input.write_all(text.as_bytes());
    }
    child.wait().is_ok()
}

#[cfg(test)]
mod tests {
    use super::prepare;

    #[test]
    fn links_show_their_target_once_and_alerts_become_labels() {
        assert_eq!(
            prepare("See [the article](<https://learn.microsoft.com/x>) and <https://a.b>."),
            "See the article (https://learn.microsoft.com/x) and <https://a.b>."
        );
        assert_eq!(prepare("[https://a.b](<https://a.b>)"), "https://a.b");
        assert_eq!(prepare("> [!NOTE]\n> Careful."), "> **Note:**\n> Careful.");
    }
}
