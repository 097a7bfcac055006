//! A Markdown article cut into its heading tree, with each heading classified.
//!
//! pulldown-cmark finds the headings, lists and link definitions; section text is kept as
//! the original Markdown (minus link definitions, which become references), so nothing is
//! rewritten on the way into the YAML.

use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use regex::Regex;

use crate::text::{markdown_options, normalize};

/// One heading and what it holds.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    /// 1 for `#`, 2 for `##`, ...
    pub(crate) level: u8,
    /// The heading's text, as written (Markdown).
    pub(crate) heading: String,
    /// What the heading says the section is.
    pub(crate) kind: Kind,
    /// The section's own text, up to its first sub-heading.
    pub(crate) body: String,
    /// Sub-sections, in order.
    pub(crate) children: Vec<Section>,
}

impl Section {
    /// The section's own text followed by every sub-section, headings included, as Markdown.
    pub(crate) fn full_text(&self) -> String {
        let mut out = self.body.trim().to_owned();
        for child in &self.children {
            out.push_str("\n\n");
            out.push_str(&"#".repeat(usize::from(child.level)));
            out.push(' ');
            out.push_str(&child.heading);
            let rest = child.full_text();
            if !rest.is_empty() {
                out.push_str("\n\n");
                out.push_str(&rest);
            }
        }
        out.trim().to_owned()
    }
}

/// What a heading names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `Symptoms`, `Symptom`.
    Symptoms,
    /// `Summary`, `Introduction`.
    Summary,
    /// `Cause`, `Cause 2`, `Cause 2: title`, `Cause for Issue 1`.
    Cause {
        number: Option<usize>,
        title: Option<String>,
        issue: Option<usize>,
    },
    /// `Causes`, `Possible causes`.
    Causes,
    /// `Resolution`, `Solution 1: title`, `Resolution for cause 2`, `Resolution for Issue 1`.
    Solution {
        number: Option<usize>,
        title: Option<String>,
        cause: Option<usize>,
        issue: Option<usize>,
    },
    /// `Workaround`, `Workaround 2`, `Workaround - Method 1`.
    Workaround {
        number: Option<usize>,
        title: Option<String>,
    },
    /// `Method 1`, `Method 2: title`.
    Method {
        number: Option<usize>,
        title: Option<String>,
    },
    /// `Issue 1: title`, `Symptom 2: title`: a group holding a cause and its resolution.
    Issue { number: usize },
    /// `Scenario 1: title`: one situation the problem arises in; a cause of its own (or a
    /// group holding a cause and its resolution, like an issue).
    Scenario {
        number: usize,
        title: Option<String>,
    },
    /// `Step 1: title`: one part of a procedure (the parts together are one fix, unless
    /// each fixes a cause of its own).
    Step,
    /// A heading named for what it has the reader do: `Verify that ...`, `Check ...`,
    /// `Make sure ...`, `Refresh the flow`: a fix when it follows a cause.
    Action,
    /// `Determine whether ...`: a check that states the problem, in how-to articles.
    Check,
    /// `More information`, `Status`, `References`, ...: kept as article notes.
    Notes,
    /// Anything else: kept where it stands.
    Other,
}

/// Classifies a heading's text.
pub(crate) fn classify(heading: &str) -> Kind {
    let plain = normalize(&crate::text::plain_text(heading));
    let lower = plain.to_lowercase();
    let lower = lower.trim_end_matches([':', '.']).trim();
    let (head, title) = match plain.split_once(':') {
        Some((head, rest)) if !rest.trim().is_empty() => {
            (head.trim().to_lowercase(), Some(rest.trim().to_owned()))
        }
        _ => (lower.to_owned(), None),
    };
    let words: Vec<&str> = head.split_whitespace().collect();
    let number = words.iter().find_map(|w| {
        w.trim_matches(|c: char| !c.is_ascii_digit())
            .parse::<usize>()
            .ok()
    });
    let after = |word: &str| -> Option<usize> {
        let position = words.iter().position(|w| *w == word)?;
        words.get(position + 1)?.parse().ok()
    };
    match words.as_slice() {
        ["symptoms" | "symptom"] => Kind::Symptoms,
        ["summary" | "introduction" | "overview"] => Kind::Summary,
        ["causes"]
        | ["possible" | "common", "causes" | "cause"]
        | ["reasons" | "reason", ..]
        | ["possible" | "common", "reasons", ..] => Kind::Causes,
        ["scenario", n, ..] if n.trim_end_matches(':').parse::<usize>().is_ok() => Kind::Scenario {
            number: number.unwrap_or(1),
            title,
        },
        ["cause", ..] if words.len() <= 4 => Kind::Cause {
            number: after("cause").or(after("issue")),
            title,
            issue: after("issue"),
        },
        [
            "resolution" | "resolutions" | "solution" | "solutions" | "mitigation" | "fix",
            ..,
        ]
        | ["possible", "solutions" | "resolutions"]
        | ["steps", "to", "resolve", ..] => {
            // `Resolution when X` names the situation: it is the title.
            let title = title.or_else(|| {
                let rest: Vec<&str> = plain.split_whitespace().skip(1).collect();
                (words.get(1).is_some_and(|w| {
                    !w.chars().all(|c| c.is_ascii_digit()) && !matches!(*w, "for")
                }) && rest.len() > 1)
                    .then(|| rest.join(" "))
            });
            Kind::Solution {
                number: after("resolution").or(after("solution")),
                title,
                cause: after("cause"),
                issue: after("issue"),
            }
        }
        ["workaround" | "workarounds", ..] => Kind::Workaround {
            number: after("method").or(number),
            title,
        },
        ["method", ..] => Kind::Method { number, title },
        // `Option 1`, `Option 2: title`: alternatives, like methods.
        ["option", n, ..] if n.trim_end_matches(':').parse::<usize>().is_ok() => {
            Kind::Method { number, title }
        }
        ["step", n, ..] if n.trim_end_matches(':').parse::<usize>().is_ok() => Kind::Step,
        _ if lower.contains("work around") || lower.contains("workaround") => Kind::Workaround {
            number: None,
            title: None,
        },
        // `Symptom 1: title`, `Problem 2`: like an issue, a group holding its cause.
        ["symptom" | "problem" | "issue", n, ..]
            if n.trim_end_matches([':', '.']).parse::<usize>().is_ok() =>
        {
            Kind::Issue {
                number: number.unwrap_or(1),
            }
        }
        ["issue", _] => match number {
            Some(number) => Kind::Issue { number },
            None => Kind::Other,
        },
        ["more" | "additional", "information"]
        | ["status"]
        | ["references" | "reference" | "resources" | "feedback"]
        | ["related", "content" | "articles" | "topics"]
        | ["see", "also"]
        | ["next", "steps"]
        | ["data", "collection"]
        | ["applies", "to"] => Kind::Notes,
        _ if is_check(lower) => Kind::Check,
        _ if is_action(lower) => Kind::Action,
        _ => Kind::Other,
    }
}

/// Verbs a heading that tells the reader to fix something starts with.
const ACTION_VERBS: [&str; 44] = [
    "verify",
    "check",
    "ensure",
    "confirm",
    "enable",
    "disable",
    "update",
    "install",
    "reinstall",
    "uninstall",
    "restart",
    "reset",
    "remove",
    "delete",
    "clear",
    "refresh",
    "configure",
    "reconfigure",
    "set",
    "add",
    "grant",
    "assign",
    "change",
    "repair",
    "run",
    "upgrade",
    "recreate",
    "re-create",
    "renew",
    "rebuild",
    "register",
    "re-register",
    "allow",
    "replace",
    "increase",
    "rename",
    "restore",
    "apply",
    "modify",
    "edit",
    "turn",
    "reauthorize",
    "reconnect",
    "sign",
];

/// `Verify that ...`, `Check the ...`, `Make sure ...`, `Refresh the flow`.
fn is_action(lower: &str) -> bool {
    let first = lower.split_whitespace().next().unwrap_or("");
    lower.starts_with("make sure") || ACTION_VERBS.contains(&first)
}

/// `Determine whether ...`, `Check whether ...`, `Find out if ...`.
fn is_check(lower: &str) -> bool {
    ["determine", "check", "verify", "find out", "identify"]
        .iter()
        .any(|verb| {
            lower
                .strip_prefix(verb)
                .is_some_and(|rest| rest.starts_with(" whether") || rest.starts_with(" if "))
        })
}

/// A parsed article body: the text before the first heading, the H1, and the sections.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outline {
    /// The first `#` heading, if any.
    pub(crate) title: Option<String>,
    /// Text before the first `##` heading (after the H1).
    pub(crate) preamble: String,
    /// The `##` sections (or the shallowest level used), as a tree.
    pub(crate) sections: Vec<Section>,
    /// Reference-style link definitions: (label, destination).
    pub(crate) links: Vec<(String, String)>,
}

struct Heading {
    level: u8,
    text: String,
    start: usize,
    body_start: usize,
}

/// Cuts a Markdown body into an outline.
pub(crate) fn outline(body: &str) -> Outline {
    let parser = Parser::new_ext(body, markdown_options());
    let mut link_spans: Vec<Range<usize>> = Vec::new();
    let mut links = Vec::new();
    for (label, definition) in parser.reference_definitions().iter() {
        link_spans.push(definition.span.clone());
        links.push((label.to_owned(), definition.dest.to_string()));
    }
    link_spans.sort_by_key(|r| r.start);
    links.sort();
    let mut headings = Vec::new();
    let mut current: Option<(u8, usize)> = None;
    for (event, range) in parser.into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some((heading_level(level), range.start))
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, start)) = current.take() {
                    let line = &body[start..range.end];
                    let text = line
                        .trim()
                        .trim_start_matches('#')
                        .trim()
                        .trim_end_matches('#')
                        .trim();
                    // Setext headings (`Title\n===`) keep only their first line.
                    let text = text.lines().next().unwrap_or_default().trim().to_owned();
                    headings.push(Heading {
                        level,
                        text,
                        start,
                        body_start: range.end,
                    });
                }
            }
            _ => {}
        }
    }
    let slice = |range: Range<usize>| -> String { cut_out(body, range, &link_spans) };
    let h1 = headings.iter().position(|h| h.level == 1);
    let title = h1.map(|i| headings[i].text.clone());
    let rest: Vec<&Heading> = headings
        .iter()
        .filter(|h| h.level > 1 || Some(h.start) != h1.map(|i| headings[i].start))
        .collect();
    let preamble_start = h1.map_or(0, |i| headings[i].body_start);
    let preamble_end = rest
        .iter()
        .find(|h| h.start >= preamble_start)
        .map_or(body.len(), |h| h.start);
    let preamble = slice(preamble_start.min(preamble_end)..preamble_end);
    let flat: Vec<(u8, String, Range<usize>, Range<usize>)> = rest
        .iter()
        .enumerate()
        .filter(|(_, h)| h.start >= preamble_start)
        .map(|(i, h)| {
            let end = rest.get(i + 1).map_or(body.len(), |next| next.start);
            (h.level, h.text.clone(), h.start..end, h.body_start..end)
        })
        .collect();
    let sections = build_tree(&flat, &slice);
    Outline {
        title,
        preamble,
        sections,
        links,
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Nests flat headings: each heading holds the deeper ones after it, up to the next of its level.
fn build_tree(
    flat: &[(u8, String, Range<usize>, Range<usize>)],
    slice: &dyn Fn(Range<usize>) -> String,
) -> Vec<Section> {
    let mut sections = Vec::new();
    let mut index = 0;
    while index < flat.len() {
        let (level, heading, _, body_range) = &flat[index];
        let mut end = index + 1;
        while end < flat.len() && flat[end].0 > *level {
            end += 1;
        }
        let children = build_tree(&flat[index + 1..end], slice);
        let body = slice(body_range.clone());
        sections.push(Section {
            level: *level,
            heading: heading.clone(),
            kind: classify(heading),
            body,
            children,
        });
        index = end;
    }
    sections
}

/// The text of `range`, without the link definitions inside it.
fn cut_out(body: &str, range: Range<usize>, holes: &[Range<usize>]) -> String {
    let mut out = String::new();
    let mut position = range.start;
    for hole in holes
        .iter()
        .filter(|h| h.start >= range.start && h.end <= range.end)
    {
        if hole.start > position {
            out.push_str(&body[position..hole.start]);
        }
        position = position.max(hole.end);
    }
    if position < range.end {
        out.push_str(&body[position..range.end]);
    }
    out
}

/// Splits Markdown with one top-level ordered list into (text before, items, text after).
/// Returns `None` when there is no such list, or more than one.
pub(crate) fn split_steps(markdown: &str) -> Option<(String, Vec<String>, String)> {
    let mut depth = 0usize;
    let mut lists: Vec<(Range<usize>, Vec<Range<usize>>)> = Vec::new();
    let mut other_top_level_lists = 0;
    for (event, range) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::List(start)) => {
                if depth == 0 {
                    if start.is_some() {
                        lists.push((range.clone(), Vec::new()));
                    } else {
                        other_top_level_lists += 1;
                    }
                }
                depth += 1;
            }
            Event::End(TagEnd::List(_)) => depth -= 1,
            Event::Start(Tag::Item) if depth == 1 => {
                if let Some((list_range, items)) = lists.last_mut()
                    && list_range.contains(&range.start)
                {
                    items.push(range);
                }
            }
            Event::Start(Tag::BlockQuote(_)) if depth == 0 => depth += 100,
            Event::End(TagEnd::BlockQuote(_)) if depth >= 100 => depth -= 100,
            _ => {}
        }
    }
    let _ = other_top_level_lists;
    let [(list_range, items)] = lists.as_slice() else {
        return None;
    };
    if items.len() < 2 {
        return None;
    }
    let steps = items
        .iter()
        .map(|item| dedent_item(&markdown[item.clone()]))
        .collect::<Option<Vec<_>>>()?;
    let before = markdown[..list_range.start].trim().to_owned();
    let after = markdown[list_range.end..].trim().to_owned();
    Some((before, steps, after))
}

/// An ordered-list item's Markdown without its marker, its continuation lines dedented.
/// `None` when a continuation line is indented less than the item's content (a lazy
/// continuation): moving such a line could change how the Markdown parses.
fn dedent_item(item: &str) -> Option<String> {
    let first_line = item.lines().next().unwrap_or_default();
    let indent = first_line.len() - first_line.trim_start().len();
    let after_indent = &first_line[indent..];
    let marker = after_indent
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(0);
    let spaces = after_indent[marker + 1..].len() - after_indent[marker + 1..].trim_start().len();
    let column = indent + marker + 1 + spaces.clamp(1, 4);
    // Continuation lines are indented at least to the content column; writers often use
    // a little more (four spaces under "1. "): take the common indent when it is close.
    let common = item
        .lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start_matches(' ').len())
        .min()
        .unwrap_or(column);
    if common < column {
        return None;
    }
    let column = if (column..=column + 3).contains(&common) {
        common
    } else {
        column
    };
    let mut out = String::new();
    for (number, line) in item.lines().enumerate() {
        if number == 0 {
            out.push_str(after_indent[marker + 1..].trim_start());
        } else {
            out.push('\n');
            let leading = line.len() - line.trim_start_matches(' ').len();
            out.push_str(&line[leading.min(column)..]);
        }
    }
    Some(out.trim_end().to_owned())
}

/// Splits a text made of an intro and one bullet list of two or more items into
/// (intro, items, text after). Callers decide from the intro whether the items are
/// alternatives ("any of the following reasons").
pub(crate) fn split_alternatives(markdown: &str) -> Option<(String, Vec<String>, String)> {
    split_list(markdown, false)
}

/// Like [`split_alternatives`], for a bullet list or a numbered one: causes are often
/// numbered ("This error may occur for one of the following reasons: 1. ... 2. ...").
pub(crate) fn split_cause_list(markdown: &str) -> Option<(String, Vec<String>, String)> {
    split_list(markdown, true)
}

fn split_list(markdown: &str, numbered_too: bool) -> Option<(String, Vec<String>, String)> {
    let lists = top_level_lists(markdown);
    let mut accepted = lists.into_iter().filter(|l| !l.numbered || numbered_too);
    let list = accepted.next()?;
    if accepted.next().is_some() || list.items.len() < 2 {
        return None;
    }
    Some((list.intro, list.items, list.after))
}

/// The first of two or more top-level lists (bulleted or numbered), with the text before
/// it and all the text after it: a Cause that lists its causes and then goes on with the
/// steps that verify them. Callers decide from the intro whether the items are causes.
pub(crate) fn split_first_list(markdown: &str) -> Option<(String, Vec<String>, String)> {
    let mut lists = top_level_lists(markdown).into_iter();
    let first = lists.next()?;
    if lists.next().is_none() || first.items.len() < 2 {
        return None;
    }
    Some((first.intro, first.items, first.after))
}

/// One top-level list of a text: what comes before it, its items (dedented, without their
/// marks) and what comes after it.
pub(crate) struct TopList {
    /// Where the list is in the text.
    pub(crate) range: Range<usize>,
    pub(crate) intro: String,
    pub(crate) items: Vec<String>,
    pub(crate) after: String,
    pub(crate) numbered: bool,
}

/// Every top-level list of a text, in order.
pub(crate) fn top_level_lists(markdown: &str) -> Vec<TopList> {
    let mut depth = 0usize;
    let mut found: Vec<(Range<usize>, Vec<Range<usize>>, bool)> = Vec::new();
    for (event, range) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::List(kind)) if depth == 0 => {
                found.push((range, Vec::new(), kind.is_some()));
                depth += 1;
            }
            Event::Start(Tag::List(_)) => depth += 1,
            Event::End(TagEnd::List(_)) => depth -= 1,
            Event::Start(Tag::Item) if depth == 1 => {
                if let Some((_, items, _)) = found.last_mut() {
                    items.push(range);
                }
            }
            _ => {}
        }
    }
    found
        .into_iter()
        .map(|(list, items, numbered)| TopList {
            range: list.clone(),
            intro: markdown[..list.start].trim().to_owned(),
            items: items
                .iter()
                .map(|item| item_text(&markdown[item.clone()]))
                .collect(),
            after: markdown[list.end..].trim().to_owned(),
            numbered,
        })
        .collect()
}

/// A list item's text without its mark (`- `, `1. `, `1) `), its lines dedented.
fn item_text(text: &str) -> String {
    let trimmed = text.trim_start();
    let (body, width) = match trimmed.strip_prefix(['-', '*', '+']) {
        Some(body) => (body, 2),
        None => {
            // `1. ` or `1) `: drop the number and its mark.
            let digits = trimmed.len()
                - trimmed
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .len();
            (
                trimmed[digits..]
                    .strip_prefix(['.', ')'])
                    .unwrap_or(&trimmed[digits..]),
                digits + 2,
            )
        }
    };
    dedent_lines(body.trim_start(), width)
}

fn dedent_lines(text: &str, width: usize) -> String {
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            if i == 0 {
                line.to_owned()
            } else {
                let leading = line.len() - line.trim_start_matches(' ').len();
                line[leading.min(width)..].to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_owned()
}

/// True when an intro presents the list after it as alternative causes.
pub(crate) fn introduces_alternative_causes(intro: &str) -> bool {
    let lower = intro.to_lowercase();
    [
        "one of the following",
        "any of the following",
        "either of the following",
        "one or more of the following",
        "following reasons",
        "following causes",
        "following underlying problems",
        "following scenarios",
        "following situations",
        "following circumstances",
        "following cases",
        "of these situations",
        "of these scenarios",
        "of these two scenarios",
        "of these reasons",
    ]
    .iter()
    .any(|phrase| lower.contains(phrase))
        && !all_must_hold(&lower)
        || lists_conditions(&lower)
        || reasons_follow(&lower)
}

/// "These errors can occur for various reasons, such as:" / "There are several reasons
/// why ...:": an intro that says the list after it holds reasons.
pub(crate) fn reasons_follow(lower: &str) -> bool {
    static REASONS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\b(?:various|several|many|multiple|different|a number of|some|more than one)\s+(?:possible\s+|common\s+)?(?:reasons?|causes?)\b[^.]*:\s*$")
            .expect("a valid pattern")
    });
    // "There are several reasons why you may be unable to delete a file. Try each of
    // these ...": the reasons are the list that follows the paragraph.
    static WHY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\bthere\s+(?:are|can be)\s+(?:various|several|many|multiple|a number of)\s+(?:possible\s+|common\s+)?(?:reasons|causes)\s+(?:why|for)\b")
            .expect("a valid pattern")
    });
    let last = lower.trim().rsplit("\n\n").next().unwrap_or("");
    (REASONS.is_match(last) || WHY.is_match(last)) && !all_must_hold(lower)
}

/// "when both of the following conditions are true": the items are one cause together.
fn all_must_hold(lower: &str) -> bool {
    let last = lower.trim().rsplit("\n\n").next().unwrap_or("");
    [
        "both of the following",
        "both the following",
        "all of the following",
        "all the following",
    ]
    .iter()
    .any(|phrase| last.contains(phrase))
}

/// "This issue occurs if:" / "The problem happens when:" before a list: each item is a
/// condition that causes it, unless all of them must hold ("both", "all of the").
fn lists_conditions(lower: &str) -> bool {
    static CONDITIONS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:occurs?|happens?|appears?|is logged|is caused|can be caused)\s+(?:when|if|because(?: of)?|by|in the following (?:situations|cases|circumstances))\s*(?:the following)?\s*:\s*$")
            .expect("a valid pattern")
    });
    let last = lower.trim().rsplit("\n\n").next().unwrap_or("");
    CONDITIONS.is_match(last) && !last.contains("both") && !last.contains("all of")
}

/// An intro and the alternatives listed after it.
pub(crate) type Alternatives = (String, Vec<String>);

/// Splits a text holding several lists, each after an intro that presents alternatives
/// ("Error 0x2AFC: ... one of the following conditions is true:"), into
/// (text before the list, items) per list, and the text after the last list.
pub(crate) fn split_alternative_lists(markdown: &str) -> Option<(Vec<Alternatives>, String)> {
    let lists: Vec<TopList> = top_level_lists(markdown)
        .into_iter()
        .filter(|list| !list.numbered)
        .collect();
    if lists.len() < 2 {
        return None;
    }
    let mut out = Vec::new();
    let mut position = 0;
    for list in lists {
        let intro = markdown[position..list.range.start].trim().to_owned();
        // "\*Anonymous join is disabled in one of the following manners:": a footnote's
        // list explains a term of the causes, it lists no causes of its own.
        let last = intro.rsplit("\n\n").next().unwrap_or_default().trim_start();
        let footnote = last.starts_with("\\*") || last.starts_with('*') && !last.starts_with("**");
        if list.items.len() < 2 || !introduces_alternative_causes(&intro) || footnote {
            return None;
        }
        out.push((intro, list.items));
        position = list.range.end;
    }
    Some((out, markdown[position..].trim().to_owned()))
}

/// True when an intro presents the list after it as alternative fixes ("use one of the following methods").
pub(crate) fn introduces_alternative_fixes(intro: &str, workaround: bool) -> bool {
    let lower = intro.to_lowercase();
    let methods = [
        "following methods",
        "following workarounds",
        "following options",
        "of the following ways",
        "do one of the following",
        "try one of the following",
    ]
    .iter()
    .any(|p| lower.contains(p));
    methods
        || workaround
            && (lower.contains("one of the following")
                || lower.contains("either of the following")
                || lower.contains("workarounds"))
}

/// The first sentence of some Markdown, as plain text, for titles.
pub(crate) fn first_sentence(markdown: &str) -> String {
    let plain = crate::text::plain_text(markdown);
    let end = plain
        .char_indices()
        .find(|(i, c)| *c == '.' && plain[i + 1..].starts_with(' '))
        .map_or(plain.len(), |(i, _)| i + 1);
    let sentence = plain[..end].trim();
    if sentence.chars().count() > 160 {
        let cut: String = sentence.chars().take(157).collect();
        format!("{}...", cut.trim_end())
    } else {
        sentence.to_owned()
    }
}
