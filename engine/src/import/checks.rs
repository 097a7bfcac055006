//! Drafted checks: one question per cause an agent can observe, worded from the article.
//!
//! For every cause of a multi-cause draft, [`draft`] looks for what an L1 agent can check
//! (an event ID, an error code or message, a command, a setting shown in bold, a registry
//! path, a version) in the article's own words: the cause's sentence and text, its fixes
//! (their steps and commands), the symptoms and the notes. Blocks (paragraphs, list items,
//! code blocks) are scored by the words that tell this cause from the others (plus the
//! words of the section they stand under, a command or event ID, the cause's own fix, a
//! link to that fix); the best four are quoted in the question's help, under the name of
//! the section they come from. The question is the cause's sentence turned into a question
//! ("The Reading Pane isn't enabled" → "Is the Reading Pane enabled?", **No** pointing to
//! the cause), or one about its sign ("Is event ID 7022 logged, showing that ...?", "Does
//! `$PSVersionTable` show that ...?"), or "Following the steps below, do you find that
//! ...?" / "Do the signs below point to *<cause>*?" when the sentence is not a clause;
//! where nothing at all can be quoted, "Does this apply: <cause>?", marked
//! [`FALLBACK_MARK`] in its help for a writer. A cause whose own words say it leaves no
//! sign ("a temporary error", "cached by your browser", "needs to be redeployed") gets no
//! question: the planner tries its fix in order of chance over cost.
//!
//! **The cost rule** (minutes, the question's `cost`): what checking takes, the cheapest
//! way the quoted text offers: reading the message the user already sees (an error code the
//! symptoms show) [`COST_MESSAGE`] < running a command (a code span or block)
//! [`COST_COMMAND`] < opening a console, portal, settings page or log viewer (or a setting
//! in bold) [`COST_CONSOLE`] < waiting for a sync or replication [`COST_SYNC`]; with no
//! sign of any, a console. Fixes whose text restarts, reinstalls, rebuilds or waits get an
//! estimated cost (5 + 2 a step, + 10 for a restart, + 30 for a reinstall or a wait),
//! marked `generated`; the others keep the default (5 + 2 a step).
//!
//! The checks form a chain in order of cost (then the article's order): each answer that
//! points to its cause leads there, the other on to the next check. After the last check
//! comes what is left when every check said no: the one cause without a sign, a menu of
//! those causes ([`LEFT_MENU`], don't-know rate [`MENU_DONT_KNOW`]), or, when every cause
//! has a check, `escalate` (none of the article's causes fits). The pointing answer's base
//! rate is [`POINTING_BASE_RATE`]: a check rarely points to its cause when another cause is
//! behind the problem, so each answer weighs as evidence whatever order the planner asks
//! them in. The which-cause menu over every cause stays as a shortcut (`shortcut: true`,
//! don't-know rate [`MENU_DONT_KNOW`]) for an agent who already knows: reached by no walk,
//! asked where the planner finds it pays, its answer keeping the causes it names.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::model::{Answer, Article, NodeId, Question, QuestionKind};

/// Minutes to read a message the user already sees.
pub const COST_MESSAGE: f64 = 1.0;
/// Minutes to run a command and read its output.
pub const COST_COMMAND: f64 = 2.0;
/// Minutes to open a console, portal, settings page or log viewer and find a value.
pub const COST_CONSOLE: f64 = 5.0;
/// Minutes to wait for a sync or replication before the answer shows.
pub const COST_SYNC: f64 = 30.0;

/// The id of the menu of the causes without a sign, where every check said no.
pub const LEFT_MENU: &str = "which-other-cause";

/// How often an agent cannot answer the which-cause menu: an agent who knew the cause
/// would not need the troubleshooter.
pub const MENU_DONT_KNOW: f64 = 0.6;

/// How often a drafted check gives the answer that points to its cause when another cause
/// is behind the problem (the answer's `base_rate`).
pub const POINTING_BASE_RATE: f64 = 0.1;

/// The first line of the help of a question drafted without a sign to check.
pub const FALLBACK_MARK: &str = "**To review: drafted without a sign to check.**";

/// A drafted check for one cause.
#[derive(Debug, Clone)]
pub(crate) struct Check {
    pub(crate) question: Question,
    /// True for the "Does this apply: ...?" fallback.
    pub(crate) fallback: bool,
}

/// One block of article text an agent could read, and where it stands.
struct Block {
    text: String,
    section: String,
    /// The index of the cause whose own text it is, if any.
    cause: Option<usize>,
    /// The causes whose fix it belongs to (all of them for a shared fix).
    fix_of: Vec<usize>,
    /// The words of its section's title (a fix named for what it repairs).
    title_words: BTreeSet<String>,
}

/// Adds a check per observable cause to a draft with two or more causes, chains them from
/// the entry, and keeps the which-cause menu at the end of the chain. Returns mapping
/// notes for the writer.
///
/// `signs` holds, per cause, the error message the user sees with it (its group's error
/// heading): a cause that is the only one with its message is checked by asking about the
/// message, the cheapest look there is; one that shares it is asked about in its light.
pub(crate) fn draft(
    article: &mut Article,
    menu: Question,
    signs: &[Option<String>],
) -> Vec<String> {
    let mut notes = Vec::new();
    estimate_fix_costs(article);
    let blocks = blocks(article);
    let sentences: Vec<String> = article
        .causes
        .iter()
        .map(|c| sentence(&whole_title(&c.title, &c.text)))
        .collect();
    let seen = format!(
        "{}\n{}\n{}",
        article.title,
        article.summary,
        article
            .symptoms
            .iter()
            .map(|s| format!("{}\n{}\n{}", s.text, s.steps.join("\n"), s.after))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let mut checks: Vec<(usize, Check)> = Vec::new();
    let mut unseen: Vec<usize> = Vec::new();
    for (index, (cause, sentence)) in article.causes.iter().zip(&sentences).enumerate() {
        let own = format!("{sentence}\n{}", cause.text);
        let sign = signs.get(index).cloned().flatten();
        if unobservable(&own) && sign.is_none() {
            unseen.push(index);
            notes.push(format!(
                "{}: no sign an agent can check in the article; no question (its fixes are tried in order)",
                cause.id
            ));
            continue;
        }
        // The words that tell causes apart come from their whole titles, asides included.
        let others: Vec<String> = article
            .causes
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != index)
            .map(|(_, c)| whole_title(&c.title, &c.text))
            .collect();
        let others: Vec<&str> = others.iter().map(String::as_str).collect();
        let whole = whole_title(&cause.title, &cause.text);
        let distinctive = distinctive_words(&whole, &others);
        // The titles of the fixes only this cause has.
        let own_fix_titles: Vec<String> = article
            .solutions
            .iter()
            .chain(&article.workarounds)
            .filter(|r| cause.solutions.contains(&r.id) || cause.workarounds.contains(&r.id))
            .filter(|r| {
                article
                    .causes
                    .iter()
                    .filter(|c| c.solutions.contains(&r.id) || c.workarounds.contains(&r.id))
                    .count()
                    == 1
            })
            .map(|r| r.title.clone())
            .collect();
        // The error message seen with this cause, and whether another cause shares it.
        let message = sign.as_deref().map(|sign| {
            let shared = signs
                .iter()
                .enumerate()
                .any(|(i, s)| i != index && s.as_deref() == Some(sign));
            (sign.trim().trim_end_matches('.'), shared)
        });
        let check = check_for(
            index,
            sentence,
            &distinctive,
            &Readable {
                blocks: &blocks,
                seen: &seen,
            },
            cause,
            &own_fix_titles,
            message,
        );
        if check.fallback {
            notes.push(format!(
                "{}: nothing better than 'Does this apply' could be drafted; reword its question",
                cause.id
            ));
        }
        checks.push((index, check));
    }
    add_reach_costs(article, &checks);
    // Cheapest first; the article's order breaks ties.
    checks.sort_by(|(a, x), (b, y)| {
        let cost = |c: &Check| c.question.cost.unwrap_or(1.0);
        cost(x).total_cmp(&cost(y)).then(a.cmp(b))
    });
    // Where every check said no: the one cause with no sign, a menu of those causes, or
    // none of the article's causes (escalate).
    let left: Option<Question> = match unseen.as_slice() {
        [] | [_] => None,
        many => {
            let causes: Vec<crate::model::Cause> =
                many.iter().map(|i| article.causes[*i].clone()).collect();
            let mut left = super::which_cause(&causes);
            left.id = NodeId(LEFT_MENU.to_owned());
            left.text = if checks.is_empty() {
                "Which of these matches what you see?".to_owned()
            } else {
                "None of the checks pointed to a cause: which of these matches what you see?"
                    .to_owned()
            };
            left.dont_know = Some(MENU_DONT_KNOW);
            Some(left)
        }
    };
    let end = match (&left, unseen.as_slice()) {
        (Some(menu), _) => menu.id.clone(),
        (None, [one]) => article.causes[*one].id.clone(),
        (None, _) => NodeId(crate::model::ESCALATE.to_owned()),
    };
    let count = checks.len();
    let mut questions: Vec<Question> = Vec::new();
    for (position, (_, check)) in checks.into_iter().enumerate() {
        let mut question = check.question;
        let next = if position + 1 < count {
            NodeId(format!("check-{}", position + 2))
        } else {
            end.clone()
        };
        question.id = NodeId(format!("check-{}", position + 1));
        for answer in &mut question.answers {
            if answer.goto.is_none() {
                answer.goto = Some(next.clone());
            }
        }
        questions.push(question);
    }
    article.entry = Some(questions.first().map_or(end, |q| q.id.clone()));
    questions.extend(left);
    // The which-cause menu stays as a shortcut for an agent who already knows: the planner
    // asks it only where that pays, and its answer counts wherever the session stands.
    if count > 0 {
        let mut menu = menu;
        menu.dont_know = Some(MENU_DONT_KNOW);
        menu.shortcut = true;
        menu.text = "Do you already know which of these it is?".to_owned();
        questions.push(menu);
    }
    article.questions = questions;
    notes
}

/// What an article gives an agent to read: its blocks, and the text the user already sees
/// (title, summary, symptoms).
struct Readable<'a> {
    blocks: &'a [Block],
    seen: &'a str,
}

/// The check for one cause.
fn check_for(
    index: usize,
    sentence: &str,
    distinctive: &BTreeSet<String>,
    read: &Readable<'_>,
    cause: &crate::model::Cause,
    own_fix_titles: &[String],
    message: Option<(&str, bool)>,
) -> Check {
    let (blocks, seen) = (read.blocks, read.seen);
    // In how many blocks each of the cause's distinctive words appears.
    let rarity: std::collections::BTreeMap<&String, usize> = distinctive
        .iter()
        .map(|w| {
            (
                w,
                blocks
                    .iter()
                    .filter(|b| words_of(&b.text).contains(w))
                    .count(),
            )
        })
        .collect();
    let own_anchors: Vec<String> = own_fix_titles
        .iter()
        .map(|title| format!("](#{})", super::slug(title)))
        .collect();
    // Blocks that speak of this cause and show something to look at, best first.
    let mut scored: Vec<(usize, usize, &Block)> = blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| b.cause.is_none_or(|c| c == index))
        .filter(|(_, b)| {
            // The cause's own text and its own fix say how it shows; elsewhere a block
            // must show something to look at.
            b.cause == Some(index) || b.fix_of == [index] || has_sign(&b.text)
        })
        // Another cause's own fix is no way to check this one.
        .filter(|(_, b)| b.fix_of.is_empty() || b.fix_of.contains(&index))
        // The problem as every cause shows it tells none apart: of a symptom no cause
        // claims, only a quoted message or a code may be this cause's sign.
        .filter(|(_, b)| {
            !(b.section.starts_with("Symptoms") && b.cause.is_none())
                || b.text.trim_start().starts_with('>')
                || b.text.contains('`')
                || !event_ids(&b.text).is_empty()
                || !commands(&b.text).is_empty()
                || CODE.is_match(&b.text)
                || own_anchors.iter().any(|a| b.text.contains(a.as_str()))
        })
        // A bold label on its own ("**Workaround**", "**Error**") says nothing.
        .filter(|(_, b)| !is_label(&b.text))
        .filter(|(_, b)| !repeats(&b.text, sentence) && !introduces_a_list(&b.text))
        .map(|(order, b)| {
            let words = words_of(&b.text);
            let own = distinctive.iter().filter(|w| words.contains(*w)).count();
            // The section's title speaks for all its steps at once: it adds a point, so a
            // step that names nothing of the cause ("Click Next") is not quoted for it.
            let titled = distinctive
                .iter()
                .any(|w| !words.contains(w) && b.title_words.contains(w));
            let mut score = own * 2 + usize::from(titled);
            // A word few blocks use ("translator") tells this block apart more than one
            // most of them use ("Setup").
            score += distinctive
                .iter()
                .filter(|w| words.contains(*w) && rarity.get(*w).is_some_and(|n| *n <= 3))
                .count();
            if !commands(&b.text).is_empty() || !event_ids(&b.text).is_empty() {
                score += 1;
            }
            if b.cause == Some(index) {
                score += 2;
            }
            if b.fix_of.len() == 1 && b.fix_of[0] == index {
                score += 1;
                // "Make sure that all the handlers use valid HTTP methods": a step of the
                // cause's own fix that says what to look at is how to check it.
                if verifies(&b.text) {
                    score += 1;
                }
            }
            // "If the file is a registry file, follow [Contact support](#contact-support)":
            // a sign that sends the reader to this cause's own fix.
            if own_anchors
                .iter()
                .any(|anchor| b.text.contains(anchor.as_str()))
            {
                score += 3;
            }
            (score, order, b)
        })
        .filter(|(score, _, _)| *score >= 2)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.truncate(4);
    scored.sort_by_key(|s| s.1);
    let mut evidence: Vec<&Block> = scored.iter().map(|s| s.2).collect();
    // Nothing speaks of this cause alone: what the resolution it shares has the reader
    // make sure of ("... should make sure that Autodiscover is functional") is the
    // article's own check for it.
    if evidence.is_empty() {
        static SURE: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(
                r"(?i)\b(?:make sure|ensure|verify|confirm|check whether|check that|check if)\b",
            )
            .expect("a valid pattern")
        });
        evidence = blocks
            .iter()
            .filter(|b| b.fix_of.contains(&index) && b.cause.is_none())
            .filter(|b| SURE.is_match(&crate::text::plain_text(&b.text)))
            .filter(|b| !is_label(&b.text) && !introduces_a_list(&b.text))
            .take(2)
            .collect();
    }
    let quoted = evidence
        .iter()
        .map(|b| b.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let all = format!("{sentence}\n{quoted}");
    // What every cause shows (a symptom no cause claims) says nothing of what checking
    // this one takes: the cost comes from the cause's own evidence.
    let own_evidence = evidence
        .iter()
        .filter(|b| !(b.section.starts_with("Symptoms") && b.cause.is_none()))
        .map(|b| b.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let mut cost = cost_of(&format!("{sentence}\n{own_evidence}"), seen);
    // "Proxy and firewall is blocking ...", capitalised only as a title, asks about
    // "proxy and firewall", as the article writes it inside its sentences.
    let lowered = lower_if_common(sentence, blocks);
    let (mut text, mut points_yes, mut fallback) = match invert(&lowered) {
        Some((question, negated)) => (question, !negated, false),
        None => match sign_question(sentence, &all).filter(|_| reads_as_a_clause(sentence)) {
            Some(question) => (question, true, false),
            None if !evidence.is_empty() && reads_as_a_clause(sentence) => (
                format!(
                    "Following the steps below, do you find that {}?",
                    lower_first(sentence.trim_end_matches(['.', '?']))
                ),
                true,
                false,
            ),
            None if !evidence.is_empty() => (
                format!(
                    "Do the signs below point to *{}*?",
                    sentence.trim_end_matches(['.', '?'])
                ),
                true,
                false,
            ),
            None => (
                format!(
                    "Does this apply: {}?",
                    sentence.trim_end_matches(['.', '?'])
                ),
                true,
                true,
            ),
        },
    };
    // In the light of the error message the cause is seen with. The only cause with that
    // message: "Does the error say "<message>"?", **Yes** pointing to it, at the cost of
    // reading a message. A cause that shares it: its own question, after the message.
    let only_one_with = match message {
        Some((message, false)) => {
            text = format!("Does the error say \"{message}\"?");
            points_yes = true;
            fallback = false;
            cost = COST_MESSAGE;
            Some(message)
        }
        Some((message, true)) => {
            let mut chars = text.chars();
            let first = chars
                .next()
                .map(|c| c.to_lowercase().to_string())
                .unwrap_or_default();
            text = format!("With the error \"{message}\": {first}{}", chars.as_str());
            None
        }
        None => None,
    };
    let (pointing, other) = if points_yes {
        ("yes", "no")
    } else {
        ("no", "yes")
    };
    let mut help = Vec::new();
    if fallback {
        help.push(format!(
            "{FALLBACK_MARK} The importer found nothing in the article that an agent can look at for this cause; reword the question or remove it."
        ));
    }
    help.push(format!(
        "The article gives this cause as: *{}*",
        sentence.trim()
    ));
    let mut last_section = String::new();
    for block in &evidence {
        if block.section != last_section {
            help.push(format!("How to check, from *{}*:", block.section));
            last_section = block.section.clone();
        }
        help.push(quote(&block.text));
    }
    match only_one_with {
        Some(message) => {
            help.push(format!(
                "This cause is the only one the article gives for the error *{message}*."
            ));
            help.push(
                "**Yes** points to this cause; **No** leads on to the next check.".to_owned(),
            );
        }
        None => help.push(format!(
            "**{}** points to this cause ({}); **{}** leads on to the next check.",
            capitalise(pointing),
            cause.title.trim(),
            capitalise(other)
        )),
    }
    // A check for one cause rarely points to it when another cause is behind the problem:
    // its pointing answer's base rate is low, so the planner may ask the checks in any
    // order and each answer weighs as the evidence it is.
    let answers = ["yes", "no"]
        .into_iter()
        .map(|value| {
            let points = (value == "yes") == points_yes;
            Answer {
                value: value.to_owned(),
                label: None,
                goto: points.then(|| cause.id.clone()),
                base_rate: points.then_some(POINTING_BASE_RATE),
            }
        })
        .collect();
    Check {
        question: Question {
            id: NodeId(String::new()),
            text,
            help: help.join("\n\n"),
            kind: QuestionKind::YesNo,
            cost: Some(cost),
            dont_know: None,
            answers,
            generated: true,
            shortcut: false,
        },
        fallback,
    }
}

/// Trying a fix starts where checking its cause does (the same console, log or command)
/// and goes on to change something and see whether it worked: a fix all of whose causes
/// have a check costs the minutes of the cheapest of those checks more than its own
/// estimate (marked `generated`).
fn add_reach_costs(article: &mut Article, checks: &[(usize, Check)]) {
    let check_cost = |cause: usize| {
        checks
            .iter()
            .find(|(index, _)| *index == cause)
            .map(|(_, check)| check.question.cost())
    };
    let owners_reach: Vec<Option<f64>> = article
        .solutions
        .iter()
        .chain(&article.workarounds)
        .map(|remedy| {
            let owners: Vec<usize> = (0..article.causes.len())
                .filter(|&c| {
                    let cause = &article.causes[c];
                    cause.solutions.contains(&remedy.id) || cause.workarounds.contains(&remedy.id)
                })
                .collect();
            if owners.is_empty() {
                return None;
            }
            owners
                .iter()
                .map(|&c| check_cost(c))
                .try_fold(f64::INFINITY, |least, cost| cost.map(|c| least.min(c)))
        })
        .collect();
    for (remedy, reach) in article
        .solutions
        .iter_mut()
        .chain(article.workarounds.iter_mut())
        .zip(owners_reach)
    {
        let Some(reach) = reach else {
            continue;
        };
        if remedy.by_design || (remedy.cost.is_some() && !remedy.generated) {
            continue;
        }
        remedy.cost = Some(remedy.cost() + reach);
        remedy.generated = true;
    }
}

/// Sets an estimated `cost` on fixes whose text restarts, reinstalls or waits.
fn estimate_fix_costs(article: &mut Article) {
    for remedy in article
        .solutions
        .iter_mut()
        .chain(article.workarounds.iter_mut())
    {
        if remedy.cost.is_some() || remedy.by_design {
            continue;
        }
        let text = format!(
            "{}\n{}\n{}\n{}",
            remedy.title,
            remedy.text,
            remedy.steps.join("\n"),
            remedy.after
        )
        .to_lowercase();
        let extra = fix_extra_minutes(&text);
        if extra > 0.0 {
            remedy.cost = Some(5.0 + 2.0 * remedy.steps.len() as f64 + extra);
            remedy.generated = true;
        }
    }
}

/// The minutes a fix's text adds to the default (5 + 2 a step): a restart, a reinstall,
/// rebuild or redeployment, a wait for a sync.
pub(crate) fn fix_extra_minutes(lower: &str) -> f64 {
    static REINSTALL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\b(reinstall|re-install|rebuild|redeploy|re-deploy|recreate|re-create|restore (it |the \w+ )?from (a |the )?backup)").expect("a valid pattern")
    });
    static WAIT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\b(wait (for|until)|next sync|sync cycle|replication to complete|up to \d+ (minutes|hours))").expect("a valid pattern")
    });
    static RESTART: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b(restart|reboot)").expect("a valid pattern"));
    let mut extra = 0.0;
    if RESTART.is_match(lower) {
        extra += 10.0;
    }
    if REINSTALL.is_match(lower) {
        extra += 30.0;
    }
    if WAIT.is_match(lower) {
        extra += 30.0;
    }
    extra
}

/// A cause's sentence for questions: its title, without "This issue occurs because" and
/// similar openings.
fn sentence(title: &str) -> String {
    static OPENING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:cause\s*\d*\s*[:.]\s*)?(?:(?:this|that|the\s+(?:issue|problem|error|behavior|behaviour)|this\s+(?:issue|problem|error|behavior|behaviour))\s+(?:(?:can|may|might|could)\s+)?(?:also\s+)?(?:(?:usually|typically|generally|often|commonly|mostly|sometimes|most\s+often)\s+)?(?:occurs?|happens?|appears?|is\s+caused|be\s+caused|is\s+(?:also\s+)?triggered|be\s+triggered)\s+(?:also\s+)?(?:because\s+(?:of\s+)?|if\s+|when\s+|due\s+to\s+|by\s+)?)")
            .expect("a valid pattern")
    });
    let plain = crate::text::plain_text(title);
    let plain = plain.trim();
    // Parenthetical asides ("(also known as ...)") make long questions longer.
    static ASIDE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\s*\((?:also known as|for example|such as|that is)[^)]*\)")
            .expect("a valid pattern")
    });
    let plain = ASIDE.replace_all(plain, "");
    let plain = plain.trim();
    // "Another possible cause for these errors is a problem with ..." → "A problem with ...".
    let plain = super::cases::ANOTHER_CAUSE.replace(plain, "");
    let stripped = OPENING.replace(&plain, "");
    // "... are not available because they were not installed": the reason is not what to
    // look at.
    static BECAUSE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i),?\s+because\s+.*$").expect("a valid pattern"));
    let stripped = BECAUSE.replace(stripped.trim(), "");
    let stripped = stripped.trim();
    let mut out = stripped.to_owned();
    if let Some(first) = out.chars().next()
        && stripped.len() < plain.len()
    {
        // "because the account ..." → "The account ...".
        out = format!("{}{}", first.to_uppercase(), &out[first.len_utf8()..]);
    }
    out.trim_end_matches(['.', ':', ';']).trim().to_owned()
}

/// A cause's title, or the whole first sentence of its text when the title was cut ("...").
fn whole_title(title: &str, text: &str) -> String {
    let Some(start) = title.strip_suffix("...") else {
        return title.to_owned();
    };
    let plain = crate::text::plain_text(text);
    let Some(at) = plain.find(start.trim()) else {
        return title.to_owned();
    };
    let rest = &plain[at..];
    let end = rest
        .char_indices()
        .find(|(i, c)| *c == '.' && rest[i + 1..].starts_with([' ', '\n']))
        .map_or(rest.len(), |(i, _)| i + 1);
    rest[..end].to_owned()
}

/// True when a cause's own words say it leaves no sign: temporary, cached, a hang.
fn unobservable(own: &str) -> bool {
    static MARKERS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(temporary (error|issue|problem|glitch)|transient|cached by|from an old cache|old cache|needs? to be redeployed|lack of capacity|hangs? inside)\b")
            .expect("a valid pattern")
    });
    let first = own.split("\n\n").next().unwrap_or(own);
    MARKERS.is_match(first)
}

/// The sentence as a yes/no question, and whether the sentence was negative (then **No**
/// points to the cause). `None` when no auxiliary verb opens the predicate early enough.
pub(crate) fn invert(sentence: &str) -> Option<(String, bool)> {
    // "You're using ..." reads as "You are using ..." (only as the subject: "the email
    // you're viewing" keeps its relative clause whole).
    static CONTRACTED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^([Yy]ou|[Ww]e|[Tt]hey)(?:'|’)re\b").expect("a valid pattern")
    });
    let sentence = CONTRACTED.replace_all(sentence, "$1 are");
    if sentence.contains(", and ") {
        // "... stopped, and restart it": a second part that is no clause would read as one.
        return compound_question(&sentence);
    }
    // "Serialization is enabled and you have a special character in a name": two clauses,
    // the second with a subject of its own.
    for subject in [" and you ", " and we ", " and they "] {
        if let Some(at) = sentence.find(subject)
            && let Some(question) =
                compound_question(&format!("{}, {}", &sentence[..at], &sentence[at + 1..]))
        {
            return Some(question);
        }
    }
    invert_clause(&sentence, false)
}

/// "You're using a proxy server, and the connection times out" as one question about both
/// clauses ("Are you using a proxy server, and does the connection time out?"). A clause
/// that was negative keeps its "not", so **Yes** points to the cause.
fn compound_question(sentence: &str) -> Option<(String, bool)> {
    let at = sentence.rfind(", and ")?;
    let (left, right) = (&sentence[..at], &sentence[at + ", and ".len()..]);
    let (_, left_negated) = invert_clause(left, false)?;
    let (_, right_negated) = invert_clause(right, false)?;
    let keep_not = left_negated || right_negated;
    let (left, _) = invert_clause(left, keep_not)?;
    let (right, _) = invert_clause(right, keep_not)?;
    Some((
        format!(
            "{}, and {}{}",
            left.trim_end_matches('?'),
            right.get(..1)?.to_lowercase(),
            right.get(1..)?
        ),
        false,
    ))
}

/// One clause as a yes/no question; with `keep_not`, a negative clause keeps its "not" in
/// the question ("Do you not have ...?") and is returned as not negated.
fn invert_clause(sentence: &str, keep_not: bool) -> Option<(String, bool)> {
    let words: Vec<&str> = sentence.split_whitespace().collect();
    if words.len() < 3 {
        return None;
    }
    let lower: Vec<String> = words
        .iter()
        .map(|w| w.to_lowercase().replace('’', "'"))
        .collect();
    // "There is a lack of ..." → "Is there a lack of ...?" A subject with a relative
    // clause ("The version that you are using is ...") has the clause's verb first: the
    // predicate's is the next one.
    let auxiliaries: Vec<usize> = lower
        .iter()
        .take(14)
        .enumerate()
        .filter(|(_, w)| auxiliary(w).is_some())
        .map(|(i, _)| i)
        .collect();
    let Some(&first) = auxiliaries.first() else {
        return main_verb_question(&words, &lower);
    };
    // "That particular server has ..." opens with a determiner, not a relative clause.
    let relative = lower[..first]
        .iter()
        .skip(1)
        .any(|w| matches!(w.as_str(), "that" | "which" | "who"));
    let position = match (relative, auxiliaries.get(1)) {
        (true, Some(second)) => *second,
        // A relative clause and one auxiliary: "have" or "do" is more likely the
        // clause's own verb ("machines that have an old agent ...") than the predicate's.
        (true, None) if matches!(lower[first].as_str(), "have" | "has" | "do" | "does") => {
            return None;
        }
        // "the alias of the group that the user is trying to edit contains ...": the
        // auxiliary is the clause's ("is trying"); the sentence's verb is a main verb.
        (true, None)
            if matches!(lower[first].as_str(), "is" | "are")
                && lower
                    .get(first + 1)
                    .is_some_and(|w| w.len() > 4 && w.ends_with("ing"))
                && lower.get(first + 2).is_some_and(|w| w == "to") =>
        {
            return main_verb_question(&words, &lower);
        }
        (true, None) => first,
        (false, _) => first,
    };
    // "In a standard scenario where ..." opens with a phrase, not a subject.
    if matches!(
        lower[0].as_str(),
        "in" | "on"
            | "at"
            | "for"
            | "with"
            | "when"
            | "if"
            | "after"
            | "before"
            | "during"
            | "by"
            | "while"
            | "because"
            | "since"
    ) {
        return None;
    }
    // "... differs from what was configured": the auxiliary is the clause's, not the
    // sentence's; its verb may be a main verb before it.
    if lower[..position]
        .iter()
        .any(|w| w == "where" || w == "what")
    {
        return main_verb_question(&words, &lower);
    }
    let subject_words = &lower[..position];
    // "It's a known issue that was fixed in build ..." has its verb in a contraction: no
    // question a person would ask comes from moving it.
    // "The certificate that's used by ..." holds a relative clause, not such a contraction.
    if subject_words.iter().enumerate().any(|(i, w)| {
        matches!(
            w.as_str(),
            "it's" | "there's" | "here's" | "what's" | "it'll" | "there're"
        ) || i == 0 && w == "that's"
    }) {
        return None;
    }
    // "Autodiscover, EWS, or both are ...": commas in a list that is the subject.
    let last_comma = subject_words.iter().rposition(|w| w.ends_with(','));
    let listed = last_comma.is_some_and(|comma| {
        comma > 0
            && subject_words.iter().filter(|w| w.ends_with(',')).count() >= 2
            && subject_words[comma + 1..]
                .iter()
                .any(|w| w == "or" || w == "and")
    });
    // "The SCP object, CN=Microsoft Exchange Online, is ...": a name set off by commas.
    let commas: Vec<usize> = (0..subject_words.len())
        .filter(|&i| subject_words[i].ends_with(','))
        .collect();
    let apposition = commas.len() == 2 && commas[0] > 0 && commas[1] + 1 == subject_words.len();
    let listed = listed || apposition;
    if position == 0
        || position > 12
        || subject_words.iter().enumerate().any(|(i, w)| {
            matches!(w.as_str(), "when" | "if" | "because" | "but")
                // "the group that you are trying to edit": "to" after a verb in -ing
                // is inside the subject's clause.
                || w == "to" && !(i > 0 && subject_words[i - 1].ends_with("ing"))
                || w.ends_with(',') && !listed
        })
    {
        return None;
    }
    let (mut verb, mut negated) = auxiliary(&lower[position])?;
    let mut rest: Vec<&str> = words[position + 1..].to_vec();
    if rest.first().is_some_and(|w| w.eq_ignore_ascii_case("not")) {
        rest.remove(0);
        negated = true;
    }
    // "has no licence" / "doesn't have": "have" as the main verb goes through "does".
    if matches!(verb, "has" | "have")
        && !rest.first().is_some_and(|w| participle(&w.to_lowercase()))
    {
        rest.insert(0, "have");
        verb = if verb == "has" { "does" } else { "do" };
    }
    let object = usize::from(rest.first().is_some_and(|w| *w == "have"));
    if rest
        .get(object)
        .is_some_and(|w| w.eq_ignore_ascii_case("no"))
    {
        // "has no licence": ask about the licence, "no" points to the cause.
        let vowel = rest
            .get(object + 1)
            .and_then(|w| w.chars().next())
            .is_some_and(|c| "aeiouAEIOU".contains(c));
        rest[object] = if vowel { "an" } else { "a" };
        negated = !negated;
    }
    if rest.is_empty() {
        return None;
    }
    // "The setting Users can join a meeting is turned off": a modal inside a name is not
    // the sentence's verb, which comes later ("is"); moving it makes no question.
    if matches!(verb, "can" | "could" | "will")
        && rest
            .iter()
            .take_while(|w| !w.ends_with(','))
            .any(|w| matches!(w.to_lowercase().as_str(), "is" | "are" | "isn't" | "aren't"))
    {
        return None;
    }
    // A negation inside "X or Y" would be lost: keep it in the question.
    let joined = rest.join(" ");
    let mut predicate = joined.trim_end_matches(['.', '?', ':', ';']).to_owned();
    // "is not running yet" asks "Is ... running yet?".
    if negated && predicate.to_lowercase().starts_with("yet ") {
        predicate = format!("{} yet", &predicate[4..]);
    }
    if negated && (keep_not || joins_predicates(&predicate)) {
        predicate = format!("not {predicate}");
        negated = false;
    }
    let subject = subject_text(&words[..position]);
    Some((
        format!("{} {subject} {predicate}?", capitalise(verb)),
        negated,
    ))
}

/// True when "or" joins two predicates ("blocked or not allowed", "self-signed or not
/// assigned"), where a negation would be lost if moved; not when it joins two names
/// ("for Windows or Mac", "E3 or E5").
fn joins_predicates(predicate: &str) -> bool {
    let words: Vec<String> = predicate
        .split_whitespace()
        .map(|w| w.to_lowercase().replace('’', "'"))
        .collect();
    words.iter().enumerate().any(|(i, w)| {
        w == "or"
            && (i <= 2
                || words.get(i + 1).is_some_and(|next| {
                    matches!(
                        next.as_str(),
                        "not" | "isn't" | "aren't" | "is" | "are" | "was" | "has" | "doesn't"
                    ) || next.len() > 4 && (next.ends_with("ed") || next.ends_with("en"))
                }))
    })
}

/// A sentence whose verb is a main verb in the third person ("WebDAV Publishing
/// interferes with HTTP PUT") as a question through "does" ("Does WebDAV Publishing
/// interfere with HTTP PUT?"). Without a tagger a noun in -s reads like a verb, so only a
/// short singular subject (up to four words, no lowercase plural in -s, no preposition)
/// before a word in -s that is followed by what follows a verb (an article, a pronoun, a
/// preposition, an adverb in -ly, a name) is taken.
fn main_verb_question(words: &[&str], lower: &[String]) -> Option<(String, bool)> {
    // "You enter an incorrect password" → "Do you enter an incorrect password?"
    if matches!(lower[0].as_str(), "you" | "we" | "they")
        && lower[1].chars().all(|c| c.is_ascii_lowercase())
        && !matches!(
            lower[1].as_str(),
            "must" | "should" | "may" | "might" | "will" | "would" | "could" | "need" | "also"
        )
        && !lower[1].ends_with("ly")
    {
        let rest = words[1..].join(" ");
        let rest = rest.trim_end_matches(['.', '?', ':', ';']);
        return Some((format!("Do {} {rest}?", lower[0]), false));
    }
    const FOLLOWS: [&str; 31] = [
        "the", "a", "an", "with", "to", "all", "its", "their", "your", "this", "these", "those",
        "on", "in", "into", "from", "for", "at", "by", "no", "any", "some", "every", "each",
        "only", "up", "out", "off", "over", "through", "certain",
    ];
    const NOT_SUBJECT: [&str; 22] = [
        "in", "on", "at", "for", "with", "when", "if", "after", "before", "during", "by", "while",
        "because", "since", "of", "to", "that", "which", "who", "and", "or", "it's",
    ];
    let verb_like = |word: &str| {
        word.len() >= 4
            && word.ends_with('s')
            && !["ss", "us", "is", "ous"]
                .iter()
                .any(|end| word.ends_with(end))
            && word.chars().all(|c| c.is_ascii_lowercase())
    };
    let takes_a_verb = |i: usize| {
        verb_like(words[i])
            && lower.get(i + 1).is_some_and(|next| {
                FOLLOWS.contains(&next.as_str())
                    || next.ends_with("ly")
                    || words[i + 1].starts_with(|c: char| c.is_uppercase())
            })
    };
    let plural = |word: &str| {
        word.ends_with('s') && !word.ends_with("ss") && !word.starts_with(char::is_uppercase)
    };
    let subject_ok = |end: usize| {
        !lower[..end].iter().zip(words).any(|(w, original)| {
            NOT_SUBJECT.contains(&w.as_str()) || w.ends_with(',') || plural(original)
        })
    };
    // "The FQDN that's provided by SBC differs from ...": a short subject, a relative
    // clause of a participle ("that's provided by SBC"), then the verb.
    let relative = (1..lower.len().min(4)).find_map(|at| {
        let participle_at = match lower[at].as_str() {
            "that's" | "which's" => at + 1,
            "that" | "which"
                if lower
                    .get(at + 1)
                    .is_some_and(|w| matches!(w.as_str(), "is" | "was")) =>
            {
                at + 2
            }
            _ => return None,
        };
        let participle = lower.get(participle_at)?;
        (participle.len() > 3 && (participle.ends_with("ed") || participle.ends_with("en")))
            .then_some((at, participle_at))
    });
    let position = match relative {
        Some((at, participle_at)) if subject_ok(at) => {
            (participle_at + 1..words.len().min(participle_at + 6)).find(|&i| takes_a_verb(i))?
        }
        _ => {
            let position = (1..words.len().min(5)).find(|&i| takes_a_verb(i))?;
            if !subject_ok(position) {
                return None;
            }
            position
        }
    };
    let verb = lower[position].as_str();
    let lemma = if let Some(stem) = verb.strip_suffix("ies") {
        format!("{stem}y")
    } else if ["sses", "shes", "ches", "xes", "zes", "oes"]
        .iter()
        .any(|end| verb.ends_with(end))
    {
        verb[..verb.len() - 2].to_owned()
    } else {
        verb[..verb.len() - 1].to_owned()
    };
    let rest = words[position + 1..].join(" ");
    let rest = rest.trim_end_matches(['.', '?', ':', ';']);
    if rest.is_empty() {
        return None;
    }
    let subject = subject_text(&words[..position]);
    Some((format!("Does {subject} {lemma} {rest}?"), false))
}

/// True for a past participle, after which "has" is an auxiliary ("has lost its secure
/// channel" → "Has ... lost ...?") rather than the main verb ("has an old agent").
fn participle(word: &str) -> bool {
    word.ends_with("ed")
        || word.ends_with("en")
        || matches!(
            word,
            "lost"
                | "got"
                | "made"
                | "set"
                | "put"
                | "left"
                | "sent"
                | "built"
                | "found"
                | "held"
                | "kept"
                | "run"
                | "become"
                | "done"
                | "gone"
                | "begun"
                | "read"
                | "hit"
                | "met"
                | "paid"
                | "said"
                | "shut"
                | "spent"
                | "won"
        )
}

/// True when a sentence reads as a statement that can follow "do you find that": longer
/// than a heading, opening with an article or pronoun ("the client makes ..."), not a
/// title ("Restart partially stopped VMs", "Missing Binary").
fn reads_as_a_clause(sentence: &str) -> bool {
    let first = sentence.split_whitespace().next().unwrap_or_default();
    sentence.split_whitespace().count() > 6 && lower_first(first) != first
}

/// The auxiliary a word is (in the question's tense) and whether it was negative.
fn auxiliary(word: &str) -> Option<(&'static str, bool)> {
    Some(match word {
        "is" | "was" => ("is", false),
        "are" | "were" => ("are", false),
        "isn't" | "wasn't" => ("is", true),
        "aren't" | "weren't" => ("are", true),
        "does" => ("does", false),
        "do" => ("do", false),
        "doesn't" | "didn't" => ("does", true),
        "don't" => ("do", true),
        "has" => ("has", false),
        "have" => ("have", false),
        "hasn't" => ("has", true),
        "haven't" => ("have", true),
        "can" => ("can", false),
        "can't" | "cannot" => ("can", true),
        "won't" => ("will", true),
        // "The folder might be associated with ..." → "Could the folder be associated ...?"
        "might" | "may" | "could" => ("could", false),
        _ => return None,
    })
}

/// The subject as it reads after the verb: a leading article or pronoun lowercased,
/// names ("Dynamics 365", "Netlogon") kept.
fn subject_text(words: &[&str]) -> String {
    lower_first(&words.join(" "))
}

/// A question about the sign, when the sentence does not turn into one.
fn sign_question(sentence: &str, text: &str) -> Option<String> {
    let lowered = lower_first(sentence.trim_end_matches(['.', '?']));
    if let Some(event) = event_ids(text).into_iter().next() {
        return Some(format!(
            "Is event ID {event} logged, showing that {lowered}?"
        ));
    }
    if let Some(command) = commands(text).into_iter().next() {
        return Some(format!("Does `{command}` show that {lowered}?"));
    }
    None
}

/// The text with its first word lowercased when that word is an article, a pronoun, a
/// determiner or a common word for people or a number of things ("The service" → "the
/// service", "Users" → "users"); names keep their capital.
/// The sentence with its first word lowercased when the article writes that word in
/// lowercase and never with its capital inside a sentence ("Proxy" → "proxy"; "Windows",
/// "Autodiscover" and "DNS" keep theirs).
fn lower_if_common(sentence: &str, blocks: &[Block]) -> String {
    let first = sentence.split_whitespace().next().unwrap_or_default();
    let mut chars = first.chars();
    let Some(initial) = chars.next() else {
        return sentence.to_owned();
    };
    // "Virtual Machines that run ...": a capital on the next word makes a name of both.
    let next_capital = sentence
        .split_whitespace()
        .nth(1)
        .and_then(|w| w.chars().next())
        .is_some_and(char::is_uppercase);
    if !initial.is_uppercase() || !chars.all(|c| c.is_ascii_lowercase()) || next_capital {
        return sentence.to_owned();
    }
    let lower = first.to_lowercase();
    let word = |text: &str, w: &str| {
        text.match_indices(w).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + w.len()..].chars().next();
            before.is_none_or(|c| !c.is_alphanumeric())
                && after.is_none_or(|c| !c.is_alphanumeric())
        })
    };
    let named_inside = blocks.iter().any(|b| {
        b.text.match_indices(first).any(|(at, _)| {
            let before = b.text[..at].trim_end();
            before.ends_with(|c: char| c.is_alphanumeric() || c == ',')
                && b.text[at + first.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric())
        })
    });
    if named_inside || !blocks.iter().any(|b| word(&b.text, &lower)) {
        return sentence.to_owned();
    }
    format!("{lower}{}", &sentence[first.len()..])
}

fn lower_first(text: &str) -> String {
    const DETERMINERS: [&str; 38] = [
        "the",
        "a",
        "an",
        "your",
        "you",
        "this",
        "that",
        "these",
        "those",
        "another",
        "there",
        "its",
        "their",
        "some",
        "one",
        "any",
        "all",
        "no",
        "it",
        "users",
        "user",
        "people",
        "members",
        "guests",
        "administrators",
        "admins",
        "multiple",
        "several",
        "many",
        "both",
        "other",
        "certain",
        "each",
        "every",
        "most",
        "such",
        "either",
        "none",
    ];
    let first = text.split_whitespace().next().unwrap_or_default();
    if DETERMINERS.contains(&first.to_lowercase().as_str()) {
        format!("{}{}", first.to_lowercase(), &text[first.len()..])
    } else {
        text.to_owned()
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// Event IDs a text names ("Event ID 7022", "event ID: 611", "Event 2092").
pub(crate) fn event_ids(text: &str) -> Vec<String> {
    static EVENT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\bevent(?:\s+id)?\s*[:#]?\s*(\d{2,5})\b").expect("a valid pattern")
    });
    let mut out: Vec<String> = Vec::new();
    for captures in EVENT.captures_iter(text) {
        let id = captures[1].to_owned();
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// Commands a text quotes: code spans with a space or a cmdlet/`$` shape, and the first
/// line of each fenced code block.
pub(crate) fn commands(text: &str) -> Vec<String> {
    static SPAN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"`([^`\n]{2,120})`").expect("a valid pattern"));
    static CMDLET: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^(?:[A-Z][a-z]+-[A-Z][A-Za-z]+|\$[A-Za-z]+|[a-z][a-z0-9]*(?:\.exe)?\s+[-/a-z])",
        )
        .expect("a valid pattern")
    });
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    let mut fence_first = false;
    for line in text.lines() {
        let trimmed = line.trim().trim_start_matches('>').trim();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
            fence_first = in_fence;
            continue;
        }
        if in_fence {
            // The first line of the block that runs something (not a comment, not `$x = ...`).
            if fence_first
                && !trimmed.is_empty()
                && !trimmed.starts_with('#')
                && !trimmed.contains(" = ")
                && CMDLET.is_match(trimmed)
            {
                out.push(trimmed.to_owned());
                fence_first = false;
            }
            continue;
        }
        for captures in SPAN.captures_iter(line) {
            let span = captures[1].trim();
            if CMDLET.is_match(span) && !out.iter().any(|c| c == span) {
                out.push(span.to_owned());
            }
        }
    }
    out
}

/// True when a block only repeats the cause's sentence.
fn repeats(block: &str, sentence: &str) -> bool {
    let plain = |t: &str| {
        crate::text::plain_text(t)
            .trim_start_matches(['-', '*', ' '])
            .trim()
            .trim_end_matches(['.', ':'])
            .to_lowercase()
    };
    plain(block) == plain(sentence)
}

/// An error code in a text: a hexadecimal HRESULT or "error 1706".
static CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b0x[0-9a-f]{4,8}\b|\berror(?:\s+code)?:?\s+\d{3,}").expect("a valid pattern")
});

/// True for a block that is only a short bold label ("**Workaround**", "**Cause of
/// cluster pinning**").
fn is_label(block: &str) -> bool {
    let trimmed = block.trim().trim_start_matches(['>', ' ']);
    let inner = trimmed
        .strip_prefix("**")
        .and_then(|t| t.strip_suffix("**"))
        .or_else(|| {
            trimmed
                .strip_prefix("__")
                .and_then(|t| t.strip_suffix("__"))
        });
    inner.is_some_and(|t| !t.contains("**") && t.split_whitespace().count() <= 6)
}

/// True for the intro of a list of causes ("... in the following scenarios:"), or a
/// sentence that only leads into a list ("Follow these steps:"). A paragraph that says
/// more before its last sentence ("We suggest that the Farm Account be running under a
/// different account. To check these through the Central Administration:") is kept.
fn introduces_a_list(block: &str) -> bool {
    let lower = block.trim().to_lowercase();
    let last = lower.rsplit(". ").next().unwrap_or_default();
    let of_causes = ["scenario", "condition", "reason", "cause", "situation"]
        .iter()
        .any(|w| last.contains(w));
    lower.ends_with(':')
        && (last.contains("following") || last.contains("these"))
        && (of_causes || !lower.trim_end_matches(':').contains(". "))
}

/// True when a block shows something an agent can look at.
/// Whether a block tells the reader to look at something ("Make sure that ...", "Verify
/// ...", "Check whether ..."), after any list marker.
fn verifies(text: &str) -> bool {
    static VERIFY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^\s*(?:[-*]|\d+\.)?\s*(?:make sure|verify|check|ensure|confirm|determine)\b",
        )
        .expect("a valid pattern")
    });
    VERIFY.is_match(text)
}

fn has_sign(text: &str) -> bool {
    static SIGN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)(`[^`]+`|\*\*[^*]+\*\*|\bevent(\s+id)?\s*:?\s*\d{2,5}\b|\b0x[0-9a-f]{4,8}\b|\berror( code)?:?\s+\d{3,}|"[^"]{4,}"|“[^”]{4,}”|\bHKEY_|\bHKLM\\|\\[a-z0-9]+\\[a-z0-9]+|^\s*file:|\b\d+\.\d+(\.\d+)+\b|\bversion\b|\blicen[cs]e\b|\bpermission|\bprivilege|\brole\b|\bsetting|\bpolicy\b|\bservice\b|\blog\b)"#)
            .expect("a valid pattern")
    });
    SIGN.is_match(text)
}

/// Minutes a check takes, by the cost rule (see the module doc).
pub(crate) fn cost_of(text: &str, seen: &str) -> f64 {
    static SYNC: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(wait (for|until)|next sync|sync cycle|after (the )?(replication|synchronization)|up to \d+ (minutes|hours))")
            .expect("a valid pattern")
    });
    static CONSOLE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(portal|admin center|console|event viewer|services\.msc|settings|options|control panel|properties|tab\b|select \*\*|go to|sign in to|open the|open \*\*|dashboard|\*\*[^*]+\*\*)")
            .expect("a valid pattern")
    });
    static CODE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(0x[0-9a-f]{4,8}|error:?\s*\d{3,6}|rpc error \d+)\b")
            .expect("a valid pattern")
    });
    static IMAGE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?s):::image.*?:::|!\[[^\]]*\]\([^)]*\)").expect("a valid pattern")
    });
    let seen = IMAGE.replace_all(seen, "").to_lowercase();
    let text = IMAGE.replace_all(text, "");
    let text = text.as_ref();
    let shows_a_code = CODE
        .find_iter(text)
        .any(|m| seen.contains(&m.as_str().to_lowercase()));
    if shows_a_code {
        COST_MESSAGE
    } else if !commands(text).is_empty() {
        COST_COMMAND
    } else if CONSOLE.is_match(text) {
        COST_CONSOLE
    } else if SYNC.is_match(text) {
        COST_SYNC
    } else {
        COST_CONSOLE
    }
}

/// Words of four letters or more that this cause's sentence has and the others' do not.
fn distinctive_words(sentence: &str, others: &[&str]) -> BTreeSet<String> {
    let own = words_of(sentence);
    let theirs: BTreeSet<String> = others.iter().flat_map(|o| words_of(o)).collect();
    let distinctive: BTreeSet<String> = own.difference(&theirs).cloned().collect();
    if distinctive.is_empty() {
        own
    } else {
        distinctive
    }
}

/// Content words (four letters or more, not common ones), lowercased and cut to their
/// first five letters (so "crashing" meets "crash"), with a few words support articles use
/// for the same state made one ("hung", "not responding").
fn words_of(text: &str) -> BTreeSet<String> {
    const COMMON: [&str; 26] = [
        "this",
        "that",
        "with",
        "from",
        "have",
        "does",
        "doesn't",
        "isn't",
        "aren't",
        "when",
        "there",
        "their",
        "they",
        "your",
        "will",
        "which",
        "into",
        "only",
        "than",
        "then",
        "issue",
        "problem",
        "error",
        "cause",
        "following",
        "these",
    ];
    const SAME: [(&str, &str); 7] = [
        ("hung", "respo"),
        ("hang", "respo"),
        ("termi", "crash"),
        ("licen", "licen"),
        ("unrea", "reach"),
        ("disab", "disab"),
        ("expir", "expir"),
    ];
    crate::text::plain_text(text)
        .to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| w.len() >= 4 && !COMMON.contains(w))
        .map(|w| {
            let stem: String = w.chars().take(5).collect();
            SAME.iter()
                .find(|(from, _)| stem == *from)
                .map_or(stem, |(_, to)| (*to).to_owned())
        })
        .collect()
}

/// Every readable block of the article: causes' texts, fixes, symptoms, notes. A
/// sub-heading inside a text (`### Registry File` under Symptoms) names the blocks after it.
fn blocks(article: &Article) -> Vec<Block> {
    let mut out = Vec::new();
    let mut push =
        |text: &str, section: String, cause: Option<usize>, fix_of: &[usize], title: &str| {
            let mut heading = String::new();
            for block in split_blocks(text) {
                if is_image(&block) {
                    continue;
                }
                if block.starts_with('#') {
                    heading = block.trim_start_matches('#').trim().to_owned();
                    continue;
                }
                let mut title_words = words_of(title);
                title_words.extend(words_of(&heading));
                out.push(Block {
                    text: block,
                    section: if heading.is_empty() || section == heading {
                        section.clone()
                    } else {
                        format!("{section} ({heading})")
                    },
                    cause,
                    fix_of: fix_of.to_vec(),
                    title_words,
                });
            }
        };
    for (index, cause) in article.causes.iter().enumerate() {
        let text = format!(
            "{}\n\n{}\n\n{}",
            cause.text,
            steps_text(&cause.steps),
            cause.after
        );
        push(
            &text,
            format!("Cause: {}", cause.title.trim()),
            Some(index),
            &[],
            "",
        );
    }
    for remedy in article.solutions.iter().chain(&article.workarounds) {
        let owners: Vec<usize> = article
            .causes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.solutions.contains(&remedy.id) || c.workarounds.contains(&remedy.id))
            .map(|(i, _)| i)
            .collect();
        let kind = if article.workarounds.iter().any(|w| w.id == remedy.id) {
            "Workaround"
        } else {
            "Resolution"
        };
        let text = format!(
            "{}\n\n{}\n\n{}",
            remedy.text,
            steps_text(&remedy.steps),
            remedy.after
        );
        push(
            &text,
            format!("{kind}: {}", remedy.title.trim()),
            None,
            &owners,
            &remedy.title,
        );
    }
    for symptom in &article.symptoms {
        let text = format!(
            "{}\n\n{}\n\n{}",
            symptom.text,
            steps_text(&symptom.steps),
            symptom.after
        );
        push(&text, "Symptoms".to_owned(), None, &[], "");
    }
    for note in &article.notes {
        let title = note
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches('#')
            .trim()
            .to_owned();
        push(note, title.clone(), None, &[], &title);
    }
    // "Symptom 2: ... Error 9768 is logged" is the sign of the cause written for symptom 2
    // ("Cause for Symptom 2: ...", or "The other symptoms are caused by ...").
    let named: Vec<(Vec<usize>, bool)> = article
        .causes
        .iter()
        .map(|c| super::cases::symptoms_named(&c.text))
        .collect();
    let claimed: Vec<usize> = named.iter().flat_map(|(n, _)| n.clone()).collect();
    if !claimed.is_empty() {
        for block in out.iter_mut().filter(|b| b.section.starts_with("Symptoms")) {
            let Some(number) = symptom_label(&block.text) else {
                continue;
            };
            block.cause = named
                .iter()
                .position(|(numbers, _)| numbers.contains(&number))
                .or_else(|| {
                    (!claimed.contains(&number))
                        .then(|| named.iter().position(|(_, others)| *others))
                        .flatten()
                });
        }
    }
    out
}

/// The number of a block labelled `Symptom 2: ...` (after any list marker or bold).
fn symptom_label(block: &str) -> Option<usize> {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\s*(?:[-*+]|\d+\.)?\s*(?:\*\*|__)?symptom\s+(\d{1,2})\b")
            .expect("a valid pattern")
    });
    LABEL.captures(block)?.get(1)?.as_str().parse().ok()
}

fn steps_text(steps: &[String]) -> String {
    steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut lines = s.lines();
            let first = lines.next().unwrap_or_default();
            let rest: Vec<String> = lines.map(|l| format!("   {l}")).collect();
            if rest.is_empty() {
                format!("{}. {first}", i + 1)
            } else {
                format!("{}. {first}\n{}", i + 1, rest.join("\n"))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Cuts Markdown into blocks: paragraphs and top-level list items (with what is indented
/// under them), each fenced code block apart (with the line that introduces it).
fn split_blocks(markdown: &str) -> Vec<String> {
    static ITEM: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(?:[-*+]|\d{1,2}[.)])\s+").expect("a valid pattern"));
    let mut out: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut in_fence = false;
    let mut blank = false;
    let flush = |current: &mut Vec<&str>, out: &mut Vec<String>| {
        let text = current.join("\n").trim().to_owned();
        if !text.is_empty() {
            out.push(text);
        }
        current.clear();
    };
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if !in_fence {
                // A code block is a block of its own, with the line that introduces it.
                let intro = current
                    .last()
                    .filter(|l| l.trim_end().ends_with(':'))
                    .copied();
                if intro.is_some() {
                    current.pop();
                }
                flush(&mut current, &mut out);
                current.extend(intro);
            }
            in_fence = !in_fence;
            current.push(line);
            if !in_fence {
                flush(&mut current, &mut out);
            }
            blank = false;
            continue;
        }
        if in_fence {
            current.push(line);
            continue;
        }
        if line.trim().is_empty() {
            blank = true;
            continue;
        }
        let indented = line.starts_with("  ") || line.starts_with('\t');
        if (blank && !indented) || ITEM.is_match(line) {
            flush(&mut current, &mut out);
        }
        blank = false;
        current.push(line);
    }
    flush(&mut current, &mut out);
    // Cut very long blocks to their first lines: help quotes what to look at, not pages.
    out.into_iter()
        .map(|b| {
            if b.lines().count() > 14 && !b.contains("```") {
                b.lines().take(14).collect::<Vec<_>>().join("\n")
            } else {
                b
            }
        })
        .collect()
}

/// True for a block that only shows an image (`:::image ...:::`, `![alt](src)`).
fn is_image(block: &str) -> bool {
    let trimmed = block.trim();
    (trimmed.starts_with(":::image") && trimmed.ends_with(":::"))
        || (trimmed.starts_with("![") && trimmed.ends_with(')') && !trimmed.contains('\n'))
}

/// A block as a Markdown quote.
fn quote(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.trim().is_empty() {
                ">".to_owned()
            } else if l.ends_with("  ") {
                // A hard break written as trailing spaces, written as a backslash: the same
                // Markdown, and the help stays a plain block in the YAML a writer edits.
                format!("> {}\\", l.trim_end())
            } else {
                format!("> {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
