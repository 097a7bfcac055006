//! The learned figures' data: the `learned.yaml` file a KB keeps beside its articles
//! ([`Learned`]: per article, what recorded sessions showed), and what learning changed on
//! an article ([`Applied`], kept on `model::Article` for the views).
//!
//! Plain data with its file format, below `load` (which reads the file) beside `model`:
//! it knows nothing of sessions or the solver. Counting sessions into these figures and
//! merging them over the authored ones is `learn`'s, which sits above `session` and
//! `solve`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{ArticleId, NodeId};

/// The file's name in a KB directory.
pub const FILE_NAME: &str = "learned.yaml";
/// The learned file's format.
/// (2: fractional cause counts from fixed and escalated sessions, and each fix's tries
/// when right; format 1 files, counts of resolved sessions without those, still read.)
pub const FORMAT: u32 = 2;
/// How many sessions the authored figures count as, unless the file says otherwise.
pub const DEFAULT_STRENGTH: f64 = 20.0;
/// Timings needed before a question's or fix's minutes are learned.
pub const MIN_TIMINGS: u32 = 3;

/// The learned figures of a KB: what `fixpath learn` writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Learned {
    /// [`FORMAT`].
    pub format: u32,
    /// How many sessions the authored figures count as.
    #[serde(default = "default_strength")]
    pub strength: f64,
    /// Per article.
    #[serde(default)]
    pub articles: BTreeMap<ArticleId, LearnedArticle>,
}

fn default_strength() -> f64 {
    DEFAULT_STRENGTH
}

/// What the sessions of one article taught.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearnedArticle {
    /// Sessions (parts of sessions in this article) learned from.
    pub sessions: u32,
    /// Of those, how many ended with a fix that worked.
    pub resolved: u32,
    /// How many escalated.
    #[serde(default)]
    pub escalated: u32,
    /// How many were abandoned or left incomplete.
    #[serde(default)]
    pub abandoned: u32,
    /// Records made against another version of the article than the newest one seen.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub older_versions: u32,
    /// Ids recorded that the article no longer has (their records counted for the rest).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gone: Vec<String>,
    /// How many of the sessions that ended fixed or escalated each cause was behind, as
    /// far as they tell (a session the answers do not pin to one cause counts in part for
    /// each, by how likely it is; rounded to a tenth).
    #[serde(default)]
    pub causes: BTreeMap<NodeId, f64>,
    /// Each fix: how often tried, how often it worked, its minutes.
    #[serde(default)]
    pub fixes: BTreeMap<NodeId, FixStats>,
    /// Each question: how often each answer was given, "don't know", its minutes.
    #[serde(default)]
    pub questions: BTreeMap<NodeId, QuestionStats>,
    /// Problems typed as free text that sessions resolved in this article, with how often:
    /// search finds the article by them (the index's `learned` field).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub queries: BTreeMap<String, u32>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn is_zero_f64(n: &f64) -> bool {
    *n == 0.0
}

/// A fix's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixStats {
    /// Times tried.
    pub tried: u32,
    /// Times it worked.
    pub worked: u32,
    /// Tries in which it was the right fix, as far as the sessions tell: those that
    /// worked, plus each failed try weighed by the chance it was right all the same (from
    /// the session's answers). `worked / right` is its success rate when right.
    #[serde(default, skip_serializing_if = "is_zero_f64")]
    pub right: f64,
    /// The median minutes it took, once timed [`MIN_TIMINGS`] times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<f64>,
}

/// A question's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionStats {
    /// How often each answer was given.
    #[serde(default)]
    pub answers: BTreeMap<String, u32>,
    /// How often it was answered "don't know".
    #[serde(default)]
    pub unknown: u32,
    /// The median minutes it took, once timed [`MIN_TIMINGS`] times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<f64>,
}

/// What learning changed in an article, kept on it for the views: authored and learned
/// figures side by side.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Applied {
    /// Sessions learned from, and how many were resolved.
    pub sessions: u32,
    /// Resolved sessions.
    pub resolved: u32,
    /// Sessions that ended fixed or escalated (what the causes are learned from).
    pub ended: u32,
    /// Per cause: the authored prior (normalised), the learned one, and how many resolved
    /// sessions ended on it.
    pub causes: BTreeMap<NodeId, PriorChange>,
    /// Per question: authored and learned minutes.
    pub question_minutes: BTreeMap<NodeId, (f64, f64)>,
    /// Per question: how often it is answered "don't know", authored and learned.
    pub question_dont_know: BTreeMap<NodeId, (f64, f64)>,
    /// Per fix: authored and learned minutes, and its success rate seen.
    pub fixes: BTreeMap<NodeId, FixChange>,
    /// Problems typed as free text that sessions resolved here (for search).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub queries: Vec<String>,
}

/// A cause's prior, authored and learned.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PriorChange {
    /// The author's, normalised over the article's causes.
    pub authored: f64,
    /// After learning.
    pub learned: f64,
    /// Sessions (fixed or escalated) this cause was behind, as far as they tell.
    pub seen: f64,
}

/// A fix's figures, authored and learned.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FixChange {
    /// Minutes as authored.
    pub authored_minutes: f64,
    /// Minutes learned (the authored ones when too few were timed).
    pub learned_minutes: f64,
    /// Times tried and times it worked.
    pub tried: u32,
    /// Times it worked.
    pub worked: u32,
    /// Tries in which it was the right fix (see [`FixStats::right`]).
    pub right: f64,
    /// The chance it works when right, as authored (1 unless the article says).
    pub authored_success: f64,
    /// That chance after learning.
    pub learned_success: f64,
}

/// A learned count as people write it: `41`, or `40.5` when sessions counted in part.
pub fn count(value: f64) -> String {
    let tenth = round_tenth(value);
    if tenth.fract() == 0.0 {
        format!("{tenth:.0}")
    } else {
        format!("{tenth:.1}")
    }
}

pub(crate) fn round_tenth(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

impl Default for Learned {
    fn default() -> Self {
        Learned {
            format: FORMAT,
            strength: DEFAULT_STRENGTH,
            articles: BTreeMap::new(),
        }
    }
}

impl Learned {
    /// Reads a learned file; `file` names it in the problems.
    pub fn parse(text: &str, file: &str) -> Result<Learned, Diagnostic> {
        // The format first: a newer file is named as such, not as fields this fixpath
        // does not know.
        #[derive(Deserialize)]
        struct Header {
            format: u32,
        }
        if let Ok(Header { format }) = serde_yaml::from_str::<Header>(text)
            && !(1..=FORMAT).contains(&format)
        {
            return Err(Diagnostic::error(
                Code::Learned,
                file,
                None,
                format!(
                    "learned figures in format {format}, this fixpath reads formats 1 to {FORMAT}"
                ),
            ));
        }
        let learned: Learned = serde_yaml::from_str(text).map_err(|e| {
            let span = e.location().map(|l| crate::diagnostic::Span {
                offset: l.index(),
                len: 1,
                line: l.line(),
                column: l.column(),
            });
            Diagnostic::error(Code::Learned, file, span, format!("learned figures: {e}"))
        })?;
        Ok(learned)
    }

    /// The file's text: YAML with a header that says what it is.
    pub fn to_yaml(&self) -> String {
        let body = serde_yaml::to_string(self).unwrap_or_default();
        format!(
            "# Learned by `fixpath learn` from recorded sessions: review it like the articles.\n\
             # `fixpath solve --no-learned` ignores it; deleting it forgets what was learned.\n{body}"
        )
    }
}

#[cfg(test)]
mod tests {
    /// The modules below `learn` (which depends on `session` and `solve`) read learned
    /// figures from here, never from `learn`: no circle through the solver.
    #[test]
    fn modules_below_learn_never_import_it() {
        let below = [
            ("model.rs", include_str!("model.rs")),
            ("learned.rs", include_str!("learned.rs")),
            ("load/mod.rs", include_str!("load/mod.rs")),
            ("load/cache.rs", include_str!("load/cache.rs")),
            ("load/validate.rs", include_str!("load/validate.rs")),
            ("catalog/mod.rs", include_str!("catalog/mod.rs")),
            ("search/store.rs", include_str!("search/store.rs")),
            ("search/mod.rs", include_str!("search/mod.rs")),
        ];
        let needle = ["crate::", "learn::"].concat();
        for (file, text) in below {
            assert!(!text.contains(&needle), "{file} imports `learn`");
        }
    }
}
