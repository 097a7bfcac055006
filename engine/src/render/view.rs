//! The template context: documented, serialisable views of an article and a resolution path.
//!
//! Templates (ours and users') depend on these field names; they are also the `--format json`
//! output of `solve` and `ask`. Add fields freely; rename or remove none.

use serde::Serialize;

use crate::links::Continuations;
use crate::model::{Article, Cause, NodeId, Question, Remedy, Source, Status, Symptom};
use crate::session::{Session, SessionError};
use crate::solve::{Action, Condition, Effect, Evidence, Resolution, round};

/// An article as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView<'a> {
    /// Article id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Summary (Markdown).
    pub summary: &'a str,
    /// `reviewed` or `draft`.
    pub status: Status,
    /// Product, if known.
    pub product: Option<&'a str>,
    /// Area, if known.
    pub area: Option<&'a str>,
    /// Error codes.
    pub error_codes: &'a [String],
    /// Keywords.
    pub keywords: &'a [String],
    /// Where it came from.
    pub source: Option<&'a Source>,
    /// Symptoms.
    pub symptoms: &'a [Symptom],
    /// Causes, each with its fixes, in document order.
    pub causes: Vec<CauseView<'a>>,
    /// Questions.
    pub questions: &'a [Question],
    /// Article notes (Markdown).
    pub notes: &'a [String],
    /// Markdown link definitions for the article's references; appended when rendering Markdown.
    pub links: String,
}

/// A cause with its heading ("Cause 2: ...") and its fixes.
#[derive(Debug, Clone, Serialize)]
pub struct CauseView<'a> {
    /// Cause id.
    pub id: &'a str,
    /// Heading as the article shows it: `Cause 2: title`, or `Cause: title` when there is one.
    pub heading: String,
    /// Title.
    pub title: &'a str,
    /// Markdown before the steps.
    pub text: &'a str,
    /// Steps (Markdown).
    pub steps: &'a [String],
    /// Markdown after the steps.
    pub after: &'a str,
    /// Solutions then workarounds (all of them for an article; the chosen ones for a path).
    pub remedies: Vec<RemedyView<'a>>,
}

/// A solution or workaround with its heading ("Solution 1: ...").
#[derive(Debug, Clone, Serialize)]
pub struct RemedyView<'a> {
    /// Remedy id.
    pub id: &'a str,
    /// `solution` or `workaround`.
    pub kind: &'static str,
    /// Heading: `Solution 1: title`, `Workaround: title`.
    pub heading: String,
    /// Title.
    pub title: &'a str,
    /// True when the fix is "none, by design".
    pub by_design: bool,
    /// Markdown before the steps.
    pub text: &'a str,
    /// Steps (Markdown).
    pub steps: &'a [String],
    /// Markdown after the steps.
    pub after: &'a str,
    /// Other KB articles with a troubleshooter this fix sends the reader to.
    pub continues_in: Vec<ArticleRef>,
}

/// A resolution path as templates (and `--format json`) see it.
#[derive(Debug, Clone, Serialize)]
pub struct PathView<'a> {
    /// `resolved` (one cause), `undecided` (several), or `no_cause` (the facts fit none).
    pub status: &'static str,
    /// The questions answered, in order.
    pub checked: Vec<AnswerView<'a>>,
    /// The cause with the fixes that apply, when resolved.
    pub cause: Option<CauseView<'a>>,
    /// Every cause still possible, most likely first, with its probability and reasons.
    pub candidates: Vec<CandidateView<'a>>,
    /// The next step: a question to ask (`kind: question`) or a fix to try (`kind: fix`).
    pub next: Option<NextView<'a>>,
    /// Facts that bear on none of the remaining causes.
    pub unused: Vec<AnswerView<'a>>,
    /// Causes the facts rule out, and why.
    pub excluded: Vec<ExcludedView<'a>>,
    /// The fixes still to try, in the order of probability over cost.
    pub plan: Vec<PlanView<'a>>,
    /// Expected minutes to repair from here, taking the next step.
    pub expected_cost: Option<f64>,
    /// Every step the planner weighed, cheapest first, with its expected minutes to repair.
    pub considered: Vec<ConsideredView<'a>>,
    /// What learning changed in this article, authored and learned side by side (absent
    /// without learned figures, or with `--no-learned`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learned: Option<&'a crate::learned::Applied>,
}

/// A step the planner weighed.
#[derive(Debug, Clone, Serialize)]
pub struct ConsideredView<'a> {
    /// `question` or `fix`.
    pub kind: &'static str,
    /// The question or remedy id.
    pub id: &'a str,
    /// Expected minutes to repair when taking this step first.
    pub expected_cost: f64,
}

/// A fact (or a fix that failed) and how it moved a cause.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceView<'a> {
    /// The question id, for an answer.
    pub question_id: Option<&'a str>,
    /// The question text, or the failed fix's title.
    pub question: &'a str,
    /// The answer value, for an answer.
    pub answer: Option<&'a str>,
    /// The answer as shown ("Yes"), or "did not fix it".
    pub answer_label: &'a str,
    /// The failed fix's id, for a fix.
    pub failed_fix: Option<&'a str>,
    /// `for`, `against` or `excludes`.
    pub effect: Effect,
    /// How many times more (above 1) or less (below 1) likely this alone makes the cause.
    pub factor: f64,
    /// The same in words, for an agent: "rules it out", "makes it much more likely", ...
    pub in_words: &'static str,
}

/// A factor in words: what an agent reads instead of "×1.33".
fn factor_in_words(effect: Effect, factor: f64) -> &'static str {
    match effect {
        Effect::Excludes => "rules it out",
        _ if factor >= 3.0 => "makes it much more likely",
        _ if factor > 1.0 => "makes it more likely",
        _ if factor <= 1.0 / 3.0 => "makes it much less likely",
        _ if factor < 1.0 => "makes it less likely",
        _ => "does not change it",
    }
}

/// A cause the facts rule out.
#[derive(Debug, Clone, Serialize)]
pub struct ExcludedView<'a> {
    /// Cause id.
    pub id: &'a str,
    /// Cause title.
    pub title: &'a str,
    /// The facts that rule it out.
    pub by: Vec<EvidenceView<'a>>,
}

/// One fix in the repair order.
#[derive(Debug, Clone, Serialize)]
pub struct PlanView<'a> {
    /// Remedy id.
    pub id: &'a str,
    /// Remedy title.
    pub title: &'a str,
    /// The cause it most likely repairs (title).
    pub cause: &'a str,
    /// The chance it is the fix that works.
    pub probability: f64,
    /// The same, as a whole percentage.
    pub percent: u32,
    /// Minutes it takes.
    pub cost: f64,
}

/// A question and the answer given (or to give).
#[derive(Debug, Clone, Serialize)]
pub struct AnswerView<'a> {
    /// Question id.
    pub question_id: &'a str,
    /// Question text.
    pub question: &'a str,
    /// Answer value; `null` for "don't know".
    pub answer: Option<String>,
    /// Answer as shown ("Yes", "Don't know").
    pub answer_label: String,
    /// Earlier answers this one replaced, in order (in a transcript).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<ChangeView>,
}

/// An answer replaced by another: "changed from No to Yes at 10:42".
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    /// The answer before, as shown.
    pub from: String,
    /// The answer after, as shown.
    pub to: String,
    /// When, as milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// When, as a time of day in UTC (`10:42`).
    pub at: String,
}

/// A cause still possible.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateView<'a> {
    /// The cause and its fixes.
    pub cause: CauseView<'a>,
    /// Answers that would confirm it.
    pub confirm: Vec<AnswerView<'a>>,
    /// Its probability given the facts.
    pub probability: f64,
    /// The same, as a whole percentage.
    pub percent: u32,
    /// The facts for and against it, strongest first.
    pub evidence: Vec<EvidenceView<'a>>,
    /// Its prior as authored and as learned from resolved sessions, when the KB has
    /// learned figures for the article.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prior: Option<PriorView>,
}

/// A cause's prior, authored and learned, and why it moved.
#[derive(Debug, Clone, Serialize)]
pub struct PriorView {
    /// The author's prior (normalised over the article's causes).
    pub authored: f64,
    /// The prior after learning.
    pub learned: f64,
    /// Sessions (ended fixed or escalated) this cause was behind, as far as they tell.
    pub seen: f64,
    /// Sessions learned from that ended fixed or escalated.
    pub ended: u32,
    /// Why, in words: "behind 41 of 50 finished sessions".
    pub reason: String,
}

fn prior_view(article: &Article, cause: &NodeId) -> Option<PriorView> {
    let applied = article.learned.as_deref()?;
    let change = applied.causes.get(cause)?;
    Some(PriorView {
        authored: change.authored,
        learned: change.learned,
        seen: change.seen,
        ended: applied.ended,
        reason: format!(
            "behind {} of {} finished sessions (prior {:.0}% as authored, {:.0}% learned)",
            crate::learned::count(change.seen),
            applied.ended,
            change.authored * 100.0,
            change.learned * 100.0
        ),
    })
}

/// The next step: a question and where each answer leads, or a fix to try.
#[derive(Debug, Clone, Serialize)]
pub struct NextView<'a> {
    /// `question` or `fix`.
    pub kind: &'static str,
    /// Question id (or, for a fix, the remedy id).
    pub id: &'a str,
    /// Question text (or the fix's title).
    pub text: &'a str,
    /// How to find the answer (Markdown); empty for a fix.
    pub help: &'a str,
    /// True when the answers leave the same causes and only pick a fix.
    pub chooses_fix: bool,
    /// Each answer with the titles of the causes still possible after it (none for a fix).
    pub answers: Vec<NextAnswerView<'a>>,
    /// Expected minutes to repair when taking this step.
    pub expected_cost: f64,
    /// For a fix: the cause it most likely repairs (title).
    pub cause: Option<&'a str>,
    /// For a fix: the chance it is the fix that works.
    pub probability: Option<f64>,
}

/// One answer of the next question.
#[derive(Debug, Clone, Serialize)]
pub struct NextAnswerView<'a> {
    /// Answer value.
    pub value: &'a str,
    /// Answer label.
    pub label: &'a str,
    /// Titles of the causes still possible after this answer.
    pub leads_to: Vec<&'a str>,
    /// The chance of this answer given the facts.
    pub probability: f64,
}

/// Builds the view of a whole article.
pub fn article_view(article: &Article) -> ArticleView<'_> {
    let many = article.causes.len() > 1;
    let causes = article
        .causes
        .iter()
        .enumerate()
        .map(|(index, cause)| {
            let number = many.then_some(index + 1);
            let remedies: Vec<&NodeId> = cause.solutions.iter().chain(&cause.workarounds).collect();
            cause_view(article, cause, number, &remedies)
        })
        .collect();
    ArticleView {
        id: article.id.as_str(),
        title: &article.title,
        summary: &article.summary,
        status: article.status,
        product: article.product.as_deref(),
        area: article.area.as_deref(),
        error_codes: &article.error_codes,
        keywords: &article.keywords,
        source: article.source.as_ref(),
        symptoms: &article.symptoms,
        causes,
        questions: &article.questions,
        notes: &article.notes,
        links: article.link_definitions(),
    }
}

fn numbered(label: &str, number: Option<usize>, title: &str) -> String {
    match number {
        Some(n) => format!("{label} {n}: {title}"),
        None => format!("{label}: {title}"),
    }
}

/// A cause and the listed fixes (in the cause's order), numbered as the article numbers them.
fn cause_view<'a>(
    article: &'a Article,
    cause: &'a Cause,
    number: Option<usize>,
    only: &[&NodeId],
) -> CauseView<'a> {
    let pick = |ids: &'a [NodeId], kind: &'static str, label: &str| -> Vec<RemedyView<'a>> {
        let many = ids.len() > 1;
        ids.iter()
            .enumerate()
            .filter(|(_, id)| only.contains(id))
            .filter_map(|(index, id)| article.remedy(id).map(|r| (index, r)))
            .map(|(index, remedy)| {
                remedy_view(
                    remedy,
                    kind,
                    numbered(label, many.then_some(index + 1), &remedy.title),
                )
            })
            .collect()
    };
    let mut remedies = pick(&cause.solutions, "solution", "Solution");
    remedies.extend(pick(&cause.workarounds, "workaround", "Workaround"));
    CauseView {
        id: cause.id.as_str(),
        heading: numbered("Cause", number, &cause.title),
        title: &cause.title,
        text: &cause.text,
        steps: &cause.steps,
        after: &cause.after,
        remedies,
    }
}

fn remedy_view<'a>(remedy: &'a Remedy, kind: &'static str, heading: String) -> RemedyView<'a> {
    RemedyView {
        id: remedy.id.as_str(),
        kind,
        heading,
        title: &remedy.title,
        by_design: remedy.by_design,
        text: &remedy.text,
        steps: &remedy.steps,
        after: &remedy.after,
        continues_in: Vec::new(),
    }
}

fn answer_view<'a>(
    article: &'a Article,
    question: &NodeId,
    answer: Option<&str>,
) -> Option<AnswerView<'a>> {
    let question = article.question(question)?;
    let answer_label = match answer {
        None => "Don't know".to_owned(),
        Some(value) => question
            .answers
            .iter()
            .find(|a| a.value == value)
            .map_or(value, |a| a.label())
            .to_owned(),
    };
    Some(AnswerView {
        question_id: question.id.as_str(),
        question: &question.text,
        answer: answer.map(str::to_owned),
        answer_label,
        changed: Vec::new(),
    })
}

fn conditions_view<'a>(article: &'a Article, conditions: &[Condition]) -> Vec<AnswerView<'a>> {
    conditions
        .iter()
        .filter_map(|c| answer_view(article, &c.question, Some(&c.answer)))
        .collect()
}

/// Builds the view of a resolution path; each fix names the articles it continues in.
pub fn path_view<'a>(
    article: &'a Article,
    resolution: &Resolution,
    continuations: &Continuations,
) -> PathView<'a> {
    let cause_number = |id: &NodeId| article.causes.iter().position(|c| &c.id == id);
    let candidates: Vec<CandidateView<'a>> = resolution
        .candidates
        .iter()
        .filter_map(|candidate| {
            let index = cause_number(&candidate.cause)?;
            let cause = &article.causes[index];
            let remedies: Vec<&NodeId> = candidate.remedies.iter().collect();
            Some(CandidateView {
                cause: cause_view(article, cause, None, &remedies),
                confirm: conditions_view(article, &candidate.confirm),
                probability: round(candidate.probability),
                percent: percent(candidate.probability),
                evidence: evidence_view(article, &candidate.evidence),
                prior: prior_view(article, &cause.id),
            })
        })
        .collect();
    let cause = match candidates.as_slice() {
        [only] => Some(only.cause.clone()),
        _ => None,
    };
    let expected_cost = resolution.action.as_ref().map(Action::expected_cost);
    let next = match (&resolution.next, &resolution.action) {
        (Some(next), Some(action)) => article.question(&next.question).map(|question| {
            let answers = question
                .answers
                .iter()
                .enumerate()
                .map(|(index, answer)| {
                    let leads_to = next
                        .outcomes
                        .iter()
                        .find(|(value, _)| *value == answer.value)
                        .map(|(_, causes)| {
                            causes
                                .iter()
                                .filter_map(|c| article.cause(c))
                                .map(|c| c.title.as_str())
                                .collect()
                        })
                        .unwrap_or_default();
                    NextAnswerView {
                        value: &answer.value,
                        label: answer.label(),
                        leads_to,
                        probability: round(next.chances.get(index).copied().unwrap_or(0.0)),
                    }
                })
                .collect();
            NextView {
                kind: "question",
                id: question.id.as_str(),
                text: &question.text,
                help: &question.help,
                chooses_fix: next.chooses_fix,
                answers,
                expected_cost: round(action.expected_cost()),
                cause: None,
                probability: None,
            }
        }),
        (None, Some(Action::Try { fix, expected_cost })) => {
            article.remedy(&fix.remedy).map(|remedy| NextView {
                kind: "fix",
                id: remedy.id.as_str(),
                text: &remedy.title,
                help: "",
                chooses_fix: false,
                answers: Vec::new(),
                expected_cost: round(*expected_cost),
                cause: article.cause(&fix.cause).map(|c| c.title.as_str()),
                probability: Some(round(fix.probability)),
            })
        }
        _ => None,
    };
    let steps = |steps: &[crate::solve::Step]| -> Vec<AnswerView<'a>> {
        steps
            .iter()
            .filter_map(|s| answer_view(article, &s.question, s.answer.as_deref()))
            .collect()
    };
    let excluded = resolution
        .excluded
        .iter()
        .filter_map(|excluded| {
            let cause = article.cause(&excluded.cause)?;
            Some(ExcludedView {
                id: cause.id.as_str(),
                title: &cause.title,
                by: evidence_view(article, &excluded.by),
            })
        })
        .collect();
    let plan = resolution
        .plan
        .iter()
        .filter_map(|fix| {
            let remedy = article.remedy(&fix.remedy)?;
            Some(PlanView {
                id: remedy.id.as_str(),
                title: &remedy.title,
                cause: article.cause(&fix.cause).map_or("", |c| c.title.as_str()),
                probability: round(fix.probability),
                percent: percent(fix.probability),
                cost: fix.cost,
            })
        })
        .collect();
    let mut view = PathView {
        status: if resolution.is_resolved() {
            "resolved"
        } else if resolution.is_unmatched() {
            "no_cause"
        } else {
            "undecided"
        },
        checked: steps(&resolution.path),
        cause,
        candidates,
        next,
        unused: steps(&resolution.unused),
        excluded,
        plan,
        expected_cost: expected_cost.map(round),
        considered: resolution
            .weighed
            .iter()
            .filter_map(|action| {
                let (kind, id) = match action {
                    Action::Ask { question, .. } => {
                        ("question", article.question(question)?.id.as_str())
                    }
                    Action::Try { fix, .. } => ("fix", article.remedy(&fix.remedy)?.id.as_str()),
                    Action::Escalate { .. } => ("escalate", ""),
                };
                Some(ConsideredView {
                    kind,
                    id,
                    expected_cost: round(action.expected_cost()),
                })
            })
            .collect(),
        learned: article.learned.as_deref(),
    };
    let causes = view
        .cause
        .iter_mut()
        .chain(view.candidates.iter_mut().map(|c| &mut c.cause));
    for cause in causes {
        for remedy in &mut cause.remedies {
            remedy.continues_in = continuations
                .get(&NodeId(remedy.id.to_owned()))
                .cloned()
                .unwrap_or_default();
        }
    }
    view
}

/// `solve --format json`, and a path as any front-end returns it as data.
#[derive(Debug, Clone, Serialize)]
pub struct SolveView<'a> {
    /// The article.
    pub article: ArticleRef,
    /// The resolution path.
    pub path: PathView<'a>,
}

/// Builds the data view of a resolution path.
pub fn solve_view<'a>(
    article: &'a Article,
    resolution: &Resolution,
    continuations: &Continuations,
) -> SolveView<'a> {
    SolveView {
        article: article_ref(article),
        path: path_view(article, resolution, continuations),
    }
}

fn article_ref(article: &Article) -> ArticleRef {
    ArticleRef {
        id: article.id.to_string(),
        title: article.title.clone(),
    }
}

fn evidence_view<'a>(article: &'a Article, evidence: &[Evidence]) -> Vec<EvidenceView<'a>> {
    evidence
        .iter()
        .filter_map(|e| {
            if let Some(remedy) = &e.failed_fix {
                let remedy = article.remedy(remedy)?;
                return Some(EvidenceView {
                    question_id: None,
                    question: &remedy.title,
                    answer: None,
                    answer_label: "did not fix it",
                    failed_fix: Some(remedy.id.as_str()),
                    effect: e.effect,
                    factor: e.factor,
                    in_words: factor_in_words(e.effect, e.factor),
                });
            }
            let question = article.question(e.question.as_ref()?)?;
            let answer = question
                .answers
                .iter()
                .find(|a| Some(a.value.as_str()) == e.answer.as_deref())?;
            Some(EvidenceView {
                question_id: Some(question.id.as_str()),
                question: &question.text,
                answer: Some(answer.value.as_str()),
                answer_label: answer.label(),
                failed_fix: None,
                effect: e.effect,
                factor: e.factor,
                in_words: factor_in_words(e.effect, e.factor),
            })
        })
        .collect()
}

fn percent(probability: f64) -> u32 {
    (probability * 100.0).round().clamp(0.0, 100.0) as u32
}

pub use crate::session::SessionEnd;

pub use crate::links::ArticleRef;

/// A session's record, for the ticket: what was asked and answered, the result, what was tried.
#[derive(Debug, Clone, Serialize)]
pub struct TranscriptView<'a> {
    /// How it ended.
    pub outcome: SessionEnd,
    /// The resolution path at the end.
    pub path: PathView<'a>,
    /// The fixes tried, in order.
    pub tried: Vec<AttemptView<'a>>,
    /// The article the session went on in, when a fix sent it there.
    pub continued_in: Option<ArticleRef>,
    /// What the session found, read from how it ended: the cause of the fix that worked,
    /// the working hypothesis it went on with, or the causes the answers leave.
    pub result: ResultView<'a>,
    /// The handover for level 2, built from the session: present when it was escalated
    /// (or, open, has nothing left to try).
    pub escalation: Option<EscalationView<'a>>,
    /// Answers given again with another value, in the order they were changed.
    pub changes: Vec<ChangedAnswerView<'a>>,
}

/// One fix tried.
#[derive(Debug, Clone, Serialize)]
pub struct AttemptView<'a> {
    /// The cause's title.
    pub cause: &'a str,
    /// The fix's id.
    pub remedy_id: &'a str,
    /// `solution` or `workaround`.
    pub kind: &'static str,
    /// The fix's title.
    pub title: &'a str,
    /// True when it worked.
    pub fixed: bool,
    /// True for a "none, by design" explanation (one that did not apply reads "not
    /// explained by design", not "did not fix it").
    pub by_design: bool,
    /// `fixed`, `not_fixed`, or `continued` (the session went on in another article from
    /// this fix: neither fixed nor failed here).
    pub outcome: &'static str,
    /// The article it continued in.
    pub continued_in: Option<ArticleRef>,
}

/// A cause as a result names it.
#[derive(Debug, Clone, Serialize)]
pub struct CauseRef<'a> {
    /// Cause id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
}

/// What a session's part in one article found.
#[derive(Debug, Clone, Serialize)]
pub struct ResultView<'a> {
    /// `fixed` (a fix worked: its cause), `continued` (the session went on elsewhere with
    /// the fix's cause as the working hypothesis), `resolved` (one cause left),
    /// `no_cause` (the answers fit none), `undecided` (several left: `path.candidates`).
    pub kind: &'static str,
    /// The cause named, for `fixed`, `continued` and `resolved`.
    pub cause: Option<CauseRef<'a>>,
    /// Its probability: given the answers and that the fix worked (`fixed`), given the
    /// answers (`continued`, `resolved`).
    pub probability: Option<f64>,
    /// The same, as a whole percentage.
    pub percent: Option<u32>,
    /// The fix that worked, or that the session went on from (title).
    pub remedy: Option<&'a str>,
    /// For `continued`: where.
    pub continued_in: Option<ArticleRef>,
}

/// The escalation note for level 2, built from the session.
#[derive(Debug, Clone, Serialize)]
pub struct EscalationView<'a> {
    /// Why: `no_cause` (the answers rule out every cause), `nothing_left` (every fix of the
    /// causes left was tried), `not_worth_it` (what is left is too unlikely to work for its
    /// minutes), or `by_agent` (handed on while steps were left).
    pub reason: &'static str,
    /// The causes still possible, most likely first, with the fixes not tried for them.
    pub left: Vec<LeftCauseView<'a>>,
    /// Whether the article offers any fix for the causes left: when it offers none,
    /// nothing was left to try because there was nothing to try.
    pub fixes_offered: bool,
    /// Troubleshooters the fixes of the causes left (or the fixes tried) link to, not visited.
    pub not_visited: Vec<ArticleRef>,
    /// Questions not answered (or answered "don't know") that bear on the causes left:
    /// data for level 2 to collect, with how to find it.
    pub collect: Vec<CollectView<'a>>,
}

/// A cause left at escalation.
#[derive(Debug, Clone, Serialize)]
pub struct LeftCauseView<'a> {
    /// Title.
    pub title: &'a str,
    /// Its probability given what was found, as a whole percentage.
    pub percent: u32,
    /// Its fixes not tried (titles).
    pub untried: Vec<&'a str>,
    /// How many fixes (solutions and workarounds) the article offers for it: none makes
    /// "every fix for it was tried" untrue.
    pub fixes: usize,
}

/// Data to collect: a question not answered and how to find the answer.
#[derive(Debug, Clone, Serialize)]
pub struct CollectView<'a> {
    /// Question id.
    pub id: &'a str,
    /// The question.
    pub question: &'a str,
    /// How to find the answer (Markdown; empty when the author gave none).
    pub help: &'a str,
    /// True when it was answered "don't know" (else never answered).
    pub dont_know: bool,
}

/// An answer changed during the session.
#[derive(Debug, Clone, Serialize)]
pub struct ChangedAnswerView<'a> {
    /// Question id.
    pub question_id: &'a str,
    /// The question.
    pub question: &'a str,
    /// What changed, and when.
    #[serde(flatten)]
    pub change: ChangeView,
}

fn attempt_kind(article: &Article, remedy: &NodeId) -> &'static str {
    if article.workarounds.iter().any(|w| &w.id == remedy) {
        "workaround"
    } else {
        "solution"
    }
}

fn label_of(article: &Article, question: &NodeId, value: Option<&str>) -> String {
    answer_view(article, question, value).map_or_else(
        || value.unwrap_or("Don't know").to_owned(),
        |a| a.answer_label,
    )
}

/// Builds the transcript of a session's time in its current article.
pub fn transcript_view<'a>(session: &Session<'a>) -> Result<TranscriptView<'a>, SessionError> {
    let resolution = session.resolution()?;
    transcript_of(session, &resolution)
}

fn transcript_of<'a>(
    session: &Session<'a>,
    resolution: &Resolution,
) -> Result<TranscriptView<'a>, SessionError> {
    use crate::session::Next;
    let article = session.article();
    let continued = session.continued_in();
    let tried: Vec<AttemptView<'a>> = session
        .attempts()
        .iter()
        .filter_map(|attempt| {
            let cause = article.cause(&attempt.cause)?;
            let remedy = article.remedy(&attempt.remedy)?;
            let continued_in = attempt.continued_in.as_ref().map(|target| {
                continued
                    .clone()
                    .filter(|c| c.id == target.as_str())
                    .unwrap_or_else(|| ArticleRef {
                        id: target.to_string(),
                        title: target.to_string(),
                    })
            });
            Some(AttemptView {
                cause: &cause.title,
                remedy_id: remedy.id.as_str(),
                kind: attempt_kind(article, &remedy.id),
                title: &remedy.title,
                fixed: attempt.fixed,
                by_design: remedy.by_design,
                outcome: if attempt.fixed {
                    "fixed"
                } else if continued_in.is_some() {
                    "continued"
                } else {
                    "not_fixed"
                },
                continued_in,
            })
        })
        .collect();
    let outcome = session.outcome().unwrap_or(SessionEnd::Incomplete);
    let mut path = path_view(article, resolution, session.continuations());
    // What was checked reads in the order it was asked (facts given at the start first),
    // not in the graph's walking order.
    let asked = session.answered_in_order();
    let position = |id: &str| {
        asked
            .iter()
            .position(|q| q.as_str() == id)
            .map_or(0, |i| i + 1)
    };
    path.checked.sort_by_key(|step| position(step.question_id));
    path.unused.sort_by_key(|step| position(step.question_id));
    let changes: Vec<ChangedAnswerView<'a>> = session
        .changes()
        .into_iter()
        .filter_map(|change| {
            let question = article.question(&change.question)?;
            Some(ChangedAnswerView {
                question_id: question.id.as_str(),
                question: &question.text,
                change: ChangeView {
                    from: label_of(article, &change.question, change.from.as_deref()),
                    to: label_of(article, &change.question, change.to.as_deref()),
                    at_ms: change.at.0,
                    at: change.at.clock(),
                },
            })
        })
        .collect();
    for step in path.checked.iter_mut().chain(path.unused.iter_mut()) {
        step.changed = changes
            .iter()
            .filter(|c| c.question_id == step.question_id)
            .map(|c| c.change.clone())
            .collect();
    }
    let result = result_view(session, resolution, &path)?;
    let escalate = match outcome {
        SessionEnd::Escalated => true,
        SessionEnd::Incomplete if session.outcome().is_none() => {
            matches!(session.next_of(resolution)?, Next::Escalate { .. })
        }
        _ => false,
    };
    let escalation = if escalate {
        Some(escalation_view(session, resolution)?)
    } else {
        None
    };
    Ok(TranscriptView {
        outcome,
        path,
        tried,
        continued_in: continued,
        result,
        escalation,
        changes,
    })
}

fn result_view<'a>(
    session: &Session<'a>,
    resolution: &Resolution,
    path: &PathView<'a>,
) -> Result<ResultView<'a>, SessionError> {
    let article = session.article();
    let cause_ref = |id: &NodeId| {
        article.cause(id).map(|c| CauseRef {
            id: c.id.as_str(),
            title: &c.title,
        })
    };
    if let Some((attempt, probability)) = session.fixed_by()? {
        return Ok(ResultView {
            kind: "fixed",
            cause: cause_ref(&attempt.cause),
            probability: Some(probability),
            percent: Some(percent(probability)),
            remedy: article.remedy(&attempt.remedy).map(|r| r.title.as_str()),
            continued_in: None,
        });
    }
    if let Some(attempt) = session
        .attempts()
        .iter()
        .rev()
        .find(|a| a.continued_in.is_some())
    {
        let probability = resolution
            .candidates
            .iter()
            .find(|c| c.cause == attempt.cause)
            .map(|c| round(c.probability));
        return Ok(ResultView {
            kind: "continued",
            cause: cause_ref(&attempt.cause),
            probability,
            percent: probability.map(percent),
            remedy: article.remedy(&attempt.remedy).map(|r| r.title.as_str()),
            continued_in: session.continued_in(),
        });
    }
    let only = resolution.cause();
    Ok(ResultView {
        kind: path.status,
        cause: only.and_then(|c| cause_ref(&c.cause)),
        probability: only.map(|c| round(c.probability)),
        percent: only.map(|c| percent(c.probability)),
        remedy: None,
        continued_in: None,
    })
}

fn escalation_view<'a>(
    session: &Session<'a>,
    resolution: &Resolution,
) -> Result<EscalationView<'a>, SessionError> {
    use crate::session::Escalation;
    let article = session.article();
    let tried: Vec<&NodeId> = session.attempts().iter().map(|a| &a.remedy).collect();
    let left: Vec<LeftCauseView<'a>> = resolution
        .candidates
        .iter()
        .filter_map(|candidate| {
            let cause = article.cause(&candidate.cause)?;
            Some(LeftCauseView {
                title: &cause.title,
                percent: percent(candidate.probability),
                untried: cause
                    .solutions
                    .iter()
                    .chain(&cause.workarounds)
                    .filter(|id| !tried.contains(id))
                    .filter_map(|id| article.remedy(id))
                    .map(|r| r.title.as_str())
                    .collect(),
                fixes: cause.solutions.len() + cause.workarounds.len(),
            })
        })
        .collect();
    let visited = session.visited();
    let mut not_visited: Vec<ArticleRef> = Vec::new();
    let linked = resolution
        .candidates
        .iter()
        .filter_map(|c| article.cause(&c.cause))
        .flat_map(|c| c.solutions.iter().chain(&c.workarounds))
        .chain(tried.iter().copied());
    for remedy in linked {
        for target in session.continuations().get(remedy).into_iter().flatten() {
            if !visited.iter().any(|v| v.as_str() == target.id)
                && !not_visited.iter().any(|n| n.id == target.id)
            {
                not_visited.push(target.clone());
            }
        }
    }
    let dont_know = session
        .facts()
        .iter()
        .filter(|(_, given)| given.value().is_none())
        .map(|(question, _)| question)
        .filter(|question| resolution.path.iter().any(|s| &s.question == *question));
    let mut collect: Vec<CollectView<'a>> = Vec::new();
    for (question, was_dont_know) in resolution
        .open
        .iter()
        .map(|q| (q, false))
        .chain(dont_know.map(|q| (q, true)))
    {
        // A shortcut asks for the diagnosis itself, not for data level 2 can collect.
        if let Some(q) = article.question(question)
            && !q.shortcut
            && !collect.iter().any(|c| c.id == q.id.as_str())
        {
            collect.push(CollectView {
                id: q.id.as_str(),
                question: &q.text,
                help: &q.help,
                dont_know: was_dont_know,
            });
        }
    }
    let reason = match session.escalation_reason()? {
        Some(Escalation::NoCause) => "no_cause",
        Some(Escalation::NothingLeft) => "nothing_left",
        Some(Escalation::NotWorthIt) => "not_worth_it",
        None => "by_agent",
    };
    let fixes_offered = left.iter().any(|cause| cause.fixes > 0);
    Ok(EscalationView {
        reason,
        fixes_offered,
        left,
        not_visited,
        collect,
    })
}

/// The head of a whole session's transcript, for the ticket: who, when, how it ended. A
/// server adds its id, URL, reference, problem, agent and notes; the times come from the
/// session's record.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SessionHeaderView {
    /// The session's id, where one is kept.
    pub id: Option<String>,
    /// Where an agent opens it.
    pub url: Option<String>,
    /// The ticket's reference.
    pub reference: Option<String>,
    /// The problem as the agent typed it.
    pub problem: Option<String>,
    /// Who ran it (the access token's name).
    pub agent: Option<String>,
    /// The agent's notes (free text).
    pub notes: Option<String>,
    /// When it began (ms since the Unix epoch) and as read in a ticket (UTC).
    pub started_ms: i64,
    /// When it began, in UTC.
    pub started: String,
    /// When it ended (its last move), once it has.
    pub ended_ms: Option<i64>,
    /// When it ended, in UTC.
    pub ended: Option<String>,
    /// From start to end (or to the last move, while open).
    pub duration: String,
    /// `open`, or how it ended.
    pub outcome: String,
    /// The articles it went through, in order.
    pub articles: Vec<String>,
}

impl SessionHeaderView {
    /// The header of a session's record: times, outcome and articles.
    pub fn of(state: &crate::session::SessionState) -> SessionHeaderView {
        use crate::session::Timestamp;
        let started = state.legs.first().map_or(Timestamp(0), |l| l.started_at);
        let last = state.last_activity().unwrap_or(started);
        let ended = state.outcome().map(|_| last);
        SessionHeaderView {
            started_ms: started.0,
            started: started.datetime(),
            ended_ms: ended.map(|t| t.0),
            ended: ended.map(Timestamp::datetime),
            duration: started.duration_to(last),
            outcome: state
                .outcome()
                .map_or_else(|| "open".to_owned(), |o| o.to_string()),
            articles: state.legs.iter().map(|l| l.article.to_string()).collect(),
            ..SessionHeaderView::default()
        }
    }
}

/// One article's part of a session's transcript.
#[derive(Debug, Clone, Serialize)]
pub struct LegView<'a> {
    /// The article.
    pub article: ArticleRef,
    /// What happened in it.
    pub transcript: TranscriptView<'a>,
}

impl<'a> LegView<'a> {
    /// The transcript of a session's time in its current article.
    pub fn of(session: &Session<'a>) -> Result<LegView<'a>, SessionError> {
        Ok(LegView {
            article: article_ref(session.article()),
            transcript: transcript_view(session)?,
        })
    }
}

/// A whole session's transcript as data (`ask --format json`): the first article's part,
/// then the parts of the articles it went on in. Each part is a [`LegView`], or a value
/// made from one when the articles are no longer at hand.
#[derive(Debug, Clone, Serialize)]
pub struct SessionTranscript<L = LegView<'static>> {
    /// The first article's part.
    #[serde(flatten)]
    pub first: L,
    /// The articles the session went on in, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub continued: Vec<L>,
    /// The session's record (its state: every move, when): what `fixpath learn` reads
    /// from transcript files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<crate::session::SessionState>,
}

impl<L> SessionTranscript<L> {
    /// The transcript of a session's legs, in order; `None` when there are none.
    pub fn new(mut legs: Vec<L>) -> Option<SessionTranscript<L>> {
        if legs.is_empty() {
            return None;
        }
        let first = legs.remove(0);
        Some(SessionTranscript {
            first,
            continued: legs,
            record: None,
        })
    }
}

/// The answers in force to some questions, as shown (questions not answered are left out).
pub fn answers_given<'a>(
    article: &'a Article,
    facts: &crate::solve::Facts,
    questions: &[NodeId],
) -> Vec<AnswerView<'a>> {
    questions
        .iter()
        .filter_map(|q| {
            let given = facts.get(q)?;
            answer_view(article, q, given.value())
        })
        .collect()
}

/// Builds the view of one fix on its own, as `ask` shows it: heading, text and steps.
pub fn remedy_only<'a>(
    article: &'a Article,
    cause: &NodeId,
    remedy: &NodeId,
) -> Option<CauseView<'a>> {
    let cause = article.cause(cause)?;
    Some(cause_view(article, cause, None, &[remedy]))
}

/// The decision graph as templates see it (DOT and Mermaid).
#[derive(Debug, Clone, Serialize)]
pub struct GraphView {
    /// Article id.
    pub id: String,
    /// Nodes in document order.
    pub nodes: Vec<GraphNodeView>,
    /// Edges in document order.
    pub edges: Vec<GraphEdgeView>,
}

/// A node of the picture.
#[derive(Debug, Clone, Serialize)]
pub struct GraphNodeView {
    /// Node id.
    pub id: String,
    /// `symptom`, `question`, `cause`, `solution` or `workaround`.
    pub kind: &'static str,
    /// The text shown, wrapped to about 28 characters a line.
    pub label: String,
    /// The Graphviz shape for its kind.
    pub shape: &'static str,
    /// The fill colour for its kind.
    pub fill: &'static str,
}

/// An edge of the picture.
#[derive(Debug, Clone, Serialize)]
pub struct GraphEdgeView {
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// 1-based position of the source in `nodes`.
    pub from_index: usize,
    /// 1-based position of the target in `nodes`.
    pub to_index: usize,
    /// The answer that leads along it, or what kind of link it is.
    pub label: String,
}

fn wrap(text: &str, width: usize) -> String {
    let plain = crate::text::plain_text(text);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in plain.split_whitespace() {
        if !line.is_empty() && line.chars().count() + word.chars().count() + 1 > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > 5 {
        lines.truncate(5);
        lines[4].push_str(" …");
    }
    lines.join("\n")
}

/// Builds the view of an article's decision graph.
pub fn graph_view(article: &Article) -> GraphView {
    use crate::graph::DecisionGraph;
    use crate::model::NodeKind;
    let graph = DecisionGraph::build(article);
    let nodes: Vec<GraphNodeView> = graph
        .nodes()
        .map(|node| {
            let (text, shape, fill) = match node.kind {
                NodeKind::Symptom => {
                    let symptom = article.symptoms.iter().find(|s| s.id == node.id);
                    let text = symptom
                        .and_then(|s| s.title.clone().or_else(|| s.message.clone()))
                        .or_else(|| symptom.map(|s| s.text.clone()))
                        .unwrap_or_default();
                    (text, "ellipse", "#fde2e1")
                }
                NodeKind::Question => (
                    article
                        .question(&node.id)
                        .map(|q| q.text.clone())
                        .unwrap_or_default(),
                    "diamond",
                    "#ddf4ff",
                ),
                NodeKind::Cause => (
                    article
                        .cause(&node.id)
                        .map(|c| c.title.clone())
                        .unwrap_or_default(),
                    "box",
                    "#fff8c5",
                ),
                NodeKind::Solution => (
                    article
                        .remedy(&node.id)
                        .map(|r| r.title.clone())
                        .unwrap_or_default(),
                    "box",
                    "#dafbe1",
                ),
                NodeKind::Workaround => (
                    article
                        .remedy(&node.id)
                        .map(|r| r.title.clone())
                        .unwrap_or_default(),
                    "box",
                    "#fbefff",
                ),
            };
            let label = if text.trim().is_empty() {
                node.id.to_string()
            } else {
                wrap(&text, 28)
            };
            GraphNodeView {
                id: node.id.to_string(),
                kind: node.kind.as_str(),
                label,
                shape,
                fill,
            }
        })
        .collect();
    let position = |id: &NodeId| {
        nodes
            .iter()
            .position(|n| n.id == id.as_str())
            .map_or(0, |i| i + 1)
    };
    let edges = graph
        .edges()
        .map(|(from, to, edge)| GraphEdgeView {
            from: from.id.to_string(),
            to: to.id.to_string(),
            from_index: position(&from.id),
            to_index: position(&to.id),
            label: wrap(edge.label(), 24),
        })
        .collect();
    GraphView {
        id: article.id.to_string(),
        nodes,
        edges,
    }
}

/// A session as a front-end shows it now: the step to put to the agent, what was checked
/// and the causes still ranked with their evidence, and what was tried. The served
/// troubleshooter's page and the API's session reads are this view.
#[derive(Debug, Clone, Serialize)]
pub struct LiveView<'a> {
    /// The article the session is in now.
    pub article: ArticleRef,
    /// What to do now.
    pub step: StepView<'a>,
    /// Where the session stands in this article: what was checked, the ranked causes, the plan.
    pub path: PathView<'a>,
    /// The fixes tried in this article, in order.
    pub tried: Vec<AttemptView<'a>>,
    /// Questions not yet answered that bear on the causes left ("I know something else").
    pub other_questions: Vec<QuestionView<'a>>,
    /// The questions answered (in `path.checked` and `path.unused`), with every answer
    /// they take: what "Change an answer" offers.
    pub answered: Vec<QuestionView<'a>>,
    /// True when there is a move to undo (or a "Continue in" to go back across).
    pub can_go_back: bool,
    /// The article Back returns to, when the session has just gone on from it.
    pub back_to: Option<String>,
    /// Progress, for a question: how many questions were answered here, and how many more
    /// (this one included) the planner expects before it offers a fix.
    pub progress: ProgressView,
    /// The ids of the articles the session went through before this one, in order.
    pub earlier: Vec<String>,
}

/// Where a session stands: answers given, and the planner's expectation of the rest.
#[derive(Debug, Clone, Serialize)]
pub struct ProgressView {
    /// Questions answered in this article (in force).
    pub answered: usize,
    /// Fixes tried in this article.
    pub tried: usize,
    /// Questions the planner expects to ask before a fix, the one asked now included
    /// (0 when the step is not a question).
    pub expected_questions: f64,
    /// The same, less the one asked now, rounded: "about 2 more expected".
    pub more_questions: u32,
}

/// The step a session puts to the agent now.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepView<'a> {
    /// Ask this question.
    Ask {
        /// The question with its answers and how to find the answer.
        question: QuestionView<'a>,
    },
    /// Offer this fix and ask whether it worked.
    Try {
        /// The cause with only this fix.
        cause: CauseView<'a>,
        /// The fix's id.
        remedy: &'a str,
        /// The chance this is the fix that works.
        probability: f64,
        /// The same, as a whole percentage.
        percent: u32,
        /// True for "none, by design": ask "does this explain it?".
        by_design: bool,
        /// True when showing it settles the session (the only cause left, by design).
        settled: bool,
        /// Articles the fix sends the reader on to.
        continues_in: Vec<ArticleRef>,
        /// Earlier answers this fix goes against (they chose another fix of its cause):
        /// said beside it, never offered silently.
        against: Vec<AnswerView<'a>>,
    },
    /// Nothing left here: escalate with the transcript.
    Escalate {
        /// Why.
        reason: crate::session::Escalation,
        /// The escalation note, built from the session.
        note: EscalationView<'a>,
    },
    /// The session goes on in another article.
    ContinueIn {
        /// That article.
        article: ArticleRef,
    },
    /// The session has ended.
    Ended {
        /// How.
        outcome: SessionEnd,
    },
}

/// A question as an agent answers it.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionView<'a> {
    /// Question id.
    pub id: &'a str,
    /// The question.
    pub text: &'a str,
    /// How to find the answer (Markdown); empty when the author gave none.
    pub help: &'a str,
    /// The answers to pick from.
    pub answers: Vec<ChoiceView<'a>>,
}

/// One answer to pick.
#[derive(Debug, Clone, Serialize)]
pub struct ChoiceView<'a> {
    /// The value recorded.
    pub value: &'a str,
    /// The label shown.
    pub label: &'a str,
}

fn question_view(question: &Question) -> QuestionView<'_> {
    QuestionView {
        id: question.id.as_str(),
        text: &question.text,
        help: &question.help,
        answers: question
            .answers
            .iter()
            .map(|a| ChoiceView {
                value: a.value.as_str(),
                label: a.label(),
            })
            .collect(),
    }
}

/// Builds the live view of a session: its next step with every text a front-end shows.
pub fn live_view<'a>(session: &Session<'a>) -> Result<LiveView<'a>, SessionError> {
    use crate::session::Next;
    let article = session.article();
    let resolution = session.resolution()?;
    let step = match session.next_of(&resolution)? {
        Next::Ask { question } => {
            let question = article.question(&question).ok_or(SessionError::Empty)?;
            StepView::Ask {
                question: question_view(question),
            }
        }
        Next::Try {
            cause,
            remedy,
            probability,
            by_design,
            settled,
            continues_in,
            against,
        } => {
            let view = remedy_only(article, &cause, &remedy).ok_or(SessionError::Empty)?;
            let against = answers_given(article, session.facts(), &against);
            let remedy = article.remedy(&remedy).ok_or(SessionError::Empty)?;
            StepView::Try {
                cause: view,
                remedy: remedy.id.as_str(),
                probability,
                percent: percent(probability),
                by_design,
                settled,
                continues_in,
                against,
            }
        }
        Next::Escalate { reason } => StepView::Escalate {
            reason,
            note: escalation_view(session, &resolution)?,
        },
        Next::ContinueIn { article: target } => StepView::ContinueIn {
            article: session.continued_in().unwrap_or_else(|| ArticleRef {
                id: target.to_string(),
                title: target.to_string(),
            }),
        },
        Next::Ended { outcome } => StepView::Ended { outcome },
    };
    let transcript = transcript_of(session, &resolution)?;
    let current = step_question(&step);
    let other_questions = resolution
        .open
        .iter()
        .filter(|id| Some(id.as_str()) != current)
        .filter_map(|id| article.question(id))
        .map(question_view)
        .collect();
    let visited = session.visited();
    let earlier = visited[..visited.len().saturating_sub(1)]
        .iter()
        .map(|id| id.to_string())
        .collect();
    let answered = session
        .facts()
        .iter()
        .filter_map(|(id, _)| article.question(id))
        .map(question_view)
        .collect();
    let expected_questions = match step {
        StepView::Ask { .. } => session.expected_questions()?,
        _ => 0.0,
    };
    let progress = ProgressView {
        answered: session.facts().iter().count(),
        tried: session.attempts().len(),
        expected_questions: round(expected_questions),
        more_questions: (expected_questions - 1.0).max(0.0).round() as u32,
    };
    Ok(LiveView {
        article: article_ref(article),
        progress,
        answered,
        step,
        path: path_view(article, &resolution, session.continuations()),
        tried: transcript.tried,
        other_questions,
        can_go_back: session.can_go_back() || session.back_crosses_to().is_some(),
        back_to: session.back_crosses_to().map(|id| id.to_string()),
        earlier,
    })
}

fn step_question<'v>(step: &'v StepView<'_>) -> Option<&'v str> {
    match step {
        StepView::Ask { question } => Some(question.id),
        _ => None,
    }
}
