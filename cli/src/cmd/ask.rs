//! `fixpath ask [ARTICLE|QUERY]`: the interactive troubleshooter, a terminal driver of the
//! engine's session.
//!
//! Picks an article, then asks the session what to do again and again and puts it to the
//! agent: a question (with help, "don't know", another question, going back), a fix and
//! whether it worked, going on in a linked article. Every decision is the engine's
//! (`fixpath::session`); this file only prompts and prints. With `--session FILE` the
//! session's state is written after every move and picked up again from there.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use fixpath::catalog::Catalog;
use fixpath::links::Style;
use fixpath::load::KbArticle;
use fixpath::model::{Article, NodeId, Question};
use fixpath::render::Renderer;
use fixpath::render::view::{self, LegView, SessionTranscript};
use fixpath::session::{Escalation, Next, Session, SessionEnd, SessionState, Subject, Timestamp};
use fixpath::solve::Given;

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
    /// Keep the session in this file after every step, and pick it up from there when the
    /// file exists (a dropped call, a closed terminal): nothing answered is lost.
    #[arg(long, value_name = "FILE")]
    session: Option<PathBuf>,
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
    /// Keep the finished session in the local session store (`FIXPATH_DATA_DIR`), where
    /// `fixpath learn` and `fixpath stats` read it, as `fixpath serve` keeps its sessions.
    #[arg(long)]
    record: bool,
}

/// Runs one session; exit 0 when a fix worked, 1 otherwise.
pub(crate) fn run(args: Args, kb: &KbArgs) -> anyhow::Result<Outcome> {
    let catalog = kb.catalog()?;
    let renderer = Renderer::new(args.templates.as_deref())?;
    let mut prompter = Prompter::detect();
    let mut problem: Option<String> = None;
    let saved = match &args.session {
        Some(path) if path.exists() => Some(read_state(path)?),
        _ => None,
    };
    let (entry, mut state) = match saved {
        Some(state) => {
            let id = state
                .current_article()
                .with_context(|| "the saved session names no article")?;
            prompter.say(&format!(
                "Resuming the session saved in {}.",
                args.session.as_deref().unwrap_or(Path::new("")).display()
            ));
            (crate::kb::article(&catalog, id.as_str())?, Some(state))
        }
        None => {
            let query = args.query.join(" ");
            let Some((entry, typed)) = choose_article(&catalog, &query, &mut prompter)? else {
                prompter.say("No article chosen.");
                return Ok(Outcome::Negative);
            };
            // Free text (not an id or an error code) is the problem as the agent put it.
            if catalog.find(&typed)?.is_empty() && !typed.trim().is_empty() {
                problem = Some(typed.trim().to_owned());
            }
            (entry, None)
        }
    };
    let links = catalog.links(&entry)?;
    let shown = links.resolve_article(&entry.article, Style::Text);
    prompter.say(&format!("\n{} ({})\n", shown.title, shown.id));
    if shown.entry.is_none() {
        // A notice or summary: nothing to ask, so show it.
        prompter.say("This article describes no problem to troubleshoot; here it is.");
        write_output(
            None,
            &renderer.render_article(&shown, fixpath::render::Format::Markdown, None)?,
        )?;
        return Ok(Outcome::Success);
    }
    let facts = super::solve::read_facts(&args.facts, args.facts_file.as_deref())?;
    // Check the facts against the article before the first question.
    facts.validated(&shown)?;
    let mut legs: Vec<Leg> = Vec::new();
    if let Some(saved) = &state {
        // The articles a resumed session already went through, for the transcript.
        for (index, leg) in saved.legs.iter().enumerate() {
            if saved.continuing_in().is_none() && index + 1 == saved.legs.len() {
                break;
            }
            legs.push(Leg::review(
                &catalog,
                &renderer,
                saved,
                index,
                (leg.article.as_str(), kb.no_learned),
            )?);
        }
    }
    let mut next = Some(entry);
    let mut end = SessionEnd::Incomplete;
    let mut record: Option<SessionState> = None;
    while let Some(entry) = next.take() {
        let links = catalog.links(&entry)?;
        let shown = crate::kb::shown(&catalog, &links, &entry.article, Style::Text, kb.no_learned);
        let subject = Subject::new(&shown, &entry.article, &links);
        let mut session = match state.take() {
            Some(saved) => Session::restore(subject, saved, Timestamp::now())?,
            None => Session::start(subject, &facts, Timestamp::now())?,
        };
        if session.visited().len() > 1
            && session
                .state()
                .legs
                .last()
                .is_some_and(|l| l.events.is_empty())
        {
            prompter.say(&format!(
                "\nContinuing in: {} ({})\n",
                shown.title, shown.id
            ));
        }
        let mut driver = Driver {
            session: &mut session,
            prompter: &mut prompter,
            renderer: &renderer,
            save: args.session.as_deref(),
            announced: false,
            stopped: false,
        };
        driver.save()?;
        driver.interview()?;
        end = session.outcome().unwrap_or(SessionEnd::Incomplete);
        legs.push(Leg::of(&session, &renderer)?);
        if let Next::ContinueIn { article } = session.next()? {
            next = Some(crate::kb::article(&catalog, article.as_str())?);
            state = Some(session.into_state());
        } else {
            record = Some(session.into_state());
        }
    }
    if args.record
        && let Some(finished) = &record
    {
        crate::serve::record_session(finished, &legs_title(&legs), problem.as_deref())?;
    }
    let text = match args.format {
        Format::Text => legs
            .iter()
            .map(|leg| leg.text.as_str())
            .collect::<Vec<_>>()
            .join("\n---\n\n"),
        Format::Json => {
            let views: Vec<&serde_json::Value> = legs.iter().map(|leg| &leg.view).collect();
            let mut transcript = SessionTranscript::new(views);
            if let Some(transcript) = &mut transcript {
                transcript.record = record.clone();
            }
            crate::output::json(&transcript)?
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

/// The title of the article a session began in, from its first leg's view.
fn legs_title(legs: &[Leg]) -> String {
    legs.first()
        .and_then(|leg| leg.view["article"]["title"].as_str())
        .unwrap_or_default()
        .to_owned()
}

/// One article's part of the session, as printed: Markdown and the JSON view.
struct Leg {
    text: String,
    view: serde_json::Value,
}

impl Leg {
    fn of(session: &Session<'_>, renderer: &Renderer) -> anyhow::Result<Leg> {
        let leg = LegView::of(session)?;
        Ok(Leg {
            text: renderer.render_transcript(&leg.transcript, session.article())?,
            view: serde_json::to_value(&leg)?,
        })
    }

    /// A leg of a resumed session, replayed over its article.
    fn review(
        catalog: &Catalog,
        renderer: &Renderer,
        state: &SessionState,
        index: usize,
        (id, no_learned): (&str, bool),
    ) -> anyhow::Result<Leg> {
        let entry = crate::kb::article(catalog, id)?;
        let links = catalog.links(&entry)?;
        let shown = crate::kb::shown(catalog, &links, &entry.article, Style::Text, no_learned);
        let session = Session::review(Subject::new(&shown, &entry.article, &links), state, index)?;
        Leg::of(&session, renderer)
    }
}

fn read_state(path: &Path) -> anyhow::Result<SessionState> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not a saved fixpath session", path.display()))
}

/// The article the query names, or one the agent picks from a list.
/// Returns the article and the query it was chosen by (as given or typed at the prompt).
fn choose_article(
    catalog: &Catalog,
    query: &str,
    prompter: &mut Prompter,
) -> anyhow::Result<Option<(KbArticle, String)>> {
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
        return select_article(catalog, &query).map(|entry| Some((entry, query)));
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
        Reply::Picked(index) => {
            crate::kb::article(catalog, &suggestions[index].id).map(|entry| Some((entry, query)))
        }
        _ => Ok(None),
    }
}

/// Puts the session's steps to the agent until it ends, goes on elsewhere, or stops.
struct Driver<'s, 'a> {
    session: &'s mut Session<'a>,
    prompter: &'s mut Prompter,
    renderer: &'s Renderer,
    /// Where to keep the state after every move.
    save: Option<&'s Path>,
    /// True once the cause (or the ranked causes) was said before the first fix.
    announced: bool,
    /// True once the agent stopped (end of input, Ctrl-C).
    stopped: bool,
}

impl Driver<'_, '_> {
    fn interview(&mut self) -> anyhow::Result<()> {
        while !self.stopped {
            match self.session.next()? {
                Next::Ask { question } => self.ask(&question)?,
                Next::Try {
                    cause,
                    remedy,
                    by_design,
                    settled,
                    continues_in,
                    against,
                    ..
                } => self.try_fix(
                    &cause,
                    &remedy,
                    (by_design, settled),
                    &continues_in,
                    &against,
                )?,
                Next::Escalate { reason } => {
                    self.prompter.say(match reason {
                        Escalation::NoCause => "No cause in this article fits what you found: escalate with the note below.",
                        Escalation::NothingLeft => "Nothing left to try in this article: escalate with the note below.",
                        Escalation::NotWorthIt => "What is left to try is unlikely to work for its minutes: escalate with the note below.",
                    });
                    self.session.end(SessionEnd::Escalated, Timestamp::now())?;
                }
                Next::ContinueIn { .. } | Next::Ended { .. } => return Ok(()),
            }
            self.save()?;
        }
        Ok(())
    }

    /// Writes the state beside its file and renames it over: never half a session.
    fn save(&self) -> anyhow::Result<()> {
        let Some(path) = self.save else {
            return Ok(());
        };
        let directory = path.parent().filter(|p| !p.as_os_str().is_empty());
        let mut file = tempfile::NamedTempFile::new_in(directory.unwrap_or(Path::new(".")))
            .with_context(|| format!("cannot write beside {}", path.display()))?;
        serde_json::to_writer_pretty(&mut file, self.session.state())?;
        file.as_file().sync_all()?;
        file.persist(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(())
    }

    fn ask(&mut self, question_id: &NodeId) -> anyhow::Result<()> {
        let article = self.session.article();
        let question = article
            .question(question_id)
            .expect("the engine names questions of this article");
        let others: Vec<NodeId> = self
            .session
            .open_questions()?
            .into_iter()
            .filter(|q| q != question_id)
            .collect();
        let extras = Extras {
            dont_know: true,
            back: self.session.can_go_back(),
            help: !question.help.trim().is_empty(),
            other: !others.is_empty(),
        };
        let now = Timestamp::now();
        let reply = self
            .prompter
            .select(&question.text, &labels(question), extras);
        match self.take_answer(question, reply)? {
            None => {}
            Some(Reply::Help) => self
                .prompter
                .say_markdown(&format!("\n{}\n", question.help.trim())),
            Some(Reply::Other) => self.answer_other(&others)?,
            Some(Reply::Back) if !self.session.back(now)? => {
                self.prompter.say("This is the first question.");
            }
            Some(Reply::Back) => {}
            Some(Reply::EndOfInput) => {
                self.prompter
                    .say("Input ended before the questions were answered.");
                self.stop(SessionEnd::Incomplete)?;
            }
            Some(Reply::Interrupted) => self.stop(SessionEnd::Interrupted)?,
            Some(Reply::Picked(_) | Reply::DontKnow) => {}
        }
        Ok(())
    }

    /// Records a picked answer or "don't know" to a question; any other reply is returned.
    fn take_answer(&mut self, question: &Question, reply: Reply) -> anyhow::Result<Option<Reply>> {
        let picked = match reply {
            Reply::Picked(index) => Some(index),
            Reply::DontKnow => None,
            other => return Ok(Some(other)),
        };
        self.session
            .answer(&question.id, given(question, picked), Timestamp::now())?;
        Ok(None)
    }

    /// Lets the agent answer one of the other open questions.
    fn answer_other(&mut self, others: &[NodeId]) -> anyhow::Result<()> {
        let article = self.session.article();
        let texts: Vec<String> = others
            .iter()
            .filter_map(|id| article.question(id))
            .map(|q| q.text.clone())
            .collect();
        let extras = Extras {
            back: true,
            ..Extras::default()
        };
        let index = match self
            .prompter
            .select("Which do you know the answer to?", &texts, extras)
        {
            Reply::Picked(index) => index,
            Reply::Interrupted => return self.stop(SessionEnd::Interrupted),
            Reply::EndOfInput => return self.stop(SessionEnd::Incomplete),
            _ => return Ok(()),
        };
        let question = article
            .question(&others[index])
            .expect("open questions are the article's");
        let extras = Extras {
            dont_know: true,
            back: true,
            ..Extras::default()
        };
        let reply = self
            .prompter
            .select(&question.text, &labels(question), extras);
        match self.take_answer(question, reply)? {
            Some(Reply::Interrupted) => return self.stop(SessionEnd::Interrupted),
            Some(Reply::EndOfInput) => return self.stop(SessionEnd::Incomplete),
            _ => {}
        }
        Ok(())
    }

    /// The agent stopped before the end. A session kept in a file stays open, to be
    /// picked up again; any other is recorded as ended so.
    fn stop(&mut self, outcome: SessionEnd) -> anyhow::Result<()> {
        self.stopped = true;
        if self.save.is_none() {
            self.session.end(outcome, Timestamp::now())?;
        }
        Ok(())
    }

    /// Says what the questions found before the first fix: the cause, or the ranked causes.
    fn announce(&mut self) -> anyhow::Result<()> {
        if std::mem::replace(&mut self.announced, true) {
            return Ok(());
        }
        let article = self.session.article();
        let state = self.session.resolution()?;
        let title = |id: &NodeId| article.cause(id).map_or("", |c| c.title.as_str());
        if let Some(cause) = state.cause() {
            self.prompter
                .say(&format!("\nCause: {}\n", title(&cause.cause)));
        } else {
            let ranked: Vec<String> = state
                .candidates
                .iter()
                .map(|c| format!("  {:>3.0}%  {}", c.probability * 100.0, title(&c.cause)))
                .collect();
            self.prompter.say(&format!(
                "\n{} causes are still possible; trying the fixes in the order most likely to help for the time they take:\n{}\n",
                state.candidates.len(),
                ranked.join("\n")
            ));
        }
        Ok(())
    }

    /// Shows one fix and asks whether it worked, offering to go on in the articles the fix
    /// sends the reader to.
    fn try_fix(
        &mut self,
        cause: &NodeId,
        remedy: &NodeId,
        (by_design, settled): (bool, bool),
        continues_in: &[view::ArticleRef],
        against: &[NodeId],
    ) -> anyhow::Result<()> {
        self.announce()?;
        let article: &Article = self.session.article();
        let against = view::answers_given(article, self.session.facts(), against);
        if let Some(view) = view::remedy_only(article, cause, remedy) {
            self.prompter
                .say_markdown(&self.renderer.render_fix(article, &view, &against)?);
        }
        let now = Timestamp::now();
        if settled {
            // "None, by design" for the only cause left is the answer, not something to try.
            return Ok(self.session.fix_outcome(remedy, true, now)?);
        }
        let mut options = vec!["Yes".to_owned(), "No".to_owned()];
        options.extend(
            continues_in
                .iter()
                .map(|target| format!("Continue in: {}", target.title)),
        );
        let asked = if by_design {
            "Does this explain it?"
        } else {
            "Did this fix it?"
        };
        match self.prompter.select(asked, &options, Extras::default()) {
            Reply::Picked(0) => self.session.fix_outcome(remedy, true, now)?,
            Reply::Picked(1) => self.session.fix_outcome(remedy, false, now)?,
            Reply::Picked(index) => {
                let target = &continues_in[index - 2];
                self.session
                    .continue_in(&fixpath::model::ArticleId(target.id.clone()), now)?;
            }
            Reply::Interrupted => self.stop(SessionEnd::Interrupted)?,
            _ => {
                self.prompter
                    .say("Input ended before you said whether the fix worked.");
                self.stop(SessionEnd::Incomplete)?;
            }
        }
        Ok(())
    }
}

/// What a picked option (or "don't know", `None`) says about a question.
fn given(question: &Question, picked: Option<usize>) -> Given {
    match picked {
        Some(index) => Given::Answer(question.answers[index].value.clone()),
        None => Given::Unknown,
    }
}

/// A question's answers as the agent sees them.
fn labels(question: &Question) -> Vec<String> {
    question
        .answers
        .iter()
        .map(|a| a.label().to_owned())
        .collect()
}
