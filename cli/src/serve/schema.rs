//! The OpenAPI schemas of the engine's views the API returns (the live view, search
//! results, transcripts), so a generated client reads every field with its type.
//!
//! The engine serialises these views (`render::view::LiveView`, `search::SearchView`) and
//! knows nothing of OpenAPI; these types only describe their JSON. They are never built:
//! an e2e test (`serve_api`) validates real answers of every step kind against the
//! document with no field left undescribed, so a change to a view that is not made here
//! fails it.

#![allow(
    dead_code,
    reason = "schemas only: the engine's views are what is serialised"
)]

use utoipa::ToSchema;

/// An article named by id and title.
#[derive(ToSchema)]
#[schema(as = ArticleRef)]
pub(crate) struct ArticleRefSchema {
    /// The article id.
    id: String,
    /// Its title.
    title: String,
}

/// A session's now: the next step with its texts, where the session stands, what was tried.
#[derive(ToSchema)]
#[schema(as = Live)]
pub(crate) struct LiveSchema {
    /// The article the session is in now.
    article: ArticleRefSchema,
    /// What to do now.
    step: StepSchema,
    /// What was checked, the ranked causes, the plan.
    path: PathSchema,
    /// The fixes tried in this article, in order.
    tried: Vec<AttemptSchema>,
    /// Questions not yet answered that bear on the causes left ("I know something else").
    other_questions: Vec<QuestionSchema>,
    /// The questions answered (in `path.checked` and `path.unused`), with every answer
    /// they take: what "Change an answer" offers.
    answered: Vec<QuestionSchema>,
    /// True when there is a move to undo (or a "Continue in" to go back across).
    can_go_back: bool,
    /// The id of the article Back returns to, when the session has just gone on from it
    /// (`null` otherwise).
    back_to: Option<String>,
    /// Questions answered and fixes tried here, and how many more questions the planner
    /// expects before it offers a fix.
    progress: ProgressSchema,
    /// The ids of the articles the session went through before this one, in order.
    earlier: Vec<String>,
}

/// Where a session stands in its article: answers given, and the planner's expectation of
/// the rest.
#[derive(ToSchema)]
#[schema(as = Progress)]
pub(crate) struct ProgressSchema {
    /// Questions answered in this article (in force).
    answered: u64,
    /// Fixes tried in this article.
    tried: u64,
    /// Questions the planner expects to ask before a fix, the one asked now included (0
    /// when the step is not a question).
    expected_questions: f64,
    /// The same, less the one asked now, rounded: "about 2 more expected".
    more_questions: u32,
}

/// The step the session puts to the agent now, by `kind`.
#[derive(ToSchema)]
#[schema(as = Step)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum StepSchema {
    /// Ask this question: answer with `{"move": "answer", "question": question.id,
    /// "answer": one of question.answers[].value, or null}`.
    Ask {
        /// The question with its answers and how to find the answer.
        question: QuestionSchema,
    },
    /// Offer this fix: say whether it worked with `{"move": "fix", "remedy": remedy,
    /// "fixed": true|false}`.
    Try {
        /// The cause, with only this fix.
        cause: CauseSchema,
        /// The fix's id.
        remedy: String,
        /// The chance this is the fix that works.
        probability: f64,
        /// The same, as a whole percentage.
        percent: u32,
        /// True for "none, by design": ask "does this explain it?".
        by_design: bool,
        /// True when showing it settles the session.
        settled: bool,
        /// Articles the fix sends the reader on to (`{"move": "continue_in", "article": id}`).
        continues_in: Vec<ArticleRefSchema>,
        /// Earlier answers this fix goes against (they chose another fix of its cause):
        /// said beside it, never offered silently.
        against: Vec<AnswerSchema>,
    },
    /// Nothing left worth trying here: escalate (`{"move": "end", "outcome": "escalated"}`).
    Escalate {
        /// Why: `no_cause`, `nothing_left` or `not_worth_it`.
        reason: EscalationSchema,
        /// The escalation note for level 2, built from the session.
        note: EscalationNoteSchema,
    },
    /// The session went on in another article.
    ContinueIn {
        /// That article.
        article: ArticleRefSchema,
    },
    /// The session has ended.
    Ended {
        /// How: `fixed`, `escalated`, `incomplete`, `interrupted`, `continued`, `abandoned`.
        outcome: OutcomeSchema,
    },
}

/// Why a session escalates.
#[derive(ToSchema)]
#[schema(as = Escalation)]
#[serde(rename_all = "snake_case")]
pub(crate) enum EscalationSchema {
    /// No cause fits what was found.
    NoCause,
    /// Every fix was tried.
    NothingLeft,
    /// What is left is not worth its minutes.
    NotWorthIt,
}

/// Why a session is handed on, as its escalation note says.
#[derive(ToSchema)]
#[schema(as = HandoverReason)]
#[serde(rename_all = "snake_case")]
pub(crate) enum HandoverReasonSchema {
    /// The answers rule out every cause.
    NoCause,
    /// Every fix of the causes left was tried.
    NothingLeft,
    /// What is left is too unlikely to work for its minutes.
    NotWorthIt,
    /// The agent handed it on while steps were left.
    ByAgent,
}

/// The escalation note for level 2, built from the session: what is left, what was not
/// visited, what to collect.
#[derive(ToSchema)]
#[schema(as = EscalationNote)]
pub(crate) struct EscalationNoteSchema {
    /// Why it is handed on.
    reason: HandoverReasonSchema,
    /// The causes still possible, most likely first, with the fixes not tried for them.
    left: Vec<LeftCauseSchema>,
    /// Whether the article offers any fix for the causes left.
    fixes_offered: bool,
    /// Troubleshooters the fixes of the causes left (or the fixes tried) link to, not
    /// visited.
    not_visited: Vec<ArticleRefSchema>,
    /// Questions not answered (or answered "don't know") that bear on the causes left:
    /// data for level 2 to collect, with how to find it.
    collect: Vec<CollectSchema>,
}

/// A cause left at escalation.
#[derive(ToSchema)]
#[schema(as = LeftCause)]
pub(crate) struct LeftCauseSchema {
    /// Its title.
    title: String,
    /// Its probability given what was found, as a whole percentage.
    percent: u32,
    /// The titles of its fixes not tried.
    untried: Vec<String>,
    /// How many fixes (solutions and workarounds) the article offers for it; 0 when it
    /// offers none, so nothing was tried because there was nothing to try.
    fixes: usize,
}

/// Data to collect for level 2: a question not answered and how to find the answer.
#[derive(ToSchema)]
#[schema(as = Collect)]
pub(crate) struct CollectSchema {
    /// The question's id.
    id: String,
    /// The question.
    question: String,
    /// How to find the answer (Markdown; empty when the author gave none).
    help: String,
    /// True when it was answered "don't know" (else it was never answered).
    dont_know: bool,
}

/// How a session ended.
#[derive(ToSchema)]
#[schema(as = Outcome)]
#[serde(rename_all = "snake_case")]
pub(crate) enum OutcomeSchema {
    /// A fix worked.
    Fixed,
    /// Handed on.
    Escalated,
    /// Stopped before a fix was confirmed.
    Incomplete,
    /// Stopped by the agent.
    Interrupted,
    /// Went on in another article.
    Continued,
    /// Left without a step for too long.
    Abandoned,
}

/// A question with its answers.
#[derive(ToSchema)]
#[schema(as = Question)]
pub(crate) struct QuestionSchema {
    /// The question's id (send it as `question`).
    id: String,
    /// The question.
    text: String,
    /// How to find the answer (Markdown).
    help: String,
    /// The answers it takes.
    answers: Vec<ChoiceSchema>,
}

/// One answer a question takes.
#[derive(ToSchema)]
#[schema(as = Choice)]
pub(crate) struct ChoiceSchema {
    /// The value to send as `answer`.
    value: String,
    /// What an agent reads.
    label: String,
}

/// A cause with its fixes.
#[derive(ToSchema)]
#[schema(as = Cause)]
pub(crate) struct CauseSchema {
    /// The cause's id.
    id: String,
    /// Its heading, as pages show it.
    heading: String,
    /// Its title.
    title: String,
    /// What it is (Markdown).
    text: String,
    /// How to confirm it.
    steps: Vec<String>,
    /// Text after the steps.
    after: String,
    /// Its fixes.
    remedies: Vec<RemedySchema>,
}

/// A fix: a solution or a workaround.
#[derive(ToSchema)]
#[schema(as = Remedy)]
pub(crate) struct RemedySchema {
    /// The fix's id.
    id: String,
    /// `solution` or `workaround`.
    kind: String,
    /// Its heading.
    heading: String,
    /// Its title.
    title: String,
    /// True for "none, by design".
    by_design: bool,
    /// What to do (Markdown).
    text: String,
    /// The steps.
    steps: Vec<String>,
    /// Text after the steps.
    after: String,
    /// Articles it sends the reader on to.
    continues_in: Vec<ArticleRefSchema>,
}

/// Where a session stands in its article.
#[derive(ToSchema)]
#[schema(as = Path)]
pub(crate) struct PathSchema {
    /// `resolved` (one cause), `undecided` (several), or `no_cause` (the facts fit none).
    status: PathStatusSchema,
    /// The answers in force, in order.
    checked: Vec<AnswerSchema>,
    /// The cause, when one is settled.
    cause: Option<CauseSchema>,
    /// The causes still possible, most likely first.
    candidates: Vec<CandidateSchema>,
    /// The next question or fix the planner chose.
    next: Option<NextSchema>,
    /// Answers given that bear on no cause.
    unused: Vec<AnswerSchema>,
    /// Causes ruled out, and by what.
    excluded: Vec<ExcludedSchema>,
    /// The fixes in the order they would be tried.
    plan: Vec<PlanSchema>,
    /// The minutes the plan is expected to take.
    expected_cost: Option<f64>,
    /// The steps the planner weighed.
    considered: Vec<ConsideredSchema>,
    /// What learning from outcomes changed in the article (only with a learned model).
    #[schema(nullable = false)]
    learned: Option<AppliedSchema>,
}

/// How far the answers settle the cause.
#[derive(ToSchema)]
#[schema(as = PathStatus)]
#[serde(rename_all = "snake_case")]
pub(crate) enum PathStatusSchema {
    /// One cause is left.
    Resolved,
    /// Several causes are left.
    Undecided,
    /// The answers fit no cause.
    NoCause,
}

/// An answer in force.
#[derive(ToSchema)]
#[schema(as = Answer)]
pub(crate) struct AnswerSchema {
    /// The question's id.
    question_id: String,
    /// The question.
    question: String,
    /// The answer's value (`null`: don't know).
    answer: Option<String>,
    /// The answer, as an agent reads it.
    answer_label: String,
    /// Earlier answers this one replaced, in order (in a transcript; left out when none).
    #[schema(nullable = false)]
    changed: Option<Vec<ChangeSchema>>,
}

/// An answer replaced by another: "changed from No to Yes at 10:42".
#[derive(ToSchema)]
#[schema(as = Change)]
pub(crate) struct ChangeSchema {
    /// The answer before, as an agent reads it.
    from: String,
    /// The answer after, as an agent reads it.
    to: String,
    /// When (ms since the Unix epoch).
    at_ms: i64,
    /// When, as a time of day in UTC (`10:42`).
    at: String,
}

/// An answer given again with another value during the session.
#[derive(ToSchema)]
#[schema(as = ChangedAnswer)]
pub(crate) struct ChangedAnswerSchema {
    /// The question's id.
    question_id: String,
    /// The question.
    question: String,
    /// The answer before, as an agent reads it.
    from: String,
    /// The answer after, as an agent reads it.
    to: String,
    /// When (ms since the Unix epoch).
    at_ms: i64,
    /// When, as a time of day in UTC (`10:42`).
    at: String,
}

/// A cause still possible.
#[derive(ToSchema)]
#[schema(as = Candidate)]
pub(crate) struct CandidateSchema {
    /// The cause.
    cause: CauseSchema,
    /// Answers that would confirm it.
    confirm: Vec<AnswerSchema>,
    /// Its probability.
    probability: f64,
    /// The same, as a whole percentage.
    percent: u32,
    /// What speaks for and against it.
    evidence: Vec<EvidenceSchema>,
    /// Its prior as authored and as learned (only with a learned model).
    #[schema(nullable = false)]
    prior: Option<PriorSchema>,
}

/// A cause's prior, authored and learned.
#[derive(ToSchema)]
#[schema(as = Prior)]
pub(crate) struct PriorSchema {
    /// As the article's writer set it.
    authored: f64,
    /// As learned from outcomes.
    learned: f64,
    /// Finished sessions it was behind (weighted).
    seen: f64,
    /// Finished sessions in all.
    ended: u32,
    /// The change, in words.
    reason: String,
}

/// One piece of evidence about a cause.
#[derive(ToSchema)]
#[schema(as = Evidence)]
pub(crate) struct EvidenceSchema {
    /// The question answered, if it was an answer.
    question_id: Option<String>,
    /// The question.
    question: String,
    /// The answer's value.
    answer: Option<String>,
    /// The answer, as an agent reads it.
    answer_label: String,
    /// The fix that failed, if it was a failed fix.
    failed_fix: Option<String>,
    /// `for`, `against` or `excludes`.
    effect: EffectSchema,
    /// How much it changed the odds.
    factor: f64,
    /// The same in words, for an agent.
    in_words: InWordsSchema,
}

/// How much a piece of evidence changes a cause's odds, in words.
#[derive(ToSchema)]
#[schema(as = InWords)]
pub(crate) enum InWordsSchema {
    /// It excludes the cause.
    #[serde(rename = "rules it out")]
    RulesItOut,
    /// A factor of 3 or more.
    #[serde(rename = "makes it much more likely")]
    MuchMoreLikely,
    /// A factor above 1.
    #[serde(rename = "makes it more likely")]
    MoreLikely,
    /// A factor of 1/3 or less.
    #[serde(rename = "makes it much less likely")]
    MuchLessLikely,
    /// A factor below 1.
    #[serde(rename = "makes it less likely")]
    LessLikely,
    /// A factor of 1.
    #[serde(rename = "does not change it")]
    NoChange,
}

/// Which way evidence points.
#[derive(ToSchema)]
#[schema(as = Effect)]
#[serde(rename_all = "snake_case")]
pub(crate) enum EffectSchema {
    /// For the cause.
    For,
    /// Against it.
    Against,
    /// Rules it out.
    Excludes,
}

/// A cause ruled out.
#[derive(ToSchema)]
#[schema(as = Excluded)]
pub(crate) struct ExcludedSchema {
    /// The cause's id.
    id: String,
    /// Its title.
    title: String,
    /// What ruled it out.
    by: Vec<EvidenceSchema>,
}

/// The planner's next step.
#[derive(ToSchema)]
#[schema(as = Next)]
pub(crate) struct NextSchema {
    /// `question` or `fix`.
    kind: String,
    /// The question's or fix's id.
    id: String,
    /// Its text.
    text: String,
    /// How to find the answer.
    help: String,
    /// True for the question that chooses between fixes.
    chooses_fix: bool,
    /// The answers, with where each leads.
    answers: Vec<NextAnswerSchema>,
    /// The minutes expected from here.
    expected_cost: f64,
    /// The fix's cause.
    cause: Option<String>,
    /// The fix's chance of working.
    probability: Option<f64>,
}

/// An answer to the planner's next question.
#[derive(ToSchema)]
#[schema(as = NextAnswer)]
pub(crate) struct NextAnswerSchema {
    /// The answer's value.
    value: String,
    /// Its label.
    label: String,
    /// The causes it leads to.
    leads_to: Vec<String>,
    /// Its probability.
    probability: f64,
}

/// A fix in the plan.
#[derive(ToSchema)]
#[schema(as = PlanStep)]
pub(crate) struct PlanSchema {
    /// The fix's id.
    id: String,
    /// Its title.
    title: String,
    /// Its cause.
    cause: String,
    /// Its chance of being the one that works.
    probability: f64,
    /// The same, as a whole percentage.
    percent: u32,
    /// Its minutes.
    cost: f64,
}

/// A step the planner weighed.
#[derive(ToSchema)]
#[schema(as = Considered)]
pub(crate) struct ConsideredSchema {
    /// `question` or `fix`.
    kind: String,
    /// Its id.
    id: String,
    /// The minutes expected when it comes next.
    expected_cost: f64,
}

/// A fix tried.
#[derive(ToSchema)]
#[schema(as = Attempt)]
pub(crate) struct AttemptSchema {
    /// Its cause.
    cause: String,
    /// The fix's id.
    remedy_id: String,
    /// `solution` or `workaround`.
    kind: String,
    /// Its title.
    title: String,
    /// Whether it worked.
    fixed: bool,
    /// True for a "none, by design" explanation (one that did not apply reads "not
    /// explained by design", not "did not fix it").
    by_design: bool,
    /// `fixed`, `not_fixed`, or `continued` (the session went on in another article from
    /// this fix: neither fixed nor failed here).
    outcome: AttemptOutcomeSchema,
    /// The article it continued in (`null` unless `continued`).
    continued_in: Option<ArticleRefSchema>,
}

/// How a fix tried turned out.
#[derive(ToSchema)]
#[schema(as = AttemptOutcome)]
#[serde(rename_all = "snake_case")]
pub(crate) enum AttemptOutcomeSchema {
    /// It worked.
    Fixed,
    /// It did not.
    NotFixed,
    /// The session went on in another article from it.
    Continued,
}

/// What learning changed in an article.
#[derive(ToSchema)]
#[schema(as = Applied)]
pub(crate) struct AppliedSchema {
    /// Sessions learned from.
    sessions: u32,
    /// Of them, resolved.
    resolved: u32,
    /// Of them, ended.
    ended: u32,
    /// Causes' priors, by cause id.
    causes: std::collections::BTreeMap<String, PriorChangeSchema>,
    /// Questions' minutes (authored, learned), by question id.
    question_minutes: std::collections::BTreeMap<String, (f64, f64)>,
    /// Questions' "don't know" rates (authored, learned), by question id.
    question_dont_know: std::collections::BTreeMap<String, (f64, f64)>,
    /// Fixes' figures, by fix id.
    fixes: std::collections::BTreeMap<String, FixChangeSchema>,
    /// Problems typed by agents that led here.
    #[schema(nullable = false)]
    queries: Option<Vec<String>>,
}

/// A cause's prior, authored and learned.
#[derive(ToSchema)]
#[schema(as = PriorChange)]
pub(crate) struct PriorChangeSchema {
    /// As authored.
    authored: f64,
    /// As learned.
    learned: f64,
    /// Sessions it was behind (weighted).
    seen: f64,
}

/// A fix's figures, authored and learned.
#[derive(ToSchema)]
#[schema(as = FixChange)]
pub(crate) struct FixChangeSchema {
    /// Minutes as authored.
    authored_minutes: f64,
    /// Minutes as learned.
    learned_minutes: f64,
    /// Times tried.
    tried: u32,
    /// Times it worked.
    worked: u32,
    /// Times it was the right fix (weighted).
    right: f64,
    /// Success rate as authored.
    authored_success: f64,
    /// Success rate as learned.
    learned_success: f64,
}

/// A search's answer (as `fixpath search --format json`).
#[derive(ToSchema)]
#[schema(as = SearchView)]
pub(crate) struct SearchSchema {
    /// The query as given.
    query: String,
    /// The results.
    results: ResultsSchema,
}

/// Ranked results.
#[derive(ToSchema)]
#[schema(as = SearchResults)]
pub(crate) struct ResultsSchema {
    /// The articles found, best first.
    hits: Vec<HitSchema>,
    /// Words corrected (`[as typed, as read]`).
    corrections: Vec<(String, String)>,
    /// A query to suggest, when the words were corrected.
    did_you_mean: Option<String>,
}

/// One article found.
#[derive(ToSchema)]
#[schema(as = SearchHit)]
pub(crate) struct HitSchema {
    /// The article id.
    id: String,
    /// Its title.
    title: String,
    /// Its score.
    score: f32,
    /// Its error codes.
    codes: Vec<String>,
    /// A snippet of text around the first match.
    snippet: String,
    /// Byte ranges of the snippet to highlight.
    highlights: Vec<RangeSchema>,
}

/// A byte range.
#[derive(ToSchema)]
#[schema(as = Range)]
pub(crate) struct RangeSchema {
    /// The first byte.
    start: u64,
    /// The byte after the last.
    end: u64,
}

/// A session's transcript (the shape of `ask --format json`, with the session's header):
/// the first article's part, then the parts of the articles it went on in.
#[derive(ToSchema)]
#[schema(as = Transcript)]
pub(crate) struct TranscriptSchema {
    /// The head of the transcript: the session, its ticket, agent, times and outcome.
    session: SessionHeaderSchema,
    /// The article of the first part.
    article: ArticleRefSchema,
    /// The first part.
    transcript: LegTranscriptSchema,
    /// The parts in the articles it went on in, in order (left out when none).
    #[schema(nullable = false)]
    continued: Option<Vec<LegSchema>>,
}

/// One article's part of a transcript.
#[derive(ToSchema)]
#[schema(as = Leg)]
pub(crate) struct LegSchema {
    /// The article.
    article: ArticleRefSchema,
    /// What happened in it.
    transcript: LegTranscriptSchema,
}

/// The head of a session's transcript, for the ticket: who, when, how it ended.
#[derive(ToSchema)]
#[schema(as = SessionHeader)]
pub(crate) struct SessionHeaderSchema {
    /// The session's id.
    id: Option<String>,
    /// Where an agent opens it.
    url: Option<String>,
    /// The ticket's reference (`null` when none was given).
    reference: Option<String>,
    /// The problem as the agent typed it (`null` when it began in an article).
    problem: Option<String>,
    /// Who ran it (the access token's name).
    agent: Option<String>,
    /// The agent's notes (`null` when there are none).
    notes: Option<String>,
    /// When it began (ms since the Unix epoch).
    started_ms: i64,
    /// When it began, in UTC (`2026-12-07 10:42 UTC`).
    started: String,
    /// When it ended (its last move, ms since the Unix epoch; `null` while open).
    ended_ms: Option<i64>,
    /// When it ended, in UTC (`null` while open).
    ended: Option<String>,
    /// From start to end (or to the last move, while open): `45 s`, `12 min`, `2 h 5 min`.
    duration: String,
    /// `open`, or how it ended.
    outcome: SessionStatusSchema,
    /// The ids of the articles it went through, in order.
    articles: Vec<String>,
}

/// A session's status: open, or how it ended.
#[derive(ToSchema)]
#[schema(as = SessionStatus)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SessionStatusSchema {
    /// Not ended.
    Open,
    /// A fix worked.
    Fixed,
    /// Handed on.
    Escalated,
    /// Stopped before a fix was confirmed.
    Incomplete,
    /// Stopped by the agent.
    Interrupted,
    /// Went on in another article.
    Continued,
    /// Left without a step for too long.
    Abandoned,
}

/// What happened in one article.
#[derive(ToSchema)]
#[schema(as = LegTranscript)]
pub(crate) struct LegTranscriptSchema {
    /// How this part ended (`incomplete` while the session is open here).
    outcome: OutcomeSchema,
    /// What was checked, the causes, the plan.
    path: PathSchema,
    /// The fixes tried, in order.
    tried: Vec<AttemptSchema>,
    /// The article the session went on in from here, if it did.
    continued_in: Option<ArticleRefSchema>,
    /// What this part found, read from how it ended.
    result: ResultSchema,
    /// The handover for level 2: present when the session was escalated (or, open, has
    /// nothing left to try), else `null`.
    escalation: Option<EscalationNoteSchema>,
    /// Answers given again with another value, in the order they were changed.
    changes: Vec<ChangedAnswerSchema>,
}

/// What a session's part in one article found.
#[derive(ToSchema)]
#[schema(as = LegResult)]
pub(crate) struct ResultSchema {
    /// What kind of finding it is.
    kind: ResultKindSchema,
    /// The cause named, for `fixed`, `continued` and `resolved` (else `null`).
    cause: Option<CauseRefSchema>,
    /// Its probability: given the answers and that the fix worked (`fixed`), given the
    /// answers (`continued`, `resolved`).
    probability: Option<f64>,
    /// The same, as a whole percentage.
    percent: Option<u32>,
    /// The title of the fix that worked, or that the session went on from.
    remedy: Option<String>,
    /// For `continued`: the article it went on in.
    continued_in: Option<ArticleRefSchema>,
}

/// What kind of finding a part of a session ended with.
#[derive(ToSchema)]
#[schema(as = ResultKind)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ResultKindSchema {
    /// A fix worked: its cause.
    Fixed,
    /// The session went on elsewhere with the fix's cause as the working hypothesis.
    Continued,
    /// One cause is left.
    Resolved,
    /// The answers fit no cause.
    NoCause,
    /// Several causes are left (`path.candidates`).
    Undecided,
}

/// A cause named by id and title.
#[derive(ToSchema)]
#[schema(as = CauseRef)]
pub(crate) struct CauseRefSchema {
    /// The cause's id.
    id: String,
    /// Its title.
    title: String,
}

/// The engine's saved state of a session (format 1): what `ask --session` writes.
#[derive(ToSchema)]
#[schema(as = SessionState)]
pub(crate) struct StateSchema {
    /// The format's version.
    format: u32,
    /// One leg per article, in order.
    legs: Vec<StateLegSchema>,
}

/// A session's moves in one article.
#[derive(ToSchema)]
#[schema(as = StateLeg)]
pub(crate) struct StateLegSchema {
    /// The article id.
    article: String,
    /// The article's revision the moves were made on.
    revision: String,
    /// When this leg began (ms since the Unix epoch).
    started_at: i64,
    /// The moves, in order.
    events: Vec<StoredMoveSchema>,
}

/// One recorded move, with when it was made.
#[derive(ToSchema)]
#[schema(as = StoredMove)]
#[serde(tag = "move", rename_all = "snake_case")]
pub(crate) enum StoredMoveSchema {
    /// An answer (`null`: don't know).
    Answer {
        /// When (ms since the Unix epoch).
        at: i64,
        /// The question's id.
        question: String,
        /// The answer's value.
        answer: Option<String>,
    },
    /// Back over the last move.
    Back {
        /// When (ms since the Unix epoch).
        at: i64,
    },
    /// A fix's outcome.
    Fix {
        /// When (ms since the Unix epoch).
        at: i64,
        /// Its cause.
        cause: String,
        /// The fix's id.
        remedy: String,
        /// Whether it worked.
        fixed: bool,
    },
    /// Went on in an article the fix leads to.
    ContinueIn {
        /// When (ms since the Unix epoch).
        at: i64,
        /// That article.
        article: String,
        /// The fix's cause.
        cause: String,
        /// The fix's id.
        remedy: String,
    },
    /// Ended.
    End {
        /// When (ms since the Unix epoch).
        at: i64,
        /// How.
        outcome: OutcomeSchema,
    },
}

/// One move, as a `session.step` event reports it.
#[derive(ToSchema)]
#[schema(as = Move)]
#[serde(tag = "move", rename_all = "snake_case")]
pub(crate) enum MoveSchema {
    /// An answer (`null`: don't know).
    Answer {
        /// The question's id.
        question: String,
        /// The answer's value.
        answer: Option<String>,
    },
    /// Back over the last move.
    Back,
    /// A fix's outcome.
    Fix {
        /// Its cause.
        cause: String,
        /// The fix's id.
        remedy: String,
        /// Whether it worked.
        fixed: bool,
    },
    /// Went on in an article the fix leads to.
    ContinueIn {
        /// That article.
        article: String,
        /// The fix's cause.
        cause: String,
        /// The fix's id.
        remedy: String,
    },
    /// Ended.
    End {
        /// How.
        outcome: OutcomeSchema,
    },
}

/// One problem `check` finds in an edited article, placed for a form: line, column and the
/// JSON pointer of the field.
#[derive(ToSchema)]
#[schema(as = Diagnostic)]
pub(crate) struct DiagnosticSchema {
    /// `error` (refuses the save) or `warning`.
    severity: SeveritySchema,
    /// The diagnostic's code (`dangling-reference`, `syntax`, ...).
    code: String,
    /// What is wrong.
    message: String,
    /// 1-based line (0 when the problem has no position).
    line: u64,
    /// 1-based column (0 when the problem has no position).
    column: u64,
    /// The JSON pointer of the field (`/questions/1/answers/0/goto`; empty for the document).
    pointer: String,
}

/// How bad a problem `check` finds is.
#[derive(ToSchema)]
#[schema(as = Severity)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SeveritySchema {
    /// The article cannot be trusted: the save is refused.
    Error,
    /// Worth a look, but the article works.
    Warning,
}

/// One operation of a JSON Patch (RFC 6902) over an article's document, by `op`. A `path`
/// is a JSON pointer into the document (not the whole document: `""` is refused).
#[derive(ToSchema)]
#[schema(as = PatchOperation)]
#[serde(tag = "op", rename_all = "lowercase")]
pub(crate) enum PatchOperationSchema {
    /// Adds `value` at `path`.
    Add {
        /// Where.
        path: String,
        /// The value.
        value: JsonValueSchema,
    },
    /// Removes the value at `path`.
    Remove {
        /// Where.
        path: String,
    },
    /// Replaces the value at `path`.
    Replace {
        /// Where.
        path: String,
        /// The new value.
        value: JsonValueSchema,
    },
    /// Moves the value at `from` to `path`.
    Move {
        /// Where from.
        from: String,
        /// Where to.
        path: String,
    },
    /// Copies the value at `from` to `path`.
    Copy {
        /// Where from.
        from: String,
        /// Where to.
        path: String,
    },
    /// Checks that the value at `path` equals `value` (else the patch does not apply).
    Test {
        /// Where.
        path: String,
        /// The value expected.
        value: JsonValueSchema,
    },
}

/// A JSON value: a string, number, boolean, null, array or object of JSON values (an
/// article's YAML as JSON is one).
pub(crate) struct JsonValueSchema;

impl utoipa::PartialSchema for JsonValueSchema {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Type,
        };
        use utoipa::openapi::{Ref, RefOr};
        let itself = || RefOr::Ref(Ref::from_schema_name("JsonValue"));
        let of = |kind: Type| ObjectBuilder::new().schema_type(kind);
        OneOfBuilder::new()
            .description(Some(
                "A JSON value: a string, number, boolean, null, array or object of JSON values.",
            ))
            .item(of(Type::String))
            .item(of(Type::Number))
            .item(of(Type::Boolean))
            .item(of(Type::Null))
            .item(ArrayBuilder::new().items(itself()))
            .item(
                of(Type::Object).additional_properties(Some(AdditionalProperties::RefOr(itself()))),
            )
            .into()
    }
}

impl ToSchema for JsonValueSchema {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("JsonValue")
    }
}
