//! Measures the importer's drafted checks against the hand-written causes gold set
//! (`tests/eval/causes-gold.tsv`, described at the end of `tests/eval/README.md`).
//!
//! For each set of the gold file (`shared`, the families the rules were written on, and
//! `unseen`, a family they were not), [`run`] reports: the gold causes found among the
//! drafted causes (matched by the gold's cause text, in order), the observable causes
//! whose draft asks a reachable question other than the which-cause menu, with an answer
//! that leads to that cause alone and a text (question, help or answer labels) that names
//! one of the gold's key phrases, the unobservable causes left to their fixes (no question
//! of their own, at least one fix), the multi-cause drafts whose only question is the menu,
//! and the questions of up to ten drafts for reading.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use fixpath::import::{ImportOptions, expand_includes, import_markdown};
use fixpath::model::{Article, NodeId};

/// The id of the importer's which-cause menu.
const MENU: &str = "which-cause";

/// Whether a question is one of the importer's menus (the which-cause shortcut, or the
/// menu of the causes without a sign where every check said no).
fn is_menu(id: &NodeId) -> bool {
    id.0 == MENU || id.0 == fixpath::import::LEFT_MENU
}

/// One row of the gold file.
struct GoldCause {
    set: String,
    file: String,
    cause: String,
    observable: bool,
    key_phrases: Vec<String>,
    points_to: String,
}

/// What one set's figures are, for tests to read without parsing the report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SetFigures {
    /// Gold causes in the set.
    pub causes: usize,
    /// Gold causes matched to a drafted cause.
    pub found: usize,
    /// Observable gold causes.
    pub observable: usize,
    /// Observable gold causes whose draft asks a check that tells them apart and names a key phrase.
    pub checked: usize,
    /// Of those, the checks whose answer leading to the cause has the gold's yes/no.
    pub polarity_right: usize,
    /// Of the checked causes, those whose `points_to` starts with yes or no.
    pub polarity_known: usize,
    /// Unobservable gold causes.
    pub unobservable: usize,
    /// Unobservable gold causes with no question of their own and at least one fix.
    pub left_to_fixes: usize,
    /// Multi-cause drafts of the set.
    pub drafts: usize,
    /// Multi-cause drafts whose only question is the menu.
    pub menu_only: usize,
    /// Drafted checks (not the menu) in the set's drafts.
    pub questions: usize,
    /// Of those, worded from the cause's sentence or its sign.
    pub worded: usize,
    /// Of those, "Do the signs below point to ...?" (the cause named, its signs quoted).
    pub pointing: usize,
    /// Of those, the "Does this apply: ...?" fallback.
    pub fallback: usize,
}

/// The report of every set, and the figures per set name.
pub struct Report {
    /// The printed report.
    pub text: String,
    /// Figures per set (`shared`, `unseen`).
    pub sets: BTreeMap<String, SetFigures>,
}

/// Imports the gold file's articles from `corpus` (includes expanded from `includes`) and
/// scores their drafts. With `only_set`, the other sets are neither scored nor printed.
pub fn run(
    corpus: &Path,
    includes: &Path,
    gold: &Path,
    only_set: Option<&str>,
) -> anyhow::Result<Report> {
    let rows = read_gold(gold)?;
    let mut by_set: BTreeMap<String, Vec<&GoldCause>> = BTreeMap::new();
    for row in &rows {
        if only_set.is_none_or(|only| only == row.set) {
            by_set.entry(row.set.clone()).or_default().push(row);
        }
    }
    let mut text = String::new();
    let mut sets = BTreeMap::new();
    for (set, rows) in &by_set {
        let mut files: Vec<&str> = rows.iter().map(|r| r.file.as_str()).collect();
        files.dedup();
        let mut figures = SetFigures::default();
        let mut articles = Vec::new();
        writeln!(text, "causes gold, set `{set}`:")?;
        for file in &files {
            let article = import(corpus, includes, file)?;
            let gold: Vec<&&GoldCause> = rows.iter().filter(|r| r.file == *file).collect();
            let line = score_article(&article, &gold, &mut figures);
            writeln!(text, "  {file:<70} {line}")?;
            articles.push((*file, article));
        }
        let share = |n: usize, d: usize| if d == 0 { 1.0 } else { n as f64 / d as f64 };
        writeln!(text)?;
        writeln!(
            text,
            "  causes found ({set}): {:.3} ({}/{})",
            share(figures.found, figures.causes),
            figures.found,
            figures.causes
        )?;
        writeln!(
            text,
            "  observable causes with a check naming a key phrase ({set}): {:.3} ({}/{})",
            share(figures.checked, figures.observable),
            figures.checked,
            figures.observable
        )?;
        writeln!(
            text,
            "  of those, the answer pointing to the cause is the gold's yes/no ({set}): {:.3} ({}/{})",
            share(figures.polarity_right, figures.polarity_known),
            figures.polarity_right,
            figures.polarity_known
        )?;
        writeln!(
            text,
            "  unobservable causes left to their fixes ({set}): {:.3} ({}/{})",
            share(figures.left_to_fixes, figures.unobservable),
            figures.left_to_fixes,
            figures.unobservable
        )?;
        writeln!(
            text,
            "  multi-cause drafts whose only question is a menu ({set}): {} of {}",
            figures.menu_only, figures.drafts
        )?;
        writeln!(
            text,
            "  drafted checks ({set}): {}: {} worded from the cause or its sign, {} \"Do the signs below point to\", {} \"Does this apply\"",
            figures.questions, figures.worded, figures.pointing, figures.fallback
        )?;
        writeln!(text)?;
        writeln!(
            text,
            "  questions of {} drafts ({set}):",
            articles.len().min(10)
        )?;
        for (file, article) in articles.iter().take(10) {
            write_questions(&mut text, file, article)?;
        }
        writeln!(text)?;
        sets.insert(set.clone(), figures);
    }
    Ok(Report { text, sets })
}

fn read_gold(gold: &Path) -> anyhow::Result<Vec<GoldCause>> {
    let text = std::fs::read_to_string(gold)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", gold.display()))?;
    let mut rows = Vec::new();
    for (number, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let columns: Vec<&str> = line.split('\t').collect();
        let [set, file, cause, observable, key_phrases, points_to] = columns.as_slice() else {
            anyhow::bail!(
                "{}:{}: expected 6 tab-separated columns, found {}",
                gold.display(),
                number + 1,
                columns.len()
            );
        };
        rows.push(GoldCause {
            set: (*set).to_owned(),
            file: (*file).to_owned(),
            cause: normalize(cause),
            observable: *observable == "yes",
            key_phrases: key_phrases
                .split(" | ")
                .map(normalize)
                .filter(|p| !p.is_empty())
                .collect(),
            points_to: points_to.trim().to_lowercase(),
        });
    }
    Ok(rows)
}

/// Imports one corpus file the way `fixpath import` does (includes expanded).
fn import(corpus: &Path, includes: &Path, file: &str) -> anyhow::Result<Article> {
    let path = corpus.join(file);
    let source = std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let (source, _) = expand_includes(&source, |include| {
        let name = Path::new(include).file_name()?;
        std::fs::read_to_string(includes.join(name)).ok()
    });
    let options = ImportOptions {
        source_path: file.to_owned(),
        ..ImportOptions::default()
    };
    Ok(import_markdown(source.as_bytes(), &options)
        .map_err(|e| anyhow::anyhow!("{file}: {e}"))?
        .article)
}

/// The gold's normalisation: lowercase, `*`, `_` and backticks deleted, white space runs
/// made one space.
fn normalize(text: &str) -> String {
    text.to_lowercase()
        .replace(['*', '_', '`'], "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Scores one article's draft against its gold rows; returns its line of the report.
fn score_article(article: &Article, gold: &[&&GoldCause], figures: &mut SetFigures) -> String {
    let reachable = reachable_questions(article);
    let cause_texts: Vec<String> = article
        .causes
        .iter()
        .map(|c| {
            let written = format!(
                "{}\n{}\n{}\n{}",
                c.title,
                c.text,
                c.steps.join("\n"),
                c.after
            );
            // As written and as read (links as their text: the gold quotes the article's
            // plain text where a cause is a link).
            format!(
                "{}\n{}",
                normalize(&written),
                normalize(&fixpath::text::plain_text(&written))
            )
        })
        .collect();
    let cause_titles: Vec<String> = article.causes.iter().map(|c| normalize(&c.title)).collect();
    figures.drafts += usize::from(article.causes.len() >= 2);
    let menu_only = article.causes.len() >= 2
        && !article.questions.is_empty()
        && article.questions.iter().all(|q| is_menu(&q.id));
    figures.menu_only += usize::from(menu_only);
    for question in article.questions.iter().filter(|q| !is_menu(&q.id)) {
        figures.questions += 1;
        if question.text.starts_with("Does this apply:") {
            figures.fallback += 1;
        } else if question.text.starts_with("Do the signs below point to") {
            figures.pointing += 1;
        } else {
            figures.worded += 1;
        }
    }
    let mut used: BTreeSet<usize> = BTreeSet::new();
    let mut marks = String::new();
    for row in gold {
        figures.causes += 1;
        figures.observable += usize::from(row.observable);
        figures.unobservable += usize::from(!row.observable);
        // The first unused drafted cause whose title holds the text, else whose text does.
        let matched = (0..cause_texts.len())
            .find(|i| !used.contains(i) && cause_titles[*i].contains(&row.cause))
            .or_else(|| {
                (0..cause_texts.len())
                    .find(|i| !used.contains(i) && cause_texts[*i].contains(&row.cause))
            });
        let Some(index) = matched else {
            marks.push('-');
            continue;
        };
        used.insert(index);
        figures.found += 1;
        let cause = &article.causes[index].id;
        let checks = checks_of(article, &reachable, cause);
        if row.observable {
            let naming = checks.iter().find(|(question, _)| {
                let words = question_words(article, question);
                row.key_phrases.iter().any(|p| words.contains(p.as_str()))
            });
            match naming {
                Some((_, answer)) => {
                    let answer: &str = answer;
                    figures.checked += 1;
                    let expected = ["yes", "no"]
                        .into_iter()
                        .find(|w| row.points_to.starts_with(w));
                    if let Some(expected) = expected.filter(|_| answer == "yes" || answer == "no") {
                        figures.polarity_known += 1;
                        figures.polarity_right += usize::from(answer == expected);
                    }
                    marks.push('C');
                }
                None if checks.is_empty() => marks.push('n'),
                None => marks.push('k'),
            }
        } else {
            let cause_node = &article.causes[index];
            let has_fix = !cause_node.solutions.is_empty() || !cause_node.workarounds.is_empty();
            if checks.is_empty() && has_fix {
                figures.left_to_fixes += 1;
                marks.push('F');
            } else {
                marks.push('q');
            }
        }
    }
    format!(
        "{marks:<8} {} causes drafted{}",
        article.causes.len(),
        if menu_only { ", menu only" } else { "" }
    )
}

/// The questions reachable from the entry.
fn reachable_questions(article: &Article) -> BTreeSet<NodeId> {
    let by_id: BTreeMap<&NodeId, &fixpath::model::Question> =
        article.questions.iter().map(|q| (&q.id, q)).collect();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<NodeId> = article.entry.iter().cloned().collect();
    while let Some(id) = stack.pop() {
        let Some(question) = by_id.get(&id) else {
            continue;
        };
        if !seen.insert(id.clone()) {
            continue;
        }
        stack.extend(question.answers.iter().filter_map(|a| a.goto.clone()));
    }
    seen
}

/// The reachable questions other than the menus with an answer leading to `cause` that tells
/// it apart, and that answer's value. The answer of the last check that leads on to what is
/// left where every check said no does not: other causes give it too (it is the one
/// without a base rate where another answer points to a cause).
fn checks_of<'a>(
    article: &'a Article,
    reachable: &BTreeSet<NodeId>,
    cause: &NodeId,
) -> Vec<(&'a NodeId, &'a str)> {
    article
        .questions
        .iter()
        .filter(|q| !is_menu(&q.id) && reachable.contains(&q.id))
        .filter_map(|q| {
            let to_cause = |a: &fixpath::model::Answer| {
                a.goto.as_ref().is_some_and(|g| article.cause(g).is_some())
            };
            let pointing = q.answers.iter().filter(|a| to_cause(a)).count();
            q.answers
                .iter()
                .find(|a| a.goto.as_ref() == Some(cause))
                .filter(|a| a.base_rate.is_some() || pointing == 1)
                .map(|a| (&q.id, a.value.as_str()))
        })
        .collect()
}

/// A question's words as the agent reads them: its text, help and answer labels, normalised.
fn question_words(article: &Article, id: &NodeId) -> String {
    let Some(question) = article.questions.iter().find(|q| q.id == *id) else {
        return String::new();
    };
    let labels: Vec<&str> = question.answers.iter().map(|a| a.label()).collect();
    normalize(&format!(
        "{}\n{}\n{}",
        question.text,
        question.help,
        labels.join("\n")
    ))
}

fn write_questions(out: &mut String, file: &str, article: &Article) -> anyhow::Result<()> {
    writeln!(
        out,
        "  {file} (entry `{}`)",
        article.entry.as_ref().map_or("-", |e| e.0.as_str())
    )?;
    for question in &article.questions {
        let answers: Vec<String> = question
            .answers
            .iter()
            .map(|a| {
                format!(
                    "{} -> {}",
                    a.label(),
                    a.goto.as_ref().map_or("-", |g| g.0.as_str())
                )
            })
            .collect();
        writeln!(
            out,
            "    {} [{} min{}]: {}  ({})",
            question.id,
            question.cost.unwrap_or(1.0),
            question
                .dont_know
                .map_or_else(String::new, |d| format!(", don't know {d}")),
            question.text,
            answers.join("; ")
        )?;
    }
    Ok(())
}
