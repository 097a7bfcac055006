//! Causes a text states as its cases rather than under a Cause heading.
//!
//! A Resolution whose items each open with a condition ("If the service is disabled, set
//! it to Automatic."), a Resolution made of `Verify that ...` / `Check ...` sections, and a
//! Cause section cut by symptom ("Cause for Symptom 1: ..."). This module only reads text
//! and words titles; `Builder` in the parent module decides when an article's causes are
//! unstated enough for these readings to apply.

use std::sync::LazyLock;

use regex::Regex;

use super::sections::{Section, split_cause_list, top_level_lists};

/// One case a text states: the condition as a statement and the text that handles it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Case {
    /// The condition worded as a statement ("The service is disabled").
    pub(crate) cause: String,
    /// What to do: the item or section, as written.
    pub(crate) fix: String,
    /// A title for the fix: what the text has the reader do.
    pub(crate) fix_title: String,
    /// The article's own sentence stating the cause, when it states one ("This issue may
    /// occur if ..."); empty for a condition or a check.
    pub(crate) statement: String,
}

/// The cases of a Resolution's text: a list (bulleted or numbered) whose items all open
/// with a condition, or two or more paragraphs that do. Returns (shared text before,
/// cases, shared text after); `None` when the text is not made of such cases.
pub(crate) fn conditional_cases(markdown: &str) -> Option<(String, Vec<Case>, String)> {
    if let Some((intro, items, after)) = split_cause_list(markdown)
        && let Some(found) = list_cases(intro, &items, after, false)
    {
        return Some(found);
    }
    // Several lists ("Both modules are supported: - MSOL - AzureAD" before the cases): the
    // first bulleted list that opens with a case and holds two or more. An item between
    // two cases that states none ("To resolve this issue, try ...") goes with the case
    // before it.
    let lists = top_level_lists(markdown);
    if lists.len() >= 2
        && let Some(found) = lists
            .into_iter()
            .filter(|list| !list.numbered)
            .find_map(|list| list_cases(list.intro, &list.items, list.after, true))
    {
        return Some(found);
    }
    // Paragraphs: each one opening with a condition starts a case; what follows it (a
    // command, a note) stays with it.
    let blocks = top_level_blocks(markdown);
    let starts: Vec<usize> = blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| is_paragraph(b) && paragraph_case(b).is_some())
        .filter(|(_, b)| !continues(b))
        .map(|(i, _)| i)
        .collect();
    if starts.len() < 2 {
        return None;
    }
    let intro = blocks[..starts[0]].join("\n\n");
    let mut cases = Vec::new();
    for (position, start) in starts.iter().enumerate() {
        let end = starts.get(position + 1).copied().unwrap_or(blocks.len());
        let mut case = paragraph_case(&blocks[*start])?;
        // "This issue may occur if the value is set to 1:" and then "In this situation,
        // set the value to 0": the fix's title is the first thing the case has done.
        if case.fix_title.is_empty() {
            case.fix_title = blocks[*start + 1..end]
                .iter()
                .filter(|b| is_paragraph(b))
                .map(|b| super::sections::first_sentence(b))
                .map(|s| strip_situation(&s))
                .next()
                .unwrap_or_else(|| case.cause.clone());
        }
        case.fix = blocks[*start..end].join("\n\n");
        // "... then perform the same steps but replace ...": the steps (what follows the
        // condition) of the case before, so its fix carries them too, after its own words.
        if position > 0 && refers_back(&case.fix) {
            let steps = blocks[starts[position - 1] + 1..*start].join("\n\n");
            if !steps.is_empty() {
                case.fix = format!("{}\n\n{steps}", case.fix);
            }
        }
        cases.push(case);
    }
    Some((intro, cases, String::new()))
}

/// The cases of one list's items: every item (but the steps that close the list, "If the
/// issue persists, ...") opens with a condition or a check, or is an item of a list the
/// intro has the reader check. With `tolerant`, an item that states no case may follow
/// the first one and goes with the case before it.
fn list_cases(
    intro: String,
    items: &[String],
    after: String,
    tolerant: bool,
) -> Option<(String, Vec<Case>, String)> {
    // Steps that continue a procedure ("If the issue persists, ...") close the list.
    let cases_end = items
        .iter()
        .rposition(|item| !continues(item))
        .map_or(0, |last| last + 1);
    let (cases, closing) = items.split_at(cases_end);
    // Among several lists only conditions ("If ...") are read as cases: a list of what to
    // check there may be one of several lists of the same settings.
    // "This issue occurs when one of the following conditions is true:" in a Solution:
    // the items are the causes, as they would be under a Cause heading.
    let listed = !tolerant && (introduces_checks(&intro) || states_causes(&intro));
    // "The following requirements must be met:": each item is a cause when not met.
    let required = !tolerant && introduces_requirements(&intro);
    let mut parsed: Vec<Case> = Vec::new();
    for item in cases {
        let case = required
            .then(|| unmet_requirement(item))
            .or_else(|| case_of(item))
            .or_else(|| (!tolerant).then(|| check_case(item)).flatten())
            .or_else(|| listed.then(|| listed_case(item)));
        match (case, parsed.last_mut()) {
            (Some(case), _) => parsed.push(case),
            (None, Some(previous)) if tolerant => {
                previous.fix = format!("{}\n\n{item}", previous.fix);
            }
            (None, _) => return None,
        }
    }
    if parsed.len() < 2 {
        return None;
    }
    let mut after_parts: Vec<String> = closing.iter().map(|item| format!("- {item}")).collect();
    if !after.is_empty() {
        after_parts.push(after);
    }
    Some((intro, parsed, after_parts.join("\n\n")))
}

/// True when a case's text sends the reader to the steps of the case before ("perform the
/// same steps", "follow the steps above").
fn refers_back(text: &str) -> bool {
    static BACK: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:the\s+same\s+(?:steps|procedure|method)|the\s+(?:steps|procedure)\s+above|the\s+above\s+(?:steps|procedure)|the\s+previous\s+(?:steps|procedure))\b")
            .expect("a valid pattern")
    });
    BACK.is_match(&crate::text::plain_text(text))
}

/// "If the service is disabled, set it to Automatic." → the case; `None` for an item that
/// does not open with a condition, or whose condition is the reader's wish or a step of
/// a procedure ("If you want ...", "If the issue persists, ...").
pub(crate) fn case_of(item: &str) -> Option<Case> {
    static CONDITION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?is)^(?:\*\*|__)?(?:if|when|whenever|in case|in cases where)\s+(.+?)(?:\*\*|__)?(?:,\s+|\s+then\s+|:\s*$|:\s+)(.*)$",
        )
        .expect("a valid pattern")
    });
    let first = item.lines().next().unwrap_or_default().trim();
    if continues(first) {
        return None;
    }
    // "If an account is disabled and then enabled again, ...": that "then" is inside the
    // condition, which ends at the comma.
    static COMMA: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?is)^(?:\*\*|__)?(?:if|when|whenever|in case|in cases where)\s+(.+?)(?:\*\*|__)?(?:,\s+|:\s*$|:\s+)(.*)$")
            .expect("a valid pattern")
    });
    let plain = crate::text::plain_text(first);
    let mut captures = CONDITION.captures(plain.trim())?;
    if captures[1].trim_end().ends_with(" and") || captures[1].trim_end().ends_with(" or") {
        captures = COMMA.captures(plain.trim())?;
    }
    let condition = captures[1].trim().trim_end_matches([',', '.']);
    let words = condition.split_whitespace().count();
    if !(2..=30).contains(&words) {
        return None;
    }
    // "..., then configure the server": the fix's title is what to do.
    let rest = captures[2].trim();
    let rest = rest
        .strip_prefix("then ")
        .or_else(|| rest.strip_prefix("Then "))
        .unwrap_or(rest);
    let fix_title = super::sections::first_sentence(rest);
    Some(Case {
        cause: capitalise(condition),
        fix: item.trim().to_owned(),
        fix_title: if fix_title.is_empty() {
            capitalise(condition)
        } else {
            capitalise(&fix_title)
        },
        statement: String::new(),
    })
}

/// A Resolution's paragraph that opens a case: a condition ("If the service is disabled,
/// ...") or a stated cause ("This issue may occur if ...").
fn paragraph_case(block: &str) -> Option<Case> {
    case_of(block).or_else(|| stated_case(block))
}

/// "This issue may occur if the value is set to 1:", "Additionally, this issue can occur
/// if any of the endpoints is blocked or if Outlook can't find ...": the condition is a
/// cause (its "or if" read as one condition); the fix's title is what the paragraph has
/// the reader do next, or empty when it says nothing more.
pub(crate) fn stated_case(block: &str) -> Option<Case> {
    static STATED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?is)^(?:(?:additionally|also|in addition),\s+)?(?:this|the)\s+(?:issue|problem|error|behavior|behaviour)\s+(?:(?:can|may|might|could)\s+(?:also\s+)?(?:occur|happen)|(?:also\s+)?(?:occurs|happens))\s+(?:if|when|because)\s+(.+?)(?:[.:](?:\s+|$)|$)(.*)$",
        )
        .expect("a valid pattern")
    });
    let plain = crate::text::plain_text(block);
    let captures = STATED.captures(plain.trim())?;
    let condition = captures[1].trim().replace(" or if ", " or ");
    let words = condition.split_whitespace().count();
    if !(2..=30).contains(&words) {
        return None;
    }
    let rest = captures[2].trim();
    Some(Case {
        cause: capitalise(&condition),
        fix: block.trim().to_owned(),
        fix_title: if rest.is_empty() {
            String::new()
        } else {
            strip_situation(&super::sections::first_sentence(rest))
        },
        statement: super::sections::first_sentence(&plain),
    })
}

/// "In this situation, set the value to 0." → "Set the value to 0."
fn strip_situation(sentence: &str) -> String {
    static SITUATION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:in\s+(?:this|that)\s+(?:situation|case|scenario)|to\s+(?:fix|resolve)\s+(?:this|it)(?:\s+issue)?),\s+")
            .expect("a valid pattern")
    });
    capitalise(&SITUATION.replace(sentence.trim(), ""))
}

/// "Verify that the service is running." as an item: the cause is the state it checks
/// for, said the other way round.
fn check_case(item: &str) -> Option<Case> {
    let first = super::sections::first_sentence(item.lines().next().unwrap_or_default());
    let cause = checked_cause(&first)?;
    Some(Case {
        cause,
        fix: item.trim().to_owned(),
        fix_title: first.trim_end_matches('.').to_owned(),
        statement: String::new(),
    })
}

/// What is wrong when a sentence's check fails ("Ensure the item isn't checked out." →
/// "The item is checked out"); `None` for a sentence that checks nothing, or a check that
/// names no state ("Check the event log."), which is a step, not a cause.
pub(crate) fn checked_cause(sentence: &str) -> Option<String> {
    if !verifies(sentence) {
        return None;
    }
    let cause = cause_of_check(sentence);
    (cause != sentence.trim_end_matches('.')).then_some(cause)
}

/// An item of a list the text has the reader check ("Check the following settings:"):
/// the item names what may be wrong, in its own words.
fn listed_case(item: &str) -> Case {
    let first = super::sections::first_sentence(item.lines().next().unwrap_or_default());
    let title = first.trim_end_matches(['.', ':']).to_owned();
    Case {
        cause: title.clone(),
        fix: item.trim().to_owned(),
        fix_title: title,
        statement: String::new(),
    }
}

/// True when a text ends by having the reader check the list after it ("Check the
/// following areas for possible errors:", "Verify the following settings:").
pub(crate) fn introduces_checks(intro: &str) -> bool {
    static CHECKS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:check|verify|review|examine|inspect|look at|make sure|ensure|confirm)\b[^.:,]*\b(?:the following|these)\b[^.:,]*:\s*$")
            .expect("a valid pattern")
    });
    static STEPS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:steps?|procedure|instructions|commands?|methods?)\b")
            .expect("a valid pattern")
    });
    let last = intro.trim().rsplit("\n\n").next().unwrap_or_default();
    let plain = crate::text::plain_text(last);
    CHECKS.is_match(&plain) && !STEPS.is_match(&plain)
}

/// True for an intro that says the list after it holds what causes the problem ("This
/// issue occurs when one of the following conditions is true:"), not ways to fix it
/// ("This can be resolved in one of the following methods:").
pub(crate) fn states_causes(intro: &str) -> bool {
    static CAUSES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:occurs?|happens?|caused|causes|reasons?|conditions?)\b")
            .expect("a valid pattern")
    });
    let last = intro.trim().rsplit("\n\n").next().unwrap_or_default();
    super::sections::introduces_alternative_causes(last)
        && !super::sections::introduces_alternative_fixes(last, false)
        && CAUSES.is_match(last)
}

/// True for a condition that is a step of a procedure or the reader's wish, not a cause.
fn continues(item: &str) -> bool {
    static CONTINUES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^(?:\*\*|__)?(?:if|when|in case)\s+(?:you\s+(?:want|wish|prefer|would like|'d like|need help|have questions|still)|necessary|needed|required|applicable|possible|so\b|not\b|prompted|done|finished|complete|this\s+(?:doesn't|does not|fails|didn't)|that\s+(?:doesn't|does not|fails)|these\s+steps|the\s+(?:above|previous|preceding)|the\s+(?:issue|problem|error|behavior|symptom)s?\s+(?:persists?|continues?|still|isn't|is not|remains?|recurs?|occurs again|doesn't|does not|wasn't)|you're\s+prompted|you are prompted)",
        )
        .expect("a valid pattern")
    });
    CONTINUES.is_match(item.trim_start_matches(['-', '*', ' ']))
}

/// A Markdown text cut into its top-level blocks (paragraphs, lists, code blocks, notes).
fn top_level_blocks(markdown: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0usize;
    for (event, range) in
        Parser::new_ext(markdown, crate::text::markdown_options()).into_offset_iter()
    {
        match event {
            Event::Start(_) => {
                if depth == 0 {
                    start = range.start;
                }
                depth += 1;
            }
            Event::End(TagEnd::Paragraph | TagEnd::List(_) | TagEnd::CodeBlock)
            | Event::End(TagEnd::BlockQuote(_) | TagEnd::Table | TagEnd::HtmlBlock)
            | Event::End(TagEnd::Heading(_)) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    out.push(markdown[start..range.end].trim().to_owned());
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Rule if depth == 0 => out.push(markdown[range].trim().to_owned()),
            _ => {}
        }
    }
    out.retain(|b| !b.is_empty());
    out
}

fn is_paragraph(block: &str) -> bool {
    !block.starts_with(['-', '*', '>', '|', '#', '`', '<', ' ', '~'])
        && !block.starts_with(|c: char| c.is_ascii_digit())
}

/// True when a heading tells the reader to look at something: `Verify that ...`,
/// `Check the ...`, `Make sure ...`, `Ensure ...`, `Confirm ...`, `Determine whether ...`.
pub(crate) fn verifies(heading: &str) -> bool {
    static VERIFY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^(?:step\s+\d+\s*[:.\-–]\s*)?(?:verify|check|make sure|ensure|confirm|validate|determine whether|determine if|find out whether|find out if)\b",
        )
        .expect("a valid pattern")
    });
    VERIFY.is_match(crate::text::plain_text(heading).trim())
}

/// The cause a `Verify that ...` heading checks, as a statement: what is wrong when the
/// check fails ("Verify that the DNS Server service is running" → "The DNS Server service
/// isn't running"). A heading that names no state ("Check the DNS settings") keeps its
/// own words.
pub(crate) fn cause_of_check(heading: &str) -> String {
    static OPENING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^(?:step\s+\d+\s*[:.\-–]\s*)?(verify|check|be sure|make sure|ensure|confirm|validate|determine|find out)\s+(that\s+|whether\s+|if\s+)?(.+)$",
        )
        .expect("a valid pattern")
    });
    // "..., and start it if it isn't": what to do is not part of what to check.
    static THEN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:,\s*(?:and|then|or|otherwise|if|but)\b|;|\s+-\s+|\s+and then\b).*$")
            .expect("a valid pattern")
    });
    let plain = crate::text::plain_text(heading);
    let plain = THEN.replace(plain.trim(), "");
    let plain = plain.trim().trim_end_matches(['.', ':', '?']).trim();
    let Some(captures) = OPENING.captures(plain) else {
        return plain.to_owned();
    };
    let clause = captures[3].trim();
    let open = captures
        .get(2)
        .map(|m| m.as_str().trim().to_lowercase())
        .unwrap_or_default();
    // "Check whether the firewall blocks the port": the clause names the problem, unless
    // it names the healthy state ("... whether the service is running").
    let states_the_problem = matches!(open.as_str(), "whether" | "if") && !healthy(clause);
    let opened = !open.is_empty();
    if states_the_problem && verb_position(clause, true).is_some() {
        return capitalise(clause);
    }
    match negate(clause, opened) {
        Some(negated) => capitalise(&negated),
        None => plain.to_owned(),
    }
}

/// True when a clause names the state things should be in ("is running", "is correct").
fn healthy(clause: &str) -> bool {
    static HEALTHY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b(running|started|enabled|available|reachable|correct|correctly|valid|present|installed|connected|configured|synchroni[sz]ed|replicating|registered|up to date|up-to-date|healthy|working|online|accessible|resolv\w*|respond\w*|trusted|signed)\b",
        )
        .expect("a valid pattern")
    });
    HEALTHY.is_match(clause)
}

/// Verbs a clause's subject may take without an auxiliary, in the third person.
const VERBS: [&str; 30] = [
    "exists", "exist", "runs", "run", "contains", "contain", "matches", "match", "points", "point",
    "resolves", "resolve", "responds", "respond", "uses", "use", "includes", "include", "allows",
    "allow", "works", "work", "starts", "start", "lists", "list", "holds", "hold", "belongs",
    "belong",
];

/// The position and word of a clause's verb: an auxiliary ("is", "has", "can") or a
/// common verb ("exists", "points"), within its first ten words.
fn verb_position(clause: &str, guess: bool) -> Option<usize> {
    let words: Vec<String> = clause
        .split_whitespace()
        .map(|w| w.to_lowercase().replace('’', "'"))
        .collect();
    // "you search by name": after a pronoun the next word is the verb (an adverb between
    // them is skipped), an auxiliary or not.
    if guess
        && matches!(
            words.first().map(String::as_str),
            Some("you" | "we" | "they")
        )
    {
        let at = if words.get(1).is_some_and(|w| {
            matches!(
                w.as_str(),
                "also" | "still" | "only" | "often" | "always" | "usually" | "just"
            )
        }) {
            2
        } else {
            1
        };
        if words.len() > at + 1 {
            return Some(at);
        }
    }
    let verbs: Vec<usize> = words
        .iter()
        .take(16)
        .enumerate()
        .skip(1)
        .filter(|(_, w)| {
            negation(w).is_some()
                || VERBS.contains(&w.as_str())
                || matches!(w.as_str(), "has" | "have")
        })
        .map(|(i, _)| i)
        .collect();
    // "the group that you are trying to change is ...": the first verb after a relative
    // pronoun is the clause's; the sentence's is the next one.
    let relative = |at: usize| {
        words[1..at]
            .iter()
            .any(|w| matches!(w.as_str(), "that" | "which" | "who"))
    };
    let known = match verbs.as_slice() {
        [first, second, ..] if relative(*first) => Some(*second),
        [first, ..] if *first < 10 => Some(*first),
        _ => None,
    };
    // "the firewall blocks port 53": after a short subject that opens with an article, a
    // word in -s is its verb.
    known.or_else(|| {
        if !guess {
            return None;
        }
        let opens = matches!(
            words.first().map(String::as_str),
            Some("the" | "a" | "an" | "your" | "this" | "that" | "its" | "each" | "every")
        );
        if !opens {
            return None;
        }
        (2..=4).find(|i| {
            words.get(*i).is_some_and(|w| {
                w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("'s")
            }) && !words[*i - 1].ends_with("'s")
                && words.get(*i + 1).is_some_and(|next| {
                    !matches!(
                        next.as_str(),
                        "on" | "in" | "for" | "of" | "at" | "from" | "to" | "with" | "under"
                    )
                })
        })
    })
}

/// An auxiliary and its negative form (either way round).
fn negation(word: &str) -> Option<&'static str> {
    Some(match word {
        "is" => "isn't",
        "are" => "aren't",
        "was" => "wasn't",
        "were" => "weren't",
        "can" => "can't",
        "does" => "doesn't",
        "do" => "don't",
        "will" => "won't",
        "isn't" => "is",
        "aren't" => "are",
        "wasn't" => "was",
        "weren't" => "were",
        "can't" | "cannot" => "can",
        "doesn't" => "does",
        "don't" => "do",
        "won't" => "will",
        "hasn't" => "has",
        "haven't" => "have",
        _ => return None,
    })
}

/// The clause said the other way round: "the service is running" → "the service isn't
/// running", "the account has the right" → "the account doesn't have the right". `None`
/// when no verb is found early enough; a verb in -s that is not a common one counts only
/// when `guess` (the clause followed "that" or "whether").
pub(crate) fn negate(clause: &str, guess: bool) -> Option<String> {
    let words: Vec<&str> = clause.split_whitespace().collect();
    let position = verb_position(clause, guess)?;
    let word = words[position].to_lowercase().replace('’', "'");
    let mut out: Vec<String> = words[..position].iter().map(|w| (*w).to_owned()).collect();
    let rest = &words[position + 1..];
    // "is not running" → "is running"; "there are no policies" → "there are policies".
    if rest
        .first()
        .is_some_and(|w| w.eq_ignore_ascii_case("not") || w.eq_ignore_ascii_case("no"))
    {
        out.push(words[position].to_owned());
        out.extend(rest[1..].iter().map(|w| (*w).to_owned()));
        return Some(out.join(" "));
    }
    let participle = rest.first().is_some_and(|w| {
        let w = w.to_lowercase();
        w == "been" || w.ends_with("ed") || w.ends_with("en")
    });
    match word.as_str() {
        "has" | "have" if participle => out.push(format!("{word}n't")),
        "has" => out.push("doesn't have".to_owned()),
        "have" => out.push("don't have".to_owned()),
        _ => match negation(&word) {
            Some(other) => out.push(other.to_owned()),
            None => {
                // "exists" → "doesn't exist", "run" → "don't run".
                let (auxiliary, base) = match word.strip_suffix("es") {
                    Some(stem) if stem.ends_with("ch") || stem.ends_with("sh") => {
                        ("doesn't", stem.to_owned())
                    }
                    _ => match word.strip_suffix('s') {
                        Some(stem) => ("doesn't", stem.to_owned()),
                        None => ("don't", word.clone()),
                    },
                };
                out.push(format!("{auxiliary} {base}"));
            }
        },
    }
    out.extend(rest.iter().map(|w| (*w).to_owned()));
    Some(out.join(" "))
}

/// The `Verify ...` sub-sections of a Resolution, when two or more of its sections are
/// named for what they check: (index of each, in order).
pub(crate) fn verifying_sections(section: &Section) -> Vec<usize> {
    // "To resolve this issue, check for the following conditions:" and a section per
    // condition ("### Forwarders", "### Notify lists"): each is checked.
    if section.children.len() >= 2 && introduces_checks(&section.body) {
        return (0..section.children.len()).collect();
    }
    section
        .children
        .iter()
        .enumerate()
        .filter(|(_, child)| verifies(&child.heading))
        .map(|(i, _)| i)
        .collect()
}

/// What a checked section says must hold, as the sentence that says so ("Be sure that the
/// DNS server is not configured to forward these queries to itself"): its heading when
/// that tells the reader to look, else the first such sentence of its opening text.
pub(crate) fn check_sentence(section: &Section) -> Option<String> {
    // "Check firewalls" names no state: the opening's "make sure proxy and firewall isn't
    // blocking access to the Store" says what to look for.
    let heading = crate::text::plain_text(&section.heading);
    let heading = heading.trim().trim_end_matches(['.', ':', '?']);
    if verifies(heading) && cause_of_check(heading) != heading {
        return Some(section.heading.clone());
    }
    static SURE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^(?:to\s[^.]{3,120}?,\s+)?((?:be sure|make sure|ensure|verify|confirm)\b.*)$",
        )
        .expect("a valid pattern")
    });
    let opening = top_level_blocks(&section.body)
        .into_iter()
        .take_while(|block| is_paragraph(block))
        .collect::<Vec<_>>()
        .join(" ");
    crate::text::plain_text(&opening)
        .split_inclusive(['.', ':'])
        .map(str::trim)
        .find_map(|sentence| SURE.captures(sentence).map(|c| c[1].to_owned()))
        .map(|sentence| sentence.trim_end_matches(['.', ':']).to_owned())
        .or_else(|| verifies(heading).then(|| section.heading.clone()))
}

/// One symptom's part of a Cause section: its title when that is not the part's first
/// sentence, and its text.
pub(crate) type SymptomPart = (Option<String>, String);

/// Where a Cause section's text is cut by symptom: paragraphs opening with `Cause for
/// Symptom 1:` (or `Symptom 2:`, `For issue 3:`), and a sentence that names "the other
/// symptoms" (its paragraph is a part, titled by that sentence). Returns (text before the
/// first, parts as (title, if not the part's first sentence, text)); `None` unless there
/// are two parts.
pub(crate) fn split_by_symptom(markdown: &str) -> Option<(String, Vec<SymptomPart>)> {
    static MARKER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?im)^(?:\*\*|__)?(?:(?:cause|reason)s?\s+(?:for|of)\s+|for\s+)?(?:symptom|issue|problem)\s+(\d{1,2})\s*(?:\*\*|__)?\s*[:.\-–]",
        )
        .expect("a valid pattern")
    });
    static OTHERS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:the\s+)?(?:other|remaining)\s+(?:symptoms|issues|problems)\b")
            .expect("a valid pattern")
    });
    let mut starts: Vec<usize> = Vec::new();
    let mut numbers: Vec<usize> = Vec::new();
    for captures in MARKER.captures_iter(markdown) {
        let whole = captures.get(0)?;
        let before = &markdown[..whole.start()];
        if !(before.trim().is_empty() || before.ends_with("\n\n")) {
            continue;
        }
        let number: usize = captures[1].parse().ok()?;
        if numbers.contains(&number) {
            return None;
        }
        numbers.push(number);
        starts.push(whole.start());
    }
    let first = *starts.first()?;
    // "The other symptoms ... are caused by known issues": a cause of its own, from the
    // paragraph that says so, titled by the sentence.
    let mut others_title = None;
    if let Some(others) = OTHERS.find_at(markdown, first) {
        let before = &markdown[..others.start()];
        let paragraph_start = before.rfind("\n\n").map_or(0, |i| i + 2);
        let sentence_start = before.rfind(". ").map_or(0, |i| i + 2).max(paragraph_start);
        if paragraph_start > *starts.last()? {
            starts.push(paragraph_start);
            let rest = &markdown[sentence_start..];
            others_title = Some(super::sections::first_sentence(rest));
        }
    }
    if starts.len() < 2 {
        return None;
    }
    let intro = markdown[..first].trim().to_owned();
    let count = starts.len();
    let parts = starts
        .iter()
        .enumerate()
        .map(|(i, start)| {
            let end = starts.get(i + 1).copied().unwrap_or(markdown.len());
            let title = if i + 1 == count {
                others_title.clone()
            } else {
                None
            };
            (title, markdown[*start..end].trim().to_owned())
        })
        .collect();
    Some((intro, parts))
}

/// "Another possible cause for these errors is ": a sentence's opening that states one
/// more cause (what follows it is the cause).
pub(crate) static ANOTHER_CAUSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:another|a\s+second|one\s+more)\s+(?:possible\s+|common\s+|likely\s+)?(?:cause|reason)\b[^.:]{0,60}?\s+is\s+")
        .expect("a valid pattern")
});

/// Where a Cause section's text names a further cause in a paragraph of its own: "This
/// can also happen in a single DC environment where ...", "The issue may also occur if
/// ...". Returns the parts (the text before the first such paragraph, then one part per
/// such paragraph and what follows it); `None` unless there are two parts. A sentence
/// that goes on inside the first cause's own paragraph ("... This issue also occurs when
/// a member computer modifies ...") is that cause's extent, not another cause.
pub(crate) fn split_by_also(markdown: &str) -> Option<Vec<String>> {
    static ALSO: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^(?:this|that|it|the\s+(?:issue|problem|error|behavior|behaviour|symptom)s?|(?:this|the\s+same)\s+(?:issue|problem|error|behavior|behaviour))\s+(?:(?:can|may|might|could|will)\s+also\s+(?:occur|happen|be\s+caused)|also\s+(?:occurs|happens|is\s+caused)|is\s+also\s+caused)\b",
        )
        .expect("a valid pattern")
    });
    // "This error may occur when a back-end server is removed ...": a paragraph that
    // states another cause as the first one was stated, without "also". A paragraph that
    // introduces a list ("... if one of the following conditions is true:") is not one.
    static MAY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^(?:this|the)\s+(?:issue|problem|error|behavior|behaviour)\s+(?:can|may|might|could)\s+(?:occur|happen)\s+(?:when|if|because)\b",
        )
        .expect("a valid pattern")
    });
    // "If serialization is enabled and you have X, that will cause ...": another case.
    static WILL_CAUSE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^if\s[^,]{5,200},\s+(?:that|this|it)\s+(?:will|can|may|might|could)\s+(?:also\s+)?cause\b")
            .expect("a valid pattern")
    });
    let blocks: Vec<String> = top_level_blocks(markdown)
        .into_iter()
        .flat_map(|block| split_at_additionally(&block))
        .collect();
    let mut parts: Vec<Vec<&str>> = vec![Vec::new()];
    for block in &blocks {
        let plain = crate::text::plain_text(block);
        let plain = plain.trim();
        let states = ALSO.is_match(plain)
            || STILL_OCCURS.is_match(plain)
            || WILL_CAUSE.is_match(plain)
            || ANOTHER_CAUSE.is_match(plain)
            || ADDITIONALLY.is_match(plain)
            || MAY.is_match(plain) && !plain.ends_with(':') && !plain.contains("following");
        if is_paragraph(block) && states && !parts[0].is_empty() {
            parts.push(Vec::new());
        }
        parts.last_mut()?.push(block.as_str());
    }
    // The first cause must be stated in a paragraph before the first "also".
    if parts.len() < 2 || !parts[0].iter().any(|b| is_paragraph(b)) {
        return None;
    }
    Some(parts.into_iter().map(|p| p.join("\n\n")).collect())
}

/// "However, even when using a hardware provider, the error may still occur if ...": a
/// paragraph that states another cause; what follows the match is its condition.
pub(crate) static STILL_OCCURS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:however,?\s+)?(?:even\s+(?:when|if|with|after)\s[^,]{3,160},\s+)?(?:this|the)\s+(?:issue|problem|error|behavior|behaviour|failure)\s+(?:can|may|might|could|will)\s+(?:still|also)\s+(?:occur|happen|be\s+seen)\s+(?:when|if|because)\s+")
        .expect("a valid pattern")
});

/// "Additionally, the local install source folder may be damaged or missing.",
/// "Additionally, this issue can occur if ...": a sentence that adds a cause of its own,
/// a subject with what may be wrong with it. "Additionally, this issue occurs
/// infrequently." adds none.
static ADDITIONALLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:or,?\s+(?:in\s+(?:rare|some|other|a\s+few)\s+cases,\s+)?(?:there\s+(?:may|might|could|can)\s+(?:also\s+)?be\s+\w|(?:the|a|an|your|some|one|any)\s[^.:]{0,80}?\s(?:may|might|could|can)\s+(?:also\s+)?(?:be|have)\s+\w))|^(?:additionally|also|in addition),\s+(?:(?:this|the)\s+(?:issue|problem|error|behavior|behaviour)\s+(?:can|may|might|could)\s+(?:also\s+)?(?:occur|happen)\s+(?:if|when|because)\b|(?:the|a|an|your|some|one|any)\s[^.:]{0,80}?\s(?:may|might|could|can)\s+(?:also\s+)?be\s+\w)",
    )
    .expect("a valid pattern")
});

/// A paragraph cut before a sentence that adds a cause of its own ("... Converters are
/// installed on demand. Additionally, the local install source folder (Msocache) may be
/// damaged or missing."): the first cause's words, then the added one's.
fn split_at_additionally(block: &str) -> Vec<String> {
    if !is_paragraph(block) {
        return vec![block.to_owned()];
    }
    let cut = block
        .match_indices(". ")
        .map(|(at, _)| at + 2)
        .find(|&at| ADDITIONALLY.is_match(crate::text::plain_text(&block[at..]).trim_start()));
    match cut {
        Some(at) => {
            let mut out = vec![block[..at].trim_end().to_owned()];
            out.extend(split_at_additionally(block[at..].trim_start()));
            out
        }
        None => vec![block.to_owned()],
    }
}

/// The symptom numbers a cause's text says it is for ("Cause for Symptom 1: ..."), and
/// whether it is the cause of "the other symptoms".
pub(crate) fn symptoms_named(text: &str) -> (Vec<usize>, bool) {
    static FOR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:\*\*|__)?(?:(?:cause|reason)s?\s+(?:for|of)\s+|for\s+)?symptoms?\s+(\d{1,2})(?:\s*(?:,|and|or)\s*(\d{1,2}))?")
            .expect("a valid pattern")
    });
    static OTHERS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:the\s+)?(?:other|remaining)\s+symptoms\b").expect("a valid pattern")
    });
    let plain = text.trim_start();
    match FOR.captures(plain) {
        Some(captures) => (
            [captures.get(1), captures.get(2)]
                .into_iter()
                .flatten()
                .filter_map(|m| m.as_str().parse().ok())
                .collect(),
            false,
        ),
        None => (
            Vec::new(),
            OTHERS.is_match(plain.split("\n\n").next().unwrap_or_default()),
        ),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// A fix's paragraph that names another cause for when the fix did not help: "If you still
/// can't delete the folder, the folder might be associated with an active Teams channel."
/// Returns (the text before that paragraph, the cause as a statement, the text from that
/// paragraph on); `None` when no paragraph does.
pub(crate) fn further_cause(markdown: &str) -> Option<(String, String, String)> {
    static STILL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^(?:if|when)\b[^,.]*\b(?:still|persists?|continues?|remains?)\b[^,.]*,\s+((?:the|that|this|it|your|there)\b[^.]*?\b(?:might|may|could|can)\s+(?:also\s+)?(?:be|have)\b[^.]*)",
        )
        .expect("a valid pattern")
    });
    let blocks = top_level_blocks(markdown);
    let at = blocks.iter().position(|block| {
        is_paragraph(block) && STILL.is_match(crate::text::plain_text(block).trim())
    })?;
    let plain = crate::text::plain_text(&blocks[at]);
    let clause = STILL
        .captures(plain.trim())?
        .get(1)?
        .as_str()
        .trim()
        .to_owned();
    // "that could be a backlog in ..." says what it is only with its subject: keep it whole.
    Some((
        blocks[..at].join("\n\n"),
        capitalise(&clause),
        blocks[at..].join("\n\n"),
    ))
}

/// True when a text ends by presenting the list after it as what must hold ("The
/// following requirements must be met for contacts to appear:", "make sure that the
/// following prerequisite items are true:"): each item is a cause when it is not met.
pub(crate) fn introduces_requirements(intro: &str) -> bool {
    static REQUIRED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"(?i)(?:\b(?:requirements?|prerequisites?|prerequisite items|conditions)\b[^.:]*?\b(?:must|should|need to)\s+be\s+(?:met|true|satisfied|fulfilled|in place)\b",
            r"|\b(?:make sure|ensure|verify|check|confirm)\b(?:\s+that)?\s+(?:all\s+)?(?:of\s+)?(?:the following|these)\s+(?:\w+\s+){0,2}(?:are|is)\s+(?:true|met|in place|satisfied)\b",
            r"|\b(?:must|should|need to)\s+meet\s+(?:all\s+)?(?:of\s+)?(?:the following|these)\s+(?:\w+\s+)?(?:requirements|prerequisites|conditions)\b",
            r"|\bthe following\s+(?:requirements|prerequisites)\s+apply\b)[^.]*:\s*$",
        ))
        .expect("a valid pattern")
    });
    let last = intro.trim().rsplit("\n\n").next().unwrap_or_default();
    REQUIRED.is_match(crate::text::plain_text(last).trim())
}

/// A requirement ("Your mailbox must be hosted on Exchange Online.", "You're using the
/// desktop app.") as the case it is when not met: the cause says it the other way round
/// ("Your mailbox isn't hosted on Exchange Online"), the fix is the item, titled "Make
/// sure that ..." the requirement holds.
pub(crate) fn unmet_requirement(item: &str) -> Case {
    let first = super::sections::first_sentence(item.lines().next().unwrap_or_default());
    let statement = requirement_met(&first);
    let cause = match negate(&statement, true) {
        Some(negated) => capitalise(&negated),
        None => format!("Not met: {statement}"),
    };
    Case {
        cause,
        fix: item.trim().to_owned(),
        fix_title: format!(
            "Make sure that {}",
            super::lower_common_word(&statement, item)
        ),
        statement: String::new(),
    }
}

/// A requirement's sentence as the statement that holds when it is met: "must be" → "is",
/// "You must search" → "You search", "The user must have" → "The user has".
fn requirement_met(sentence: &str) -> String {
    static MUST: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^(.+?)\s+(?:must|should|needs to|need to|has to|have to)\s+(not\s+)?(\S+)(.*)$",
        )
        .expect("a valid pattern")
    });
    let sentence = sentence.trim().trim_end_matches(['.', ':', ';']).trim();
    // "You're using ...": the auxiliary spelled out, so it can be turned round.
    let sentence = match sentence.split_once(' ') {
        Some((first, rest)) => match first.to_lowercase().replace('’', "'").as_str() {
            "you're" => format!("{} are {rest}", &first[..3]),
            "you've" => format!("{} have {rest}", &first[..3]),
            "we're" => format!("{} are {rest}", &first[..2]),
            "they're" => format!("{} are {rest}", &first[..4]),
            _ => sentence.to_owned(),
        },
        None => sentence.to_owned(),
    };
    let Some(captures) = MUST.captures(&sentence) else {
        return sentence;
    };
    let subject = captures[1].trim();
    let not = captures.get(2).is_some();
    let verb = captures[3].to_lowercase();
    let rest = &captures[4];
    let last = subject
        .split_whitespace()
        .last()
        .unwrap_or_default()
        .to_lowercase();
    let plural = matches!(
        last.as_str(),
        "you" | "we" | "they" | "i" | "users" | "both"
    ) || (last.ends_with('s')
        && !last.ends_with("ss")
        && !last.ends_with("us")
        && !last.ends_with("is")
        && !last.ends_with("'s"));
    let verb = match (verb.as_str(), not) {
        ("be", false) => if plural { "are" } else { "is" }.to_owned(),
        ("be", true) => if plural { "aren't" } else { "isn't" }.to_owned(),
        (base, true) => format!("{} {base}", if plural { "don't" } else { "doesn't" }),
        ("have", false) if !plural => "has".to_owned(),
        (base, false) if plural => base.to_owned(),
        (base, false) => third_person(base),
    };
    format!("{subject} {verb}{rest}")
}

/// A verb's third-person singular: "use" → "uses", "match" → "matches", "apply" → "applies".
fn third_person(base: &str) -> String {
    if base.ends_with("sh")
        || base.ends_with("ch")
        || base.ends_with('s')
        || base.ends_with('x')
        || base.ends_with('z')
        || base.ends_with('o')
    {
        format!("{base}es")
    } else if let Some(stem) = base.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        format!("{stem}ies")
    } else {
        format!("{base}s")
    }
}

/// The cause a section's opening sentence states for the error it is named for: "This
/// error occurs if the library was renamed." → "The library was renamed"; "Error 1 can
/// occur if your site is set as ReadOnly." → "Your site is set as ReadOnly"; "This error
/// could be a temporary issue." stays whole. `None` for a sentence that states no cause.
pub(crate) fn stated_cause(markdown: &str) -> Option<String> {
    static OCCURS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^(?:this|the|that|an?)?\s*(?:error|issue|problem|behaviou?r|message|warning|situation|failure)(?:\s+(?:message\s+)?\d{1,2})?\s+(?:can|could|may|might|will)?\s*(?:also\s+)?(?:occurs?|happens?|appears?|is\s+logged|is\s+returned|is\s+displayed|be\s+caused|is\s+caused)\s+(?:only\s+)?(?:if|when|because(?:\s+of)?|by|after|in\s+cases?\s+where)\s+(.+)$",
        )
        .expect("a valid pattern")
    });
    static COULD_BE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:this|the|that)\s+(?:error|issue|problem|behaviou?r)\s+(?:could|may|might|can)\s+be\s+(?:a|an|caused)\b")
            .expect("a valid pattern")
    });
    let first = markdown.trim().split("\n\n").next().unwrap_or_default();
    let sentence = super::sections::first_sentence(first);
    let sentence = sentence.trim().trim_end_matches('.');
    if let Some(captures) = OCCURS.captures(sentence) {
        let cause = captures[1].trim();
        return (cause.split_whitespace().count() >= 2).then(|| capitalise(cause));
    }
    COULD_BE.is_match(sentence).then(|| sentence.to_owned())
}

/// The message an error heading names: "Error: The object specified does not belong to a
/// list" → that message; `None` for a heading that only numbers the error ("Error 1").
pub(crate) fn heading_message(heading: &str) -> Option<String> {
    static NAMED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"(?i)^(?:error|message|error message)(?:\s+\d{1,2})?\s*[:\-–]\s*["“]?(.+?)["”]?$"#,
        )
        .expect("a valid pattern")
    });
    let plain = crate::text::plain_text(heading);
    let message = NAMED
        .captures(plain.trim())?
        .get(1)?
        .as_str()
        .trim()
        .to_owned();
    (message.split_whitespace().count() >= 3).then_some(message)
}

/// The message a section quotes (`> The file didn't upload.`), as one line of plain text.
pub(crate) fn quoted_message(markdown: &str) -> Option<String> {
    let lines: Vec<String> = markdown
        .lines()
        .map(str::trim)
        .take_while(|line| !line.starts_with('#'))
        .skip_while(|line| !line.starts_with('>'))
        .take_while(|line| line.starts_with('>'))
        .map(|line| line.trim_start_matches('>').trim().to_owned())
        .filter(|line| !line.starts_with("[!") && !line.is_empty())
        .collect();
    if lines.is_empty() {
        return None;
    }
    let plain = crate::text::plain_text(&lines.join(" "));
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    (plain.split_whitespace().count() >= 3).then_some(plain)
}

/// A heading that asks a yes/no question ("Do users have appropriate permissions?", "Are
/// users receiving "503" error messages?") as the cause it asks about, and whether **Yes**
/// points to it: a question about the healthy state ("have appropriate permissions") points
/// to its cause with **No** and the cause says it the other way round. `None` for a
/// heading that is no such question, or whose verb is not found.
pub(crate) fn asked_cause(heading: &str) -> Option<(String, bool)> {
    static ASKS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(is|are|was|were|has|have|can|does|do)\s+(.+?)\s*\?$")
            .expect("a valid pattern")
    });
    static STATE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:appropriate|necessary|required|proper|right|sufficient|enough|supported|licensed|allowed|permitted)\b")
            .expect("a valid pattern")
    });
    const VERB_WORDS: [&str; 24] = [
        "have", "has", "get", "see", "use", "need", "receive", "exist", "work", "show", "contain",
        "run", "point", "match", "belong", "appear", "in", "on", "set", "turned", "able",
        "allowed", "missing", "blocked",
    ];
    let plain = crate::text::plain_text(heading);
    let captures = ASKS.captures(plain.trim())?;
    let auxiliary = captures[1].to_lowercase();
    let words: Vec<&str> = captures[2].split_whitespace().collect();
    let verb = (1..words.len().min(6)).find(|&i| {
        let w = words[i].to_lowercase();
        w.len() > 4 && (w.ends_with("ing") || w.ends_with("ed")) || VERB_WORDS.contains(&w.as_str())
    })?;
    if words.len() <= verb + 1 && !matches!(auxiliary.as_str(), "is" | "are" | "was" | "were") {
        return None;
    }
    let subject = capitalise(&words[..verb].join(" "));
    let predicate = words[verb..].join(" ");
    let statement = match auxiliary.as_str() {
        "do" => format!("{subject} {predicate}"),
        "does" => {
            let verb_word = words[verb].to_lowercase();
            let rest = words[verb + 1..].join(" ");
            let verb_word = if verb_word == "have" {
                "has".to_owned()
            } else {
                third_person(&verb_word)
            };
            format!("{subject} {verb_word} {rest}")
        }
        _ => format!("{subject} {auxiliary} {predicate}"),
    };
    if healthy(&statement) || STATE.is_match(&statement) {
        let negated = negate(&statement, true)?;
        return Some((capitalise(&negated), false));
    }
    Some((statement, true))
}

/// A cause's own text that closes with what to do about it ("To resolve this issue,
/// convert the group to a universal group.", "To resolve this issue, see [Managing
/// address lists](...)."): (the cause's text before, the fix's title, the fix's text, a
/// workaround?). `None` when no paragraph after the first opens so, or when it only
/// points to another part of the article ("see the Resolution section").
pub(crate) fn closing_fix(markdown: &str) -> Option<(String, String, String, bool)> {
    static OPENS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^to\s+(resolve|fix|work\s+around|avoid)\s+(?:this|the|these)\s+(?:issues?|problems?|errors?|behaviou?r)\s*,\s*")
            .expect("a valid pattern")
    });
    static ELSEWHERE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:following|next|below|above|later)\b|\]\(#|\b(?:resolution|workaround|solution)\s+section")
            .expect("a valid pattern")
    });
    let blocks = top_level_blocks(markdown);
    let start = blocks
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, b)| is_paragraph(b) && OPENS.is_match(b))
        .map(|(i, _)| i)?;
    let first = super::sections::first_sentence(&blocks[start]);
    let block = blocks[start].as_str();
    let first_markdown = block.find(". ").map_or(block, |end| &block[..=end]);
    // "To resolve this issue, see the following section.", "... see [Fix it](#fix-it)":
    // the fix is elsewhere in the article.
    if ELSEWHERE.is_match(first_markdown) && start + 1 == blocks.len() {
        return None;
    }
    let verb = OPENS
        .captures(&blocks[start])
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_lowercase())
        .unwrap_or_default();
    let workaround = verb.starts_with("work") || verb == "avoid";
    let rest = OPENS
        .replace(first.trim(), "")
        .trim()
        .trim_end_matches(['.', ':'])
        .to_owned();
    let title = match see_link(&OPENS.replace(first_markdown, "")) {
        Some(name) => format!("Follow \"{name}\""),
        None => capitalise(&crate::text::plain_text(&rest)),
    };
    static STEPS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b(?:following|these|the)\s+(?:steps|methods|options)\b|\bone of the following\b",
        )
        .expect("a valid pattern")
    });
    if title.split_whitespace().count() < 2 || STEPS.is_match(&title) {
        return None;
    }
    Some((
        blocks[..start].join("\n\n"),
        title,
        blocks[start..].join("\n\n"),
        workaround,
    ))
}

/// "see [Managing address lists](/previous-versions/...)" → "Managing address lists".
fn see_link(text: &str) -> Option<String> {
    static SEE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:see|follow|refer\s+to|use)\s+(?:the\s+(?:steps|article|instructions)\s+in\s+)?\[([^\]]+)\]\(\S+\)\s*\.?$")
            .expect("a valid pattern")
    });
    SEE.captures(text.trim())
        .map(|c| crate::text::plain_text(&c[1]))
}
