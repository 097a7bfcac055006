//! `fixpath ask [ARTICLE|QUERY]`: the interactive troubleshooter.
//!
//! Picks an article, asks one question at a time (with help, "don't know" and going back),
//! shows the fix, asks whether it worked, offers what is left, and ends with a transcript
//! an agent can paste into the ticket, or an escalation note when nothing worked.

use std::path::PathBuf;

use fixpath::catalog::Catalog;
use fixpath::load::KbArticle;
use fixpath::model::{Article, ArticleId, NodeId};
use fixpath::render::Renderer;
use fixpath::links::{Links, Style};
use fixpath::render::view::{self, SessionEnd};
use fixpath::solve::{Given, NextStep, Session};

use crate::Outcome;
use crate::kb::{KbArgs, select_article, write_output};
use crate::output::Format;
use crate::prompt::{Extras, Prompter, Reply};

/// Arguments of `fixpath ask`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// An article id, an error code, or a few words about the problem (asked for when left out).
    query: Vec<String>,
    /// Also write the transcript to this file.
    #[arg(long, value_name = "FILE")]
    transcript: Option<PathBuf>,
    /// Print the result as Markdown text or JSON.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Something already known, as QUESTION=ANSWER (any order; `unknown` for "don't know"). Repeatable.
    #[arg(long = "fact", short = 'f', value_name = "QUESTION=ANSWER")]
    facts: Vec<String>,
    /// A YAML or JSON file of `question: answer` pairs already known.
    #[arg(long = "facts", value_name = "FILE")]
    facts_file: Option<PathBuf>,
    /// A directory of templates that override the built-in ones file by file.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
}

/// Runs one session; exit 0 when a fix worked, 1 otherwise.
pub(crate) fn run(args: Args, kb: &KbArgs) -> anyhow::Result<Outcome> {
    let catalog = kb.catalog()?;
    let renderer = Renderer::new(args.templates.as_deref())?;
    let mut prompter = Prompter::detect();
    let query = args.query.join(" ");
    let Some(entry) = choose_article(&catalog, &query, &mut prompter)? else {
        prompter.say("No article chosen.");
        return Ok(Outcome::Negative);
    };
    let links = catalog.links(&entry)?;
    let article = &links.resolve_article(&entry.article, Style::Text);
    prompter.say(&format!("\n{} ({})\n", article.title, article.id));
    if article.entry.is_none() {
        // A notice or summary: nothing to ask, so show it.
        prompter.say("This article describes no problem to troubleshoot; here it is.");
        write_output(
            None,
            &renderer.render_article(article, fixpath::render::Format::Markdown, None)?,
        )?;
        return Ok(Outcome::Success);
    }
    let facts = super::solve::read_facts(&args.facts, args.facts_file.as_deref())?;
    // Check the facts against the article before the first question.
    facts.validated(article)?;
    // One session per article: a fix that sends the agent to another article continues
    // the run there, and the transcript records each.
    let mut texts: Vec<String> = Vec::new();
    let mut records: Vec<serde_json::Value> = Vec::new();
    let mut visited = vec![entry.article.id.clone()];
    let mut next = Some((entry, links, facts));
    let mut end = SessionEnd::Incomplete;
    while let Some((entry, links, facts)) = next.take() {
        let original = &entry.article;
        let article = &links.resolve_article(original, Style::Text);
        if visited.len() > 1 {
            prompter.say(&format!(
                "\nContinuing in: {} ({})\n",
                article.title, article.id
            ));
        }
        let mut session = Session::with_facts(article, facts);
        let context = Context {
            links: &links,
            original,
            visited: &visited,
        };
        let (ended, continue_in) = interview(&mut session, &mut prompter, &renderer, &context)?;
        end = ended;
        let resolution = session.state()?;
        let mut transcript = view::transcript_view(article, &resolution, session.attempts(), end);
        if let Some(id) = &continue_in {
            transcript.continued_in = Some(view::ArticleRef {
                id: id.to_string(),
                title: links.title_or_id(id).to_owned(),
            });
        }
        texts.push(renderer.render_transcript(&transcript, article)?);
        records.push(serde_json::json!({ "article": { "id": article.id, "title": article.title }, "transcript": transcript }));
        if let Some(id) = continue_in {
            let target = crate::kb::article(&catalog, id.as_str())?;
            let links = catalog.links(&target)?;
            visited.push(id);
            next = Some((target, links, fixpath::solve::Facts::new()));
        }
    }
    let text = match args.format {
        Format::Text => texts.join("\n---\n\n"),
        Format::Json => {
            let mut json = records.remove(0);
            if !records.is_empty() {
                json["continued"] = serde_json::Value::Array(records);
            }
            format!("{}\n", serde_json::to_string_pretty(&json)?)
        }
    };
    if let Some(path) = &args.transcript {
        write_output(Some(path), &text)?;
    }
    write_output(None, &text)?;
    Ok(if end == SessionEnd::Fixed {
        Outcome::Success
    } else {
        Outcome::Negative
    })
}

/// The article the query names, or one the agent picks from a list.
fn choose_article(
    catalog: &Catalog,
    query: &str,
    prompter: &mut Prompter,
) -> anyhow::Result<Option<KbArticle>> {
    let query = if query.trim().is_empty() {
        match prompter
            .text("What is the problem? Paste the error code or describe it in a few words")
        {
            Ok(text) => text,
            Err(_) => return Ok(None),
        }
    } else {
        query.to_owned()
    };
    if catalog.find(&query)?.len() == 1 {
        return select_article(catalog, &query).map(Some);
    }
    let suggestions = crate::kb::suggest(catalog, &query)?;
    if suggestions.is_empty() {
        anyhow::bail!("no article matches `{query}`");
    }
    let options: Vec<String> = suggestions
        .iter()
        .map(|l| format!("{} ({})", l.title, l.id))
        .collect();
    match prompter.select("Which article fits?", &options, Extras::default()) {
        Reply::Picked(index) => crate::kb::article(catalog, &suggestions[index].id).map(Some),
        _ => Ok(None),
    }
}

/// Takes the cheapest step again and again (a question, or a fix to try) until a fix works,
/// nothing is left, or the agent stops; returns how it ended.
/// What a session needs besides itself: the KB's links, the article as written (its links
/// unresolved, to see where its fixes send the reader), the articles already visited.
struct Context<'a> {
    links: &'a Links,
    original: &'a Article,
    visited: &'a [ArticleId],
}

/// How a fix prompt ended.
enum Tried {
    Fixed,
    NotFixed,
    Continue(ArticleId),
    End(SessionEnd),
}

fn interview(
    session: &mut Session<'_>,
    prompter: &mut Prompter,
    renderer: &Renderer,
    context: &Context<'_>,
) -> anyhow::Result<(SessionEnd, Option<ArticleId>)> {
    let article = session.article();
    let mut announced = false;
    loop {
        let step = session.next_step()?;
        let question_id = match step {
            None => {
                let state = session.state()?;
                if state.is_unmatched() {
                    prompter.say("No cause in this article fits what you found: escalate with the note below.");
                } else {
                    prompter
                        .say("Nothing left to try in this article: escalate with the note below.");
                }
                return Ok((SessionEnd::Escalated, None));
            }
            Some(NextStep::Try { cause, remedy }) => {
                if !announced {
                    announce(session, prompter)?;
                    announced = true;
                }
                match try_fix(session, prompter, renderer, context, cause, remedy)? {
                    Tried::Fixed => return Ok((SessionEnd::Fixed, None)),
                    Tried::NotFixed => continue,
                    Tried::Continue(id) => return Ok((SessionEnd::Continued, Some(id))),
                    Tried::End(end) => return Ok((end, None)),
                }
            }
            Some(NextStep::Ask(question_id)) => question_id,
        };
        let question = article
            .question(&question_id)
            .expect("the engine names questions of this article");
        let options = labels(question);
        let others = session
            .open_questions()?
            .into_iter()
            .filter(|q| *q != question_id)
            .collect::<Vec<_>>();
        let extras = Extras {
            dont_know: true,
            back: session.facts().iter().next().is_some(),
            help: !question.help.trim().is_empty(),
            other: !others.is_empty(),
        };
        match prompter.select(&question.text, &options, extras) {
            Reply::Picked(index) => session.answer(&question.id, given(question, Some(index)))?,
            Reply::DontKnow => session.answer(&question.id, given(question, None))?,
            Reply::Help => prompter.say_markdown(&format!("\n{}\n", question.help.trim())),
            Reply::Other => {
                if let Some(end) = answer_other(session, prompter, &others)? {
                    return Ok((end, None));
                }
            }
            Reply::Back => {
                if session.back()?.is_none() {
                    prompter.say("This is the first question.");
                }
            }
            Reply::EndOfInput => {
                prompter.say("Input ended before the questions were answered.");
                return Ok((SessionEnd::Incomplete, None));
            }
            Reply::Interrupted => return Ok((SessionEnd::Interrupted, None)),
        }
    }
}

/// What a picked option (or "don't know", `None`) says about a question.
fn given(question: &fixpath::model::Question, picked: Option<usize>) -> Given {
    match picked {
        Some(index) => Given::Answer(question.answers[index].value.clone()),
        None => Given::Unknown,
    }
}

/// A question's answers as the agent sees them.
fn labels(question: &fixpath::model::Question) -> Vec<String> {
    question
        .answers
        .iter()
        .map(|a| a.label().to_owned())
        .collect()
}

/// Lets the agent answer one of the other open questions; `Some` when the session ends.
fn answer_other(
    session: &mut Session<'_>,
    prompter: &mut Prompter,
    others: &[NodeId],
) -> anyhow::Result<Option<SessionEnd>> {
    let article = session.article();
    let texts: Vec<String> = others
        .iter()
        .filter_map(|id| article.question(id))
        .map(|q| q.text.clone())
        .collect();
    let extras = Extras {
        back: true,
        ..Extras::default()
    };
    let index = match prompter.select("Which do you know the answer to?", &texts, extras) {
        Reply::Picked(index) => index,
        Reply::Interrupted => return Ok(Some(SessionEnd::Interrupted)),
        Reply::EndOfInput => return Ok(Some(SessionEnd::Incomplete)),
        _ => return Ok(None),
    };
    let question = article
        .question(&others[index])
        .expect("open questions are the article's");
    let options = labels(question);
    let extras = Extras {
        dont_know: true,
        back: true,
        ..Extras::default()
    };
    match prompter.select(&question.text, &options, extras) {
        Reply::Picked(answer) => session.answer(&question.id, given(question, Some(answer)))?,
        Reply::DontKnow => session.answer(&question.id, given(question, None))?,
        Reply::Interrupted => return Ok(Some(SessionEnd::Interrupted)),
        Reply::EndOfInput => return Ok(Some(SessionEnd::Incomplete)),
        _ => {}
    }
    Ok(None)
}

/// Says what the questions found before the first fix: the cause, or the ranked causes.
fn announce(session: &Session<'_>, prompter: &mut Prompter) -> anyhow::Result<()> {
    let article = session.article();
    let state = session.state()?;
    let title = |id: &NodeId| article.cause(id).map_or("", |c| c.title.as_str());
    if let Some(cause) = state.cause() {
        prompter.say(&format!("\nCause: {}\n", title(&cause.cause)));
    } else {
        let ranked: Vec<String> = state
            .candidates
            .iter()
            .map(|c| format!("  {:>3.0}%  {}", c.probability * 100.0, title(&c.cause)))
            .collect();
        prompter.say(&format!(
            "\n{} causes are still possible; trying the fixes in the order most likely to help for the time they take:\n{}\n",
            state.candidates.len(),
            ranked.join("\n")
        ));
    }
    Ok(())
}

/// Shows one fix and asks whether it worked, offering to continue in the articles the fix
/// sends the reader to.
fn try_fix(
    session: &mut Session<'_>,
    prompter: &mut Prompter,
    renderer: &Renderer,
    context: &Context<'_>,
    cause: NodeId,
    remedy: NodeId,
) -> anyhow::Result<Tried> {
    let article = session.article();
    if let Some(view) = view::remedy_only(article, &cause, &remedy) {
        prompter.say_markdown(&renderer.render_fix(article, &view)?);
    }
    if article.remedy(&remedy).is_some_and(|r| r.by_design) {
        // "None, by design" is an answer, not something to try.
        session.record_attempt(cause, remedy, true);
        return Ok(Tried::Fixed);
    }
    let elsewhere: Vec<ArticleId> = context
        .original
        .remedy(&remedy)
        .map(|r| context.links.continues_in(context.original, r))
        .unwrap_or_default()
        .into_iter()
        .filter(|id| !context.visited.contains(id) && context.links.is_walkable(id))
        .collect();
    let mut options = vec!["Yes".to_owned(), "No".to_owned()];
    options.extend(
        elsewhere
            .iter()
            .map(|id| format!("Continue in: {}", context.links.title_or_id(id))),
    );
    match prompter.select("Did this fix it?", &options, Extras::default()) {
        Reply::Picked(0) => {
            session.record_attempt(cause, remedy, true);
            Ok(Tried::Fixed)
        }
        Reply::Picked(1) => {
            session.record_attempt(cause, remedy, false);
            Ok(Tried::NotFixed)
        }
        Reply::Picked(index) => {
            session.record_attempt(cause, remedy, false);
            Ok(Tried::Continue(elsewhere[index - 2].clone()))
        }
        Reply::Interrupted => Ok(Tried::End(SessionEnd::Interrupted)),
        _ => {
            prompter.say("Input ended before you said whether the fix worked.");
            Ok(Tried::End(SessionEnd::Incomplete))
        }
    }
}
