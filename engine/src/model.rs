//! The knowledge-base format: plain serde data for one troubleshooting article.
//!
//! An [`Article`] is a decision graph written as YAML: symptoms lead to an entry question,
//! answers lead to further questions, causes or fixes, and causes list their solutions and
//! workarounds. This module does no I/O and knows nothing of petgraph or tantivy; `load`
//! fills it and `graph` turns it into edges.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The stable id of an article, unique across a KB (for example `sspr-0029`).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct ArticleId(pub String);

/// The id of a node (symptom, question, cause, solution or workaround), unique within its article.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct NodeId(pub String);

impl fmt::Display for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl ArticleId {
    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl NodeId {
    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether an article was reviewed by a writer or is a machine-made draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Written or checked by a person.
    Reviewed,
    /// Imported or otherwise not yet reviewed.
    #[default]
    Draft,
}

/// One troubleshooting article: its metadata and its decision graph.
///
/// Markdown fields (`summary`, `text`, `steps`, `after`, `help`) hold CommonMark with
/// Microsoft-style alerts (`> [!NOTE]`); reference-style links resolve against `references`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Article {
    /// Stable id, unique across the KB; never reused.
    pub id: ArticleId,
    /// The article's title as a customer sees it.
    pub title: String,
    /// One or two paragraphs (Markdown) that say what the article is about.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// `reviewed` for hand-checked graphs, `draft` for imported ones.
    #[serde(default)]
    pub status: Status,
    /// The product, for example `Microsoft Entra ID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// The area within the product, for example `Password writeback`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// Error codes, event ids and error names a user may paste (`SSPR_0029`, `Event ID 6329`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub error_codes: Vec<String>,
    /// Extra search words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// Where the article came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// What the user sees; every symptom leads to `entry`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub symptoms: Vec<Symptom>,
    /// The first question (or, for a single-cause article, the cause) after the symptoms;
    /// absent only for articles that describe no problem (notices, summaries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<NodeId>,
    /// Questions a helpdesk agent asks, in the order they are written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<Question>,
    /// Causes, in the order of the source article.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<Cause>,
    /// Solutions, in the order of the source article.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub solutions: Vec<Remedy>,
    /// Workarounds, in the order of the source article.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workarounds: Vec<Remedy>,
    /// Article-level notes (Markdown): "More information", status notes, includes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Links used by reference (`[text][id]`) in the Markdown fields, and cross-article links.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    /// Minutes an escalation costs the helpdesk (handing the case to the next tier). With
    /// it the planner offers escalating once what is left to try is not worth its minutes;
    /// without it (the default) every fix of a possible cause is offered first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation_cost: Option<f64>,
    /// What learning changed in this article's figures (set by `learn::Learned::apply`,
    /// never read from or written to its file).
    #[serde(skip)]
    #[schemars(skip)]
    pub learned: Option<Box<crate::learned::Applied>>,
}

/// Where an article came from, kept for attribution and re-import.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The public URL of the original article.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The path of the Markdown file it was written or imported from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The date of the source (`ms.date`), as written there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The licence of the source text, for example `CC BY 4.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
}

/// What a user sees: a description, the steps that reproduce it and the exact message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Symptom {
    /// Node id, unique within the article.
    pub id: NodeId,
    /// A short name for the symptom, if the source gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Markdown before the steps.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// Ordered steps; each is Markdown and may hold code blocks and notes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<String>,
    /// Markdown after the steps (notes, follow-up checks).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub after: String,
    /// The exact error message, as the user sees it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A question a helpdesk agent asks, with the answers it accepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Node id, unique within the article; facts name questions by it.
    pub id: NodeId,
    /// The question as the agent asks it.
    pub text: String,
    /// How to find the answer (Markdown: where to look, which command to run).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help: String,
    /// `yes_no` questions must answer both `yes` and `no`; `choice` questions need two or more answers.
    #[serde(default)]
    pub kind: QuestionKind,
    /// Minutes it takes to find the answer (default 1); the planner weighs it against fixes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    /// How often the agent cannot find the answer ("I don't know"), from 0 (the default)
    /// to below 1: the planner counts a question's minutes as partly spent for nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dont_know: Option<f64>,
    /// The answers, each with the node it leads to.
    pub answers: Vec<Answer>,
    /// True while the question (its text, help, answers and cost) is as `import` drafted it
    /// and no writer has accepted it: `check` lists such questions, and a re-import may
    /// refresh them. A writer who accepts the question removes the mark.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub generated: bool,
    /// A shortcut for an agent who already knows: no answer or entry leads to it and it is
    /// no step of the walk; each of its answers leads to a cause (or one of its fixes), the
    /// planner asks it only where that pays (its `dont_know` says how often agents do not
    /// know), and the answer given keeps just the causes it names, wherever the session
    /// stands. Import drafts the which-cause menu of a multi-cause article as one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shortcut: bool,
}

/// The shape of a question's answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// Exactly the answers `yes` and `no`.
    #[default]
    YesNo,
    /// Two or more named answers.
    Choice,
}

/// One answer to a question and the edge it follows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The answer's value, used in facts (`--fact question=value`).
    pub value: String,
    /// The answer as shown to the agent; defaults to the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The node this answer leads to: a question, a cause, a solution or a workaround; or
    /// `escalate` (when no node has that id): none of the article's causes fits, so the
    /// session escalates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goto: Option<NodeId>,
    /// How often this answer is given when the question does not bear on the true cause,
    /// from 0 to 1. Answers without one share what the others leave equally (by default
    /// 1 / number of answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_rate: Option<f64>,
}

impl Answer {
    /// The label shown to the agent.
    pub fn label(&self) -> &str {
        match &self.label {
            Some(label) => label,
            None => match self.value.as_str() {
                "yes" => "Yes",
                "no" => "No",
                other => other,
            },
        }
    }
}

/// A cause of the problem, linked to the solutions and workarounds that apply to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cause {
    /// Node id, unique within the article.
    pub id: NodeId,
    /// The cause as the source article states it.
    pub title: String,
    /// Markdown before the steps.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// Ordered steps; each is Markdown and may hold code blocks and notes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<String>,
    /// Markdown after the steps (notes, follow-up checks).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub after: String,
    /// Ids of the solutions for this cause, best first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub solutions: Vec<NodeId>,
    /// Ids of the workarounds for this cause, best first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workarounds: Vec<NodeId>,
    /// A question asked once this cause is found, to choose between its solutions and workarounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then: Option<NodeId>,
    /// How common this cause is, relative to the article's other causes (default 1: all equal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likelihood: Option<f64>,
}

/// A solution or a workaround: ordered Markdown steps that fix or avoid the problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Remedy {
    /// Node id, unique within the article.
    pub id: NodeId,
    /// The heading, for example `Add the AD DS Connector account to the list of allowed users`.
    pub title: String,
    /// True when the source says there is no fix because the behaviour is by design.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub by_design: bool,
    /// Minutes it takes to apply (default 5, plus 2 a step).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    /// The chance it fixes the problem when its cause is the one (default 1). Below 1, a
    /// try that did not work leaves its cause possible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<f64>,
    /// Markdown before the steps.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// Ordered steps; each is Markdown and may hold code blocks and notes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<String>,
    /// Markdown after the steps (notes, follow-up checks).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub after: String,
    /// True while `cost` is the figure `import` estimated and no writer has accepted it:
    /// `check` lists such fixes, and a re-import may refresh them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub generated: bool,
}

/// A link target used by reference in Markdown, or a link to another article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// The label used in Markdown (`[text][label]`).
    pub id: String,
    /// The link target as written in the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The id of the KB article this link points to, when the KB has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<ArticleId>,
    /// A title for the link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// The kind of a node in the decision graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// What the user sees.
    Symptom,
    /// A question the agent asks.
    Question,
    /// A cause of the problem.
    Cause,
    /// A fix for a cause.
    Solution,
    /// A way around a cause when it cannot be fixed.
    Workaround,
}

impl NodeKind {
    /// The kind as a lowercase word.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Symptom => "symptom",
            NodeKind::Question => "question",
            NodeKind::Cause => "cause",
            NodeKind::Solution => "solution",
            NodeKind::Workaround => "workaround",
        }
    }
}

impl fmt::Display for NodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The JSON Schema of the article format, for editors' YAML extensions.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Article);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema always serializes");
    text.push('\n');
    text
}

impl Article {
    /// Minutes an escalation costs, when the article says (finite, 0 or more).
    pub fn escalation_cost(&self) -> Option<f64> {
        self.escalation_cost.filter(|c| c.is_finite() && *c >= 0.0)
    }

    /// Every node id of the article with its kind, in document order.
    pub fn nodes(&self) -> impl Iterator<Item = (&NodeId, NodeKind)> {
        let symptoms = self.symptoms.iter().map(|n| (&n.id, NodeKind::Symptom));
        let questions = self.questions.iter().map(|n| (&n.id, NodeKind::Question));
        let causes = self.causes.iter().map(|n| (&n.id, NodeKind::Cause));
        let solutions = self.solutions.iter().map(|n| (&n.id, NodeKind::Solution));
        let workarounds = self
            .workarounds
            .iter()
            .map(|n| (&n.id, NodeKind::Workaround));
        symptoms
            .chain(questions)
            .chain(causes)
            .chain(solutions)
            .chain(workarounds)
    }

    /// Every piece of text the article holds (Markdown as written), in document order:
    /// metadata, symptoms, questions, causes, solutions, workarounds and notes.
    pub fn texts(&self) -> Vec<&str> {
        let mut texts: Vec<&str> = vec![&self.title, &self.summary];
        for symptom in &self.symptoms {
            texts.extend(symptom.title.as_deref());
            extend_body(&mut texts, symptom.body());
            texts.extend(symptom.message.as_deref());
        }
        for question in &self.questions {
            texts.push(&question.text);
            texts.push(&question.help);
            texts.extend(question.answers.iter().map(Answer::label));
        }
        for cause in &self.causes {
            texts.push(&cause.title);
            extend_body(&mut texts, cause.body());
        }
        for remedy in self.solutions.iter().chain(&self.workarounds) {
            texts.push(&remedy.title);
            extend_body(&mut texts, remedy.body());
        }
        texts.extend(self.notes.iter().map(String::as_str));
        texts.retain(|text| !text.is_empty());
        texts
    }

    /// The article's references as Markdown link definitions (`[id]: url`), to append to a
    /// fragment so its reference-style links resolve. Empty when there are none.
    pub fn link_definitions(&self) -> String {
        let mut out = String::new();
        for reference in &self.references {
            let target = match (&reference.url, &reference.article) {
                (Some(url), _) => url.clone(),
                (None, Some(article)) => format!("{article}.md"),
                (None, None) => continue,
            };
            out.push_str(&format!("\n[{}]: <{}>", reference.id, target));
        }
        out
    }

    /// True when an answer's `goto` escalates: it is [`ESCALATE`] and no node has that id.
    pub fn escalates(&self, goto: &NodeId) -> bool {
        goto.as_str() == ESCALATE && self.kind_of(goto).is_none()
    }

    /// The kind of the node with this id, if the article has one.
    pub fn kind_of(&self, id: &NodeId) -> Option<NodeKind> {
        self.nodes()
            .find(|(node, _)| *node == id)
            .map(|(_, kind)| kind)
    }

    /// The question with this id.
    pub fn question(&self, id: &NodeId) -> Option<&Question> {
        self.questions.iter().find(|q| &q.id == id)
    }

    /// The cause with this id.
    pub fn cause(&self, id: &NodeId) -> Option<&Cause> {
        self.causes.iter().find(|c| &c.id == id)
    }

    /// The solution or workaround with this id.
    pub fn remedy(&self, id: &NodeId) -> Option<&Remedy> {
        self.solutions
            .iter()
            .chain(&self.workarounds)
            .find(|r| &r.id == id)
    }

    /// The causes that list this solution or workaround, in document order.
    pub fn owners_of(&self, remedy: &NodeId) -> impl Iterator<Item = &Cause> {
        self.causes
            .iter()
            .filter(move |c| c.solutions.contains(remedy) || c.workarounds.contains(remedy))
    }
}

/// The default minutes a question takes to answer.
pub const DEFAULT_QUESTION_COST: f64 = 1.0;

/// The `goto` of an answer that means none of the article's causes fits (unless a node has
/// this id): the answer rules out every cause and the session escalates.
pub const ESCALATE: &str = "escalate";

impl Question {
    /// Minutes it takes to answer: the authored `cost`, else [`DEFAULT_QUESTION_COST`].
    pub fn cost(&self) -> f64 {
        self.cost
            .filter(|c| c.is_finite() && *c >= 0.0)
            .unwrap_or(DEFAULT_QUESTION_COST)
    }

    /// How often it is answered "don't know": the authored `dont_know`, else 0.
    pub fn dont_know(&self) -> f64 {
        self.dont_know
            .filter(|u| u.is_finite() && *u >= 0.0 && *u < 1.0)
            .unwrap_or(0.0)
    }

    /// Each answer's base rate, in answer order: the authored ones, and the rest sharing
    /// what they leave equally. Always sums to 1 for a question with answers.
    pub fn base_rates(&self) -> Vec<f64> {
        let given: f64 = self
            .answers
            .iter()
            .filter_map(|a| a.base_rate)
            .filter(|r| r.is_finite() && *r >= 0.0)
            .sum();
        let unset = self
            .answers
            .iter()
            .filter(|a| a.base_rate.is_none())
            .count();
        let share = if unset == 0 {
            0.0
        } else {
            (1.0 - given).max(0.0) / unset as f64
        };
        let rates: Vec<f64> = self
            .answers
            .iter()
            .map(|a| match a.base_rate {
                Some(r) if r.is_finite() && r >= 0.0 => r,
                Some(_) => 0.0,
                None => share,
            })
            .collect();
        let total: f64 = rates.iter().sum();
        if total > 0.0 {
            rates.iter().map(|r| r / total).collect()
        } else {
            vec![1.0 / self.answers.len().max(1) as f64; self.answers.len()]
        }
    }
}

impl Cause {
    /// The prior weight: the authored `likelihood`, else 1.
    pub fn likelihood(&self) -> f64 {
        self.likelihood
            .filter(|l| l.is_finite() && *l > 0.0)
            .unwrap_or(1.0)
    }
}

impl Remedy {
    /// Minutes it takes to apply: the authored `cost`, else 5 plus 2 for each step.
    pub fn cost(&self) -> f64 {
        self.cost
            .filter(|c| c.is_finite() && *c >= 0.0)
            .unwrap_or(5.0 + 2.0 * self.steps.len() as f64)
    }

    /// The chance it works when its cause is the one: the authored `success`, else 1.
    pub fn success(&self) -> f64 {
        self.success
            .filter(|s| s.is_finite() && *s > 0.0 && *s <= 1.0)
            .unwrap_or(1.0)
    }
}

/// The Markdown of a symptom, cause or remedy, borrowed: text, steps, and text after.
#[derive(Debug, Clone, Copy)]
pub struct Body<'a> {
    /// Markdown before the steps.
    pub text: &'a str,
    /// Ordered steps.
    pub steps: &'a [String],
    /// Markdown after the steps.
    pub after: &'a str,
}

fn extend_body<'a>(texts: &mut Vec<&'a str>, body: Body<'a>) {
    texts.push(body.text);
    texts.extend(body.steps.iter().map(String::as_str));
    texts.push(body.after);
}

macro_rules! impl_body {
    ($($node:ty),*) => {$(
        impl $node {
            /// The node's Markdown content.
            pub fn body(&self) -> Body<'_> {
                Body { text: &self.text, steps: &self.steps, after: &self.after }
            }
        }
    )*};
}
impl_body!(Symptom, Cause, Remedy);
