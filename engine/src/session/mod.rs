//! One troubleshooting session, whole: every front-end (the terminal's `ask`, the static
//! site's troubleshooter, a server) drives this and decides nothing itself.
//!
//! A session is a log of moves, each with the time the caller says it happened: answers
//! (or "don't know") to any question of the article, going back (undoing the last move),
//! a fix's outcome (fixed, not fixed), going on in another article a fix links to, and
//! the end. [`SessionState`] is that log as plain serde data; [`Session`] replays it over
//! the article and answers the one question every driver asks: what now ([`Next`]). Saved
//! and restored, a state gives the same next step and transcript; a state recorded
//! against another version of the article ([`Revision`]) is refused, never replayed on a
//! different graph. The step itself comes from [`crate::solve`]'s planner; `policy.rs`
//! precomputes the steps of every reachable state for the static site.

mod policy;

use serde::{Deserialize, Serialize};

use crate::graph::DecisionGraph;
use crate::links::{ArticleRef, Continuations, Links};
use crate::model::{Article, ArticleId, NodeId};
use crate::solve::{Action, Facts, Given, Network, Resolution, SolveError};

pub use policy::{MAX_STATES, Policy, PolicyNode, Step, explore};

/// How many questions deep [`Session::expected_questions`] walks the planner's choices.
const EXPECTATION_DEPTH: usize = 6;
/// How many answers in all it follows.
const EXPECTATION_BUDGET: usize = 120;

/// The version of [`SessionState`]'s format; a state of another version is refused.
pub const STATE_FORMAT: u32 = 1;

/// A moment, as milliseconds since the Unix epoch (UTC), supplied by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The time of day in UTC as a person reads it in a ticket: `10:42`.
    pub fn clock(self) -> String {
        let (_, hour, minute) = self.civil();
        format!("{hour:02}:{minute:02}")
    }

    /// The date and time in UTC: `2026-12-07 10:42 UTC`.
    pub fn datetime(self) -> String {
        let ((year, month, day), hour, minute) = self.civil();
        format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
    }

    /// The calendar date, hour and minute in UTC (Howard Hinnant's days-to-civil).
    fn civil(self) -> ((i64, u32, u32), u32, u32) {
        let seconds = self.0.div_euclid(1000);
        let days = seconds.div_euclid(86_400);
        let of_day = seconds.rem_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        (
            (year, month, day),
            (of_day / 3600) as u32,
            ((of_day % 3600) / 60) as u32,
        )
    }

    /// The time from `self` to `later` as a person reads it: `45 s`, `12 min`, `2 h 5 min`.
    pub fn duration_to(self, later: Timestamp) -> String {
        let seconds = (later.0 - self.0).max(0) / 1000;
        match seconds {
            0..60 => format!("{seconds} s"),
            60..3600 => format!("{} min", seconds / 60),
            _ => format!("{} h {} min", seconds / 3600, (seconds % 3600) / 60),
        }
    }

    /// The system clock's time now.
    pub fn now() -> Timestamp {
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        Timestamp(i64::try_from(millis).unwrap_or(i64::MAX))
    }
}

/// Which version of an article a session was recorded against: a digest of its content
/// (XXH3-128 of the parsed article, so formatting and comments do not count).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Revision(pub String);

impl Revision {
    /// The revision of an article as written (before its links are resolved).
    pub fn of(article: &Article) -> Revision {
        let bytes = serde_json::to_vec(article).expect("articles always serialize");
        Revision(format!(
            "{:032x}",
            xxhash_rust::xxh3::xxh3_128(bytes.as_slice())
        ))
    }
}

impl std::fmt::Display for Revision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Twelve hex digits name a version well enough for a person.
        f.write_str(&self.0[..self.0.len().min(12)])
    }
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SessionEnd {
    /// A fix worked.
    Fixed,
    /// Nothing left to try, or the agent handed the problem on: escalate.
    Escalated,
    /// The session stopped before a fix was confirmed (end of input, or no answer to "did it work").
    Incomplete,
    /// The agent pressed Ctrl-C or Esc.
    Interrupted,
    /// A fix sent the agent to another article, and the session went on there.
    Continued,
    /// Nobody took a step for longer than the idle limit (a server's choice).
    Abandoned,
}

impl std::fmt::Display for SessionEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SessionEnd::Fixed => "fixed",
            SessionEnd::Escalated => "escalated",
            SessionEnd::Incomplete => "incomplete",
            SessionEnd::Interrupted => "interrupted",
            SessionEnd::Continued => "continued",
            SessionEnd::Abandoned => "abandoned",
        })
    }
}

/// One thing the agent did, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "move", rename_all = "snake_case", deny_unknown_fields)]
pub enum Move {
    /// An answer to a question (asked or not); `answer: null` is "don't know".
    Answer {
        /// The question id.
        question: NodeId,
        /// The answer value, or `None` for "don't know". Required: a move without it is
        /// refused rather than read as "don't know".
        #[serde(deserialize_with = "Option::deserialize")]
        answer: Option<String>,
    },
    /// Undo the last answer or fix outcome still in force.
    Back,
    /// A fix was tried.
    Fix {
        /// The cause it was tried for.
        cause: NodeId,
        /// The solution or workaround.
        remedy: NodeId,
        /// True when it fixed the problem.
        fixed: bool,
    },
    /// A fix that did not settle it sends the session on into another article.
    ContinueIn {
        /// The article the session goes on in.
        article: ArticleId,
        /// The cause the fix was tried for.
        cause: NodeId,
        /// The fix whose text links there.
        remedy: NodeId,
    },
    /// The session ends (fixed and continued sessions end by their moves).
    End {
        /// How.
        outcome: SessionEnd,
    },
}

/// A move and when it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// When.
    pub at: Timestamp,
    /// What.
    #[serde(flatten)]
    pub step: Move,
}

/// The part of a session spent in one article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leg {
    /// The article.
    pub article: ArticleId,
    /// The version of the article the moves were made against.
    pub revision: Revision,
    /// When the session entered it.
    pub started_at: Timestamp,
    /// Every move, in order (going back is a move too: nothing is forgotten).
    pub events: Vec<Event>,
}

/// A whole session as plain data: what a server stores between requests, what `ask
/// --session` keeps in a file, and what learning reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionState {
    /// [`STATE_FORMAT`].
    pub format: u32,
    /// One leg per article, in the order the session went through them.
    pub legs: Vec<Leg>,
}

impl SessionState {
    /// How the session ended, if it has.
    pub fn outcome(&self) -> Option<SessionEnd> {
        let last = self.legs.last()?.events.last()?;
        match &last.step {
            Move::End { outcome } => Some(*outcome),
            Move::Fix { fixed: true, .. } => Some(SessionEnd::Fixed),
            _ => None,
        }
    }

    /// The article the next leg goes on in, when the last move sent the session there.
    pub fn continuing_in(&self) -> Option<&ArticleId> {
        match &self.legs.last()?.events.last()?.step {
            Move::ContinueIn { article, .. } => Some(article),
            _ => None,
        }
    }

    /// The article a driver must restore the session with: where it goes on, else the
    /// last leg's.
    pub fn current_article(&self) -> Option<&ArticleId> {
        self.continuing_in()
            .or_else(|| self.legs.last().map(|leg| &leg.article))
    }

    /// When the last move was made (the session's start when none was).
    pub fn last_activity(&self) -> Option<Timestamp> {
        let leg = self.legs.last()?;
        Some(leg.events.last().map_or(leg.started_at, |e| e.at))
    }
}

/// Why a session could not be started, restored or moved on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// A fact or answer does not fit the article.
    #[error(transparent)]
    Solve(#[from] SolveError),
    /// The article changed since the session was recorded.
    #[error(
        "the session was recorded against version {recorded} of {article}, which has changed since (now version {current}): start a new session"
    )]
    ArticleChanged {
        /// The article.
        article: ArticleId,
        /// The version the moves were made against.
        recorded: Revision,
        /// The version there is now.
        current: Revision,
    },
    /// The session is in another article than the one given.
    #[error("the session is in {expected}, not in {given}")]
    WrongArticle {
        /// The article the session is in.
        expected: ArticleId,
        /// The article given.
        given: ArticleId,
    },
    /// The state was written by another version of fixpath.
    #[error("session format {0} is not one this fixpath reads (it reads format {STATE_FORMAT})")]
    Format(u32),
    /// The state names no article.
    #[error("the session names no article")]
    Empty,
    /// The session has ended; nothing more can be done in it.
    #[error("the session has ended ({0})")]
    Ended(SessionEnd),
    /// The article has nothing to troubleshoot (no entry question).
    #[error("{0} describes no problem to troubleshoot")]
    NotTroubleshootable(ArticleId),
    /// A fix outcome for a fix the session is not offering.
    #[error("`{remedy}` is not the fix offered now{}", offered.as_ref().map(|o| format!(" (that is `{o}`)")).unwrap_or_default())]
    NotOffered {
        /// The fix named.
        remedy: NodeId,
        /// The fix offered, if any.
        offered: Option<NodeId>,
    },
    /// Going on in an article the offered fix does not lead to (or one already visited).
    #[error("the fix offered now does not lead to {0}")]
    NoContinuation(ArticleId),
    /// Going back across a "Continue in" when the last move was not one.
    #[error("the session did not just go on from another article")]
    NothingToCrossBack,
}

/// The article a session runs in, as a driver shows it, with what the engine needs to
/// know about it.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    /// The article as shown (its links resolved for the front-end's medium).
    pub article: &'a Article,
    /// The version of the article as written.
    pub revision: Revision,
    /// Where its fixes continue.
    pub continuations: Continuations,
}

impl<'a> Subject<'a> {
    /// The article as shown, with the revision and continuations of the article as
    /// written (`original`) in its KB.
    pub fn new(shown: &'a Article, original: &Article, links: &Links) -> Subject<'a> {
        Subject {
            article: shown,
            revision: Revision::of(original),
            continuations: links.continuations(original),
        }
    }

    /// The article as shown, with a revision and continuations computed earlier (a server
    /// keeps them with the article rather than compute them at every step).
    pub fn prepared(
        shown: &'a Article,
        revision: Revision,
        continuations: Continuations,
    ) -> Subject<'a> {
        Subject {
            article: shown,
            revision,
            continuations,
        }
    }

    /// The article as shown with its continuations, for walks whose states are never
    /// saved (the site's precomputed steps): no revision is computed.
    pub fn unsaved(shown: &'a Article, continuations: Continuations) -> Subject<'a> {
        Subject {
            article: shown,
            revision: Revision(String::new()),
            continuations,
        }
    }

    /// An article on its own: no links to other articles.
    pub fn alone(article: &'a Article) -> Subject<'a> {
        Subject {
            article,
            revision: Revision::of(article),
            continuations: Continuations::new(),
        }
    }
}

/// What to do now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Next {
    /// Ask this question.
    Ask {
        /// The question id.
        question: NodeId,
    },
    /// Offer this fix and ask whether it worked.
    Try {
        /// The cause it most likely repairs.
        cause: NodeId,
        /// The solution or workaround.
        remedy: NodeId,
        /// The chance that this is the fix that works.
        probability: f64,
        /// True for "none, by design": an explanation to give, not something to try.
        by_design: bool,
        /// True when showing it settles the session: a by-design answer for the only cause
        /// left (drivers record it as fixed once shown). A by-design answer while other
        /// causes remain is asked about like a fix: "does this explain it?".
        settled: bool,
        /// Articles not yet visited that the fix's text sends the reader to.
        continues_in: Vec<ArticleRef>,
        /// Answers in force that chose another fix of this cause: the fix goes against
        /// them (offered because the fix they chose did not work, or by chance of its
        /// own), and a front-end says so beside it.
        against: Vec<NodeId>,
    },
    /// Nothing in this article is left to try: escalate.
    Escalate {
        /// Why.
        reason: Escalation,
    },
    /// The session goes on in another article: restore it with that article.
    ContinueIn {
        /// The article.
        article: ArticleId,
    },
    /// The session has ended.
    Ended {
        /// How.
        outcome: SessionEnd,
    },
}

/// Why a session has nothing left to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Escalation {
    /// The answers rule out every cause of the article.
    NoCause,
    /// Every fix of the causes still possible was tried.
    NothingLeft,
    /// The fixes left are too unlikely to work to be worth their minutes against the
    /// article's `escalation_cost`.
    NotWorthIt,
}

/// A fix the agent tried, and whether it worked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    /// The cause the fix was tried for.
    pub cause: NodeId,
    /// The solution or workaround.
    pub remedy: NodeId,
    /// True when the customer said it fixed the problem.
    pub fixed: bool,
    /// The article the session went on in from this fix: neither fixed nor failed here.
    pub continued_in: Option<ArticleId>,
}

/// An answer given again with another value while the first was in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerChange {
    /// The question.
    pub question: NodeId,
    /// The answer it had before (`None`: don't know).
    pub from: Option<String>,
    /// The answer it has since (`None`: don't know).
    pub to: Option<String>,
    /// When it was changed.
    pub at: Timestamp,
}

/// What a move changed, so that going back can undo it.
#[derive(Debug, Clone)]
enum Applied {
    Answer {
        question: NodeId,
        previous: Option<Given>,
        at: Timestamp,
    },
    Fix {
        remedy: NodeId,
    },
}

/// A session being run over its current article: the state, replayed.
#[derive(Debug, Clone)]
pub struct Session<'a> {
    subject: Subject<'a>,
    network: Network<'a>,
    state: SessionState,
    facts: Facts,
    applied: Vec<Applied>,
    tried: Vec<Attempt>,
}

impl<'a> Session<'a> {
    /// Starts a session in an article with facts already known (from a ticket, or
    /// `--fact`): each becomes a move at `at`, so going back can undo it too.
    pub fn start(subject: Subject<'a>, facts: &Facts, at: Timestamp) -> Result<Self, SessionError> {
        let article = subject.article;
        if article.entry.is_none() {
            return Err(SessionError::NotTroubleshootable(article.id.clone()));
        }
        let facts = facts.validated(article)?;
        let state = SessionState {
            format: STATE_FORMAT,
            legs: vec![Leg {
                article: article.id.clone(),
                revision: subject.revision.clone(),
                started_at: at,
                events: Vec::new(),
            }],
        };
        let mut session = Session::empty(subject, state);
        for (question, given) in facts.iter() {
            session.answer(question, given.clone(), at)?;
        }
        for remedy in facts.failed() {
            let step = Move::Fix {
                cause: session.cause_of(remedy),
                remedy: remedy.clone(),
                fixed: false,
            };
            session.apply_fix(step, at);
        }
        Ok(session)
    }

    /// Restores a saved state over its current article: replays the last leg's moves, or,
    /// when the last move went on into `subject`'s article, begins a leg there at `at`.
    ///
    /// A state recorded against another version of the article is refused.
    pub fn restore(
        subject: Subject<'a>,
        mut state: SessionState,
        at: Timestamp,
    ) -> Result<Self, SessionError> {
        if state.format != STATE_FORMAT {
            return Err(SessionError::Format(state.format));
        }
        let article = &subject.article.id;
        if let Some(target) = state.continuing_in() {
            if target != article {
                return Err(SessionError::WrongArticle {
                    expected: target.clone(),
                    given: article.clone(),
                });
            }
            if subject.article.entry.is_none() {
                return Err(SessionError::NotTroubleshootable(article.clone()));
            }
            state.legs.push(Leg {
                article: article.clone(),
                revision: subject.revision.clone(),
                started_at: at,
                events: Vec::new(),
            });
            return Ok(Session::empty(subject, state));
        }
        Session::replay_last(subject, state)
    }

    /// Goes back across a "Continue in" taken last: restores the state over the article the
    /// session went on from (`subject`) and undoes the move that sent it on, so that the
    /// session is in that article again, where it stood before. The move is recorded there
    /// (a `Back` after the `ContinueIn`): nothing is forgotten.
    pub fn back_across(
        subject: Subject<'a>,
        state: SessionState,
        at: Timestamp,
    ) -> Result<Self, SessionError> {
        if state.format != STATE_FORMAT {
            return Err(SessionError::Format(state.format));
        }
        if state.continuing_in().is_none() {
            return Err(SessionError::NothingToCrossBack);
        }
        let mut session = Session::replay_last(subject, state)?;
        session.back(at)?;
        Ok(session)
    }

    /// Replays one leg of a saved state (`leg` counts from 0), for showing what happened
    /// there: a transcript of every article a session went through. The session returned
    /// ends where that leg ended.
    pub fn review(
        subject: Subject<'a>,
        state: &SessionState,
        leg: usize,
    ) -> Result<Self, SessionError> {
        if state.format != STATE_FORMAT {
            return Err(SessionError::Format(state.format));
        }
        let legs = state.legs.get(..=leg).ok_or(SessionError::Empty)?;
        let state = SessionState {
            format: state.format,
            legs: legs.to_vec(),
        };
        Session::replay_last(subject, state)
    }

    /// Checks the last leg against the article and replays its moves.
    fn replay_last(subject: Subject<'a>, state: SessionState) -> Result<Self, SessionError> {
        let article = &subject.article.id;
        let leg = state.legs.last().ok_or(SessionError::Empty)?;
        if &leg.article != article {
            return Err(SessionError::WrongArticle {
                expected: leg.article.clone(),
                given: article.clone(),
            });
        }
        if leg.revision != subject.revision {
            return Err(SessionError::ArticleChanged {
                article: article.clone(),
                recorded: leg.revision.clone(),
                current: subject.revision.clone(),
            });
        }
        let events = leg.events.clone();
        let mut session = Session::empty(subject, state);
        session
            .state
            .legs
            .last_mut()
            .expect("checked above")
            .events
            .clear();
        for event in events {
            session.replay(event)?;
        }
        Ok(session)
    }

    fn empty(subject: Subject<'a>, state: SessionState) -> Self {
        let network = Network::new(subject.article, &DecisionGraph::build(subject.article));
        Session {
            subject,
            network,
            state,
            facts: Facts::new(),
            applied: Vec::new(),
            tried: Vec::new(),
        }
    }

    fn replay(&mut self, event: Event) -> Result<(), SessionError> {
        let at = event.at;
        match event.step {
            Move::Answer { question, answer } => {
                let given = answer.map_or(Given::Unknown, Given::Answer);
                self.answer(&question, given, at)
            }
            Move::Back => {
                self.back(at)?;
                Ok(())
            }
            Move::Fix { ref remedy, .. } | Move::ContinueIn { ref remedy, .. } => {
                self.ensure_open()?;
                self.check_remedy(remedy)?;
                self.apply_fix(event.step, at);
                Ok(())
            }
            Move::End { outcome } => self.end(outcome, at),
        }
    }

    /// The article being troubleshot (as shown).
    pub fn article(&self) -> &'a Article {
        self.subject.article
    }

    /// The state, to save.
    pub fn state(&self) -> &SessionState {
        &self.state
    }

    /// The state, to save, giving up the session.
    pub fn into_state(self) -> SessionState {
        self.state
    }

    /// The answers and failed fixes in force now.
    pub fn facts(&self) -> &Facts {
        &self.facts
    }

    /// The fixes tried in this article and still in force, in order.
    pub fn attempts(&self) -> &[Attempt] {
        &self.tried
    }

    /// Where the article's fixes continue.
    pub fn continuations(&self) -> &Continuations {
        &self.subject.continuations
    }

    /// The article the session went on in from here, if it did.
    pub fn continued_in(&self) -> Option<ArticleRef> {
        let target = self.state.continuing_in()?;
        let known = self
            .subject
            .continuations
            .values()
            .flatten()
            .find(|r| r.id == target.as_str());
        Some(known.cloned().unwrap_or_else(|| ArticleRef {
            id: target.to_string(),
            title: target.to_string(),
        }))
    }

    /// True when there is a move to go back over.
    pub fn can_go_back(&self) -> bool {
        !self.applied.is_empty() && self.outcome().is_none()
    }

    /// The article going back returns to, when the session has just gone on from it and
    /// nothing was done here yet: Back crosses back there ([`Session::back_across`]).
    pub fn back_crosses_to(&self) -> Option<&ArticleId> {
        let [.., before, here] = self.state.legs.as_slice() else {
            return None;
        };
        let continued = matches!(
            before.events.last().map(|e| &e.step),
            Some(Move::ContinueIn { article, .. }) if article == &here.article
        );
        (continued && here.events.is_empty() && self.applied.is_empty()).then_some(&before.article)
    }

    /// The articles this session has been in, in order (the current one last).
    pub fn visited(&self) -> Vec<&ArticleId> {
        self.state.legs.iter().map(|leg| &leg.article).collect()
    }

    /// How the session ended, if it has.
    pub fn outcome(&self) -> Option<SessionEnd> {
        if self.state.continuing_in().is_some() {
            return Some(SessionEnd::Continued);
        }
        self.state.outcome()
    }

    /// Where the run stands now: the ranked causes with their evidence, the plan, what
    /// was checked.
    pub fn resolution(&self) -> Result<Resolution, SessionError> {
        Ok(self.network.solve(&self.facts)?)
    }

    /// What to do now.
    pub fn next(&self) -> Result<Next, SessionError> {
        if let Some(next) = self.settled_next() {
            return Ok(next);
        }
        let action = self.network.next_action(&self.facts)?;
        self.next_for(action, || Ok(self.resolution()?.is_unmatched()))
    }

    /// What to do now, read from a resolution of the session's facts already at hand (a
    /// view needs both: the planner weighs the steps once).
    pub fn next_of(&self, resolution: &Resolution) -> Result<Next, SessionError> {
        if let Some(next) = self.settled_next() {
            return Ok(next);
        }
        self.next_for(resolution.action.clone(), || Ok(resolution.is_unmatched()))
    }

    /// The next step of a session that went on elsewhere or ended.
    fn settled_next(&self) -> Option<Next> {
        if let Some(article) = self.state.continuing_in() {
            return Some(Next::ContinueIn {
                article: article.clone(),
            });
        }
        self.state.outcome().map(|outcome| Next::Ended { outcome })
    }

    /// The step for the planner's choice; `unmatched` says, when nothing is left, whether
    /// the facts fit no cause.
    fn next_for(
        &self,
        action: Option<Action>,
        unmatched: impl FnOnce() -> Result<bool, SessionError>,
    ) -> Result<Next, SessionError> {
        match action {
            Some(Action::Ask { question, .. }) => Ok(Next::Ask { question }),
            Some(Action::Try { fix, .. }) => {
                let by_design = self
                    .subject
                    .article
                    .remedy(&fix.remedy)
                    .is_some_and(|r| r.by_design);
                let visited = self.visited();
                let continues_in = self
                    .subject
                    .continuations
                    .get(&fix.remedy)
                    .into_iter()
                    .flatten()
                    .filter(|target| !visited.iter().any(|v| v.as_str() == target.id))
                    .cloned()
                    .collect();
                let probability = crate::solve::round(fix.probability);
                let against = self.against(&fix.remedy);
                Ok(Next::Try {
                    cause: fix.cause,
                    remedy: fix.remedy,
                    probability,
                    by_design,
                    settled: by_design && probability >= 1.0,
                    continues_in,
                    against,
                })
            }
            Some(Action::Escalate { .. }) => Ok(Next::Escalate {
                reason: Escalation::NotWorthIt,
            }),
            None => {
                let reason = if unmatched()? {
                    Escalation::NoCause
                } else {
                    Escalation::NothingLeft
                };
                Ok(Next::Escalate { reason })
            }
        }
    }

    /// Questions not yet answered that bear on the causes left, in walking order: what an
    /// agent who knows something else can answer now.
    pub fn open_questions(&self) -> Result<Vec<NodeId>, SessionError> {
        Ok(self.resolution()?.open)
    }

    /// Records an answer (`Given::Unknown` for "don't know") to any question of the
    /// article, asked or not; a second answer to a question replaces the first.
    pub fn answer(
        &mut self,
        question: &NodeId,
        given: Given,
        at: Timestamp,
    ) -> Result<(), SessionError> {
        self.ensure_open()?;
        let mut trial = Facts::new();
        trial.set(question.clone(), given);
        let given = trial
            .validated(self.subject.article)?
            .get(question)
            .cloned()
            .expect("validated facts keep their questions");
        let previous = self.facts.get(question).cloned();
        self.facts.set(question.clone(), given.clone());
        self.applied.push(Applied::Answer {
            question: question.clone(),
            previous,
            at,
        });
        self.record(
            Move::Answer {
                question: question.clone(),
                answer: given.value().map(str::to_owned),
            },
            at,
        );
        Ok(())
    }

    /// Goes back: undoes the last answer or fix outcome still in force (or the "Continue
    /// in" that ended this article's part). Returns false (and records nothing) when there
    /// is nothing to undo.
    pub fn back(&mut self, at: Timestamp) -> Result<bool, SessionError> {
        if self.state.continuing_in().is_none() {
            self.ensure_open()?;
        }
        let Some(undone) = self.applied.pop() else {
            return Ok(false);
        };
        match undone {
            Applied::Answer {
                question, previous, ..
            } => match previous {
                Some(given) => self.facts.set(question, given),
                None => self.facts.remove(&question),
            },
            Applied::Fix { remedy } => {
                self.facts.unfail(&remedy);
                self.tried.pop();
            }
        }
        self.record(Move::Back, at);
        Ok(true)
    }

    /// Records the outcome of the fix offered now. A fix that worked ends the session.
    pub fn fix_outcome(
        &mut self,
        remedy: &NodeId,
        fixed: bool,
        at: Timestamp,
    ) -> Result<(), SessionError> {
        self.ensure_open()?;
        let cause = self.offered(remedy)?;
        let step = Move::Fix {
            cause,
            remedy: remedy.clone(),
            fixed,
        };
        self.apply_fix(step, at);
        Ok(())
    }

    /// Goes on in another article that the fix offered now links to: the fix is neither
    /// fixed nor failed here (its cause stays the working hypothesis). Restore the state
    /// with that article to continue.
    pub fn continue_in(&mut self, article: &ArticleId, at: Timestamp) -> Result<(), SessionError> {
        self.ensure_open()?;
        let Next::Try {
            cause,
            remedy,
            continues_in,
            ..
        } = self.next()?
        else {
            return Err(SessionError::NoContinuation(article.clone()));
        };
        if !continues_in
            .iter()
            .any(|target| target.id == article.as_str())
        {
            return Err(SessionError::NoContinuation(article.clone()));
        }
        let step = Move::ContinueIn {
            article: article.clone(),
            cause,
            remedy,
        };
        self.apply_fix(step, at);
        Ok(())
    }

    /// Ends the session (escalated, interrupted, incomplete, abandoned).
    pub fn end(&mut self, outcome: SessionEnd, at: Timestamp) -> Result<(), SessionError> {
        self.ensure_open()?;
        self.record(Move::End { outcome }, at);
        Ok(())
    }

    fn ensure_open(&self) -> Result<(), SessionError> {
        match self.outcome() {
            Some(outcome) => Err(SessionError::Ended(outcome)),
            None => Ok(()),
        }
    }

    fn check_remedy(&self, remedy: &NodeId) -> Result<(), SessionError> {
        let mut facts = Facts::new();
        facts.fail(remedy.clone());
        facts.validated(self.subject.article)?;
        Ok(())
    }

    /// The cause of the fix offered now, when `remedy` is it.
    fn offered(&self, remedy: &NodeId) -> Result<NodeId, SessionError> {
        match self.next()? {
            Next::Try {
                cause, remedy: r, ..
            } if &r == remedy => Ok(cause),
            Next::Try { remedy: r, .. } => Err(SessionError::NotOffered {
                remedy: remedy.clone(),
                offered: Some(r),
            }),
            _ => Err(SessionError::NotOffered {
                remedy: remedy.clone(),
                offered: None,
            }),
        }
    }

    /// The first cause listing a fix (for failed fixes given as facts).
    fn cause_of(&self, remedy: &NodeId) -> NodeId {
        self.subject
            .article
            .causes
            .iter()
            .find(|c| c.solutions.contains(remedy) || c.workarounds.contains(remedy))
            .map_or_else(|| remedy.clone(), |c| c.id.clone())
    }

    /// Applies a fix's outcome and records the move: a `Fix`, or a `ContinueIn` (its own
    /// outcome: the fix is not counted as failed, the session goes on elsewhere).
    fn apply_fix(&mut self, step: Move, at: Timestamp) {
        let (cause, remedy, fixed, continued_in) = match &step {
            Move::Fix {
                cause,
                remedy,
                fixed,
            } => (cause, remedy, *fixed, None),
            Move::ContinueIn {
                cause,
                remedy,
                article,
            } => (cause, remedy, false, Some(article.clone())),
            _ => unreachable!("only fix outcomes are applied as fixes"),
        };
        if !fixed && continued_in.is_none() {
            self.facts.fail(remedy.clone());
        }
        self.tried.push(Attempt {
            cause: cause.clone(),
            remedy: remedy.clone(),
            fixed,
            continued_in,
        });
        self.applied.push(Applied::Fix {
            remedy: remedy.clone(),
        });
        self.record(step, at);
    }

    /// Answers in force that chose a fix other than `remedy` for its cause: questions one of
    /// whose answers leads to `remedy` while the answer given leads to another fix.
    fn against(&self, remedy: &NodeId) -> Vec<NodeId> {
        let article = self.subject.article;
        let is_remedy = |id: &NodeId| article.remedy(id).is_some();
        article
            .questions
            .iter()
            .filter(|question| {
                question
                    .answers
                    .iter()
                    .any(|a| a.goto.as_ref() == Some(remedy))
            })
            .filter(|question| {
                let Some(Given::Answer(value)) = self.facts.get(&question.id) else {
                    return false;
                };
                question.answers.iter().any(|a| {
                    &a.value == value
                        && a.goto.as_ref().is_some_and(|g| g != remedy && is_remedy(g))
                })
            })
            .map(|question| question.id.clone())
            .collect()
    }

    /// How many more questions the planner expects to ask before it offers a fix (or
    /// escalates), counting the one asked now: the mean over the answers' chances of its
    /// own next steps, walked a few questions deep (past the bound, each branch counts as
    /// one question more). Zero when the step now is not a question.
    pub fn expected_questions(&self) -> Result<f64, SessionError> {
        let mut budget = EXPECTATION_BUDGET;
        Ok(self.expected_from(&self.facts, 0, &mut budget)?)
    }

    fn expected_from(
        &self,
        facts: &Facts,
        depth: usize,
        budget: &mut usize,
    ) -> Result<f64, SolveError> {
        let resolution = self.network.solve(facts)?;
        let Some(next) = resolution
            .next
            .filter(|_| matches!(resolution.action, Some(Action::Ask { .. })))
        else {
            return Ok(0.0);
        };
        if depth >= EXPECTATION_DEPTH || *budget == 0 {
            return Ok(1.0);
        }
        let question = self
            .subject
            .article
            .question(&next.question)
            .expect("the planner asks the article's questions");
        let mut expected = 1.0;
        for (answer, chance) in question.answers.iter().zip(&next.chances) {
            if *chance <= 0.0 {
                continue;
            }
            *budget = budget.saturating_sub(1);
            let mut after = facts.clone();
            after.set(next.question.clone(), Given::Answer(answer.value.clone()));
            expected += chance * self.expected_from(&after, depth + 1, budget)?;
        }
        Ok(expected)
    }

    /// The questions whose answers are in force, in the order they were first answered
    /// (facts given at the start are not among them).
    pub fn answered_in_order(&self) -> Vec<&NodeId> {
        let mut order: Vec<&NodeId> = Vec::new();
        for applied in &self.applied {
            if let Applied::Answer { question, .. } = applied
                && !order.contains(&question)
                && self.facts.get(question).is_some()
            {
                order.push(question);
            }
        }
        order
    }

    /// The answers given again with another value and still in force, in the order they
    /// were changed: what a transcript shows as "changed from No to Yes at 10:42".
    pub fn changes(&self) -> Vec<AnswerChange> {
        self.applied
            .iter()
            .filter_map(|applied| match applied {
                Applied::Answer {
                    question,
                    previous: Some(previous),
                    at,
                } => {
                    let now = self.facts.get(question)?;
                    (now != previous).then(|| AnswerChange {
                        question: question.clone(),
                        from: previous.value().map(str::to_owned),
                        to: now.value().map(str::to_owned),
                        at: *at,
                    })
                }
                _ => None,
            })
            .collect()
    }

    /// Why nothing is left to try by the planner's reading of the facts in force now, or
    /// `None` while it would still ask or try something (a session escalated by hand).
    pub fn escalation_reason(&self) -> Result<Option<Escalation>, SessionError> {
        let resolution = self.resolution()?;
        match self.next_for(resolution.action.clone(), || Ok(resolution.is_unmatched()))? {
            Next::Escalate { reason } => Ok(Some(reason)),
            _ => Ok(None),
        }
    }

    /// The fix that worked, with its cause and that cause's probability given the answers
    /// and that the fix worked (a fix several causes share splits it between them).
    pub fn fixed_by(&self) -> Result<Option<(Attempt, f64)>, SessionError> {
        let Some(attempt) = self.tried.iter().find(|a| a.fixed) else {
            return Ok(None);
        };
        let article = self.subject.article;
        let remedies: Vec<&NodeId> = article
            .solutions
            .iter()
            .chain(&article.workarounds)
            .map(|r| &r.id)
            .collect();
        let cause_index = article.causes.iter().position(|c| c.id == attempt.cause);
        let remedy_index = remedies.iter().position(|r| **r == attempt.remedy);
        let (Some(cause_index), Some(remedy_index)) = (cause_index, remedy_index) else {
            return Ok(Some((attempt.clone(), 1.0)));
        };
        let beliefs = self.network.beliefs(&self.facts)?;
        let total: f64 = beliefs.right.iter().map(|row| row[remedy_index]).sum();
        let probability = if total > 0.0 {
            beliefs.right[cause_index][remedy_index] / total
        } else {
            1.0
        };
        Ok(Some((attempt.clone(), crate::solve::round(probability))))
    }

    fn record(&mut self, step: Move, at: Timestamp) {
        self.current_leg_mut().events.push(Event { at, step });
    }

    fn current_leg_mut(&mut self) -> &mut Leg {
        self.state
            .legs
            .last_mut()
            .expect("a session always has a leg")
    }
}

#[cfg(test)]
mod tests;
