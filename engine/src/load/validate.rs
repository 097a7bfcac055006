//! Checks that need the whole article or the whole KB: ids, references and answer branches.
//!
//! Structural checks that need the graph (cycles, reachability) live in `graph`.

use std::collections::{HashMap, HashSet};

use super::{Kb, SourceFile, index_path, key_path};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Article, ESCALATE, NodeId, NodeKind, QuestionKind, Status};

/// Appends every id and reference problem in `kb` to `diagnostics`.
pub(super) fn validate(kb: &Kb, diagnostics: &mut Vec<Diagnostic>) {
    let known: HashSet<&str> = kb.ids().map(|id| id.as_str()).collect();
    validate_knowing(kb, &known, diagnostics);
}

/// As [`validate`], for some articles of a larger KB whose ids are `known`.
pub(super) fn validate_knowing(kb: &Kb, known: &HashSet<&str>, diagnostics: &mut Vec<Diagnostic>) {
    use rayon::prelude::*;
    // Each article is checked on its own, on every core; then ids across files, in order.
    let found: Vec<Vec<Diagnostic>> = kb
        .articles
        .par_iter()
        .map(|entry| {
            let article = &entry.article;
            let mut found = Vec::new();
            let mut kinds = HashMap::new();
            for (id, kind) in article.nodes() {
                kinds.entry(id).or_insert(kind);
            }
            Checker {
                article,
                kinds,
                file: &entry.file,
                diagnostics: &mut found,
            }
            .check(known);
            found
        })
        .collect();
    let mut first_file: HashMap<&str, &str> = HashMap::new();
    for (entry, mut found) in kb.articles.iter().zip(found) {
        let article = &entry.article;
        let file = &*entry.file;
        match first_file.get(article.id.as_str()) {
            Some(other) => diagnostics.push(error(
                file,
                Code::DuplicateId,
                "id",
                format!("article id `{}` is already used by {other}", article.id),
            )),
            None => {
                first_file.insert(article.id.as_str(), &file.name);
            }
        }
        diagnostics.append(&mut found);
    }
}

fn error(file: &SourceFile, code: Code, path: &str, message: String) -> Diagnostic {
    Diagnostic::error(code, &file.name, file.span_of(path), message)
}

/// True for ids made of lowercase letters, digits, `-`, `_` and `.`, starting with a letter or digit.
pub(crate) fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

struct Checker<'a> {
    article: &'a Article,
    /// Every node's kind by id (the first of duplicates), for lookups in large graphs.
    kinds: HashMap<&'a NodeId, NodeKind>,
    file: &'a SourceFile,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, code: Code, path: &str, message: String) {
        self.diagnostics.push(error(self.file, code, path, message));
    }

    fn check(mut self, known_articles: &HashSet<&str>) {
        let article = self.article;
        if !is_valid_id(article.id.as_str()) {
            self.error(
                Code::Schema,
                "id",
                format!(
                    "article id `{}` may hold only lowercase letters, digits, `-`, `_` and `.`",
                    article.id
                ),
            );
        }
        if article.title.trim().is_empty() {
            self.error(
                Code::Schema,
                "title",
                "the article has an empty title".to_owned(),
            );
        }
        self.check_node_ids();
        match &article.entry {
            None if !article.causes.is_empty() || !article.questions.is_empty() => self.error(
                Code::Schema,
                "",
                "the article has causes or questions but no `entry`: name the first question (or the cause)".to_owned(),
            ),
            None => {}
            Some(entry) => match self.kinds.get(entry).copied() {
                Some(NodeKind::Question | NodeKind::Cause) => {}
                Some(kind) => self.error(
                    Code::DanglingReference,
                    "entry",
                    format!("entry `{entry}` is a {kind}; it must be a question or a cause"),
                ),
                None => self.error(
                    Code::DanglingReference,
                    "entry",
                    format!("entry `{entry}` is not a node of this article"),
                ),
            },
        }
        self.check_questions();
        self.check_causes();
        self.check_numbers();
        self.check_references(known_articles);
    }

    fn check_node_ids(&mut self) {
        let article = self.article;
        let mut seen: HashMap<&NodeId, NodeKind> = HashMap::new();
        let sections = [
            (
                "symptoms",
                NodeKind::Symptom,
                article.symptoms.iter().map(|n| &n.id).collect::<Vec<_>>(),
            ),
            (
                "questions",
                NodeKind::Question,
                article.questions.iter().map(|n| &n.id).collect(),
            ),
            (
                "causes",
                NodeKind::Cause,
                article.causes.iter().map(|n| &n.id).collect(),
            ),
            (
                "solutions",
                NodeKind::Solution,
                article.solutions.iter().map(|n| &n.id).collect(),
            ),
            (
                "workarounds",
                NodeKind::Workaround,
                article.workarounds.iter().map(|n| &n.id).collect(),
            ),
        ];
        for (section, kind, ids) in sections {
            for (index, id) in ids.into_iter().enumerate() {
                let path = key_path(&index_path(section, index), "id");
                if !is_valid_id(id.as_str()) {
                    self.error(
                        Code::Schema,
                        &path,
                        format!("node id `{id}` may hold only lowercase letters, digits, `-`, `_` and `.`"),
                    );
                }
                if let Some(previous) = seen.insert(id, kind) {
                    self.error(
                        Code::DuplicateId,
                        &path,
                        format!("node id `{id}` is already used by a {previous} of this article"),
                    );
                }
            }
        }
    }

    fn check_questions(&mut self) {
        let article = self.article;
        let shortcuts: HashSet<&NodeId> = article
            .questions
            .iter()
            .filter(|q| q.shortcut)
            .map(|q| &q.id)
            .collect();
        for (index, question) in article.questions.iter().enumerate() {
            let base = index_path("questions", index);
            let shortcut = question.shortcut;
            if shortcut && article.entry.as_ref() == Some(&question.id) {
                self.error(
                    Code::Schema,
                    "entry",
                    format!(
                        "the entry `{}` is a shortcut; a shortcut is asked where the planner chooses it, so the walk must start elsewhere",
                        question.id
                    ),
                );
            }
            let mut values = HashSet::new();
            for (answer_index, answer) in question.answers.iter().enumerate() {
                let answer_path = index_path(&key_path(&base, "answers"), answer_index);
                if !values.insert(answer.value.as_str()) {
                    self.error(
                        Code::DuplicateId,
                        &key_path(&answer_path, "value"),
                        format!(
                            "question `{}` has the answer `{}` twice",
                            question.id, answer.value
                        ),
                    );
                }
                match &answer.goto {
                    None => self.error(
                        Code::MissingBranch,
                        &answer_path,
                        format!(
                            "answer `{}` of question `{}` has no `goto`: say which node it leads to",
                            answer.value, question.id
                        ),
                    ),
                    Some(target) if shortcut && !self.kinds.get(target).is_some_and(|k| matches!(k, NodeKind::Cause | NodeKind::Solution | NodeKind::Workaround)) => self.error(
                        Code::Schema,
                        &key_path(&answer_path, "goto"),
                        format!(
                            "answer `{}` of the shortcut `{}` leads to `{target}`; a shortcut's answers lead to causes, solutions or workarounds",
                            answer.value, question.id
                        ),
                    ),
                    Some(target)
                        if target.as_str() == ESCALATE && !self.kinds.contains_key(target) => {}
                    Some(target) => match self.kinds.get(target).copied() {
                        Some(NodeKind::Question) if shortcuts.contains(target) =>
                        {
                            self.error(
                                Code::Schema,
                                &key_path(&answer_path, "goto"),
                                format!(
                                    "answer `{}` of question `{}` leads to the shortcut `{target}`; a shortcut is asked where the planner chooses it, not reached by an answer",
                                    answer.value, question.id
                                ),
                            )
                        }
                        None => self.error(
                            Code::DanglingReference,
                            &key_path(&answer_path, "goto"),
                            format!(
                                "answer `{}` of question `{}` leads to `{target}`, which is not a node of this article",
                                answer.value, question.id
                            ),
                        ),
                        Some(NodeKind::Symptom) => self.error(
                            Code::DanglingReference,
                            &key_path(&answer_path, "goto"),
                            format!(
                                "answer `{}` of question `{}` leads to the symptom `{target}`; answers lead to questions, causes, solutions or workarounds",
                                answer.value, question.id
                            ),
                        ),
                        Some(_) => {}
                    },
                }
            }
            self.check_answer_set(&base, question.kind, &question.id, &values);
        }
    }

    fn check_answer_set(
        &mut self,
        base: &str,
        kind: QuestionKind,
        id: &NodeId,
        values: &HashSet<&str>,
    ) {
        let answers_path = key_path(base, "answers");
        match kind {
            QuestionKind::YesNo => {
                for needed in ["yes", "no"] {
                    if !values.contains(needed) {
                        self.error(
                            Code::MissingBranch,
                            &answers_path,
                            format!("yes/no question `{id}` has no `{needed}` answer"),
                        );
                    }
                }
                let mut extra: Vec<&str> = values
                    .iter()
                    .copied()
                    .filter(|v| !matches!(*v, "yes" | "no"))
                    .collect();
                extra.sort_unstable();
                if !extra.is_empty() {
                    self.error(
                        Code::Schema,
                        &answers_path,
                        format!(
                            "yes/no question `{id}` has other answers ({}); use `kind: choice` for those",
                            extra.join(", ")
                        ),
                    );
                }
            }
            QuestionKind::Choice if values.len() < 2 => self.error(
                Code::MissingBranch,
                &answers_path,
                format!("choice question `{id}` needs at least two answers"),
            ),
            QuestionKind::Choice => {}
        }
    }

    /// Priors, base rates and costs: the planner's numbers must mean something.
    fn check_numbers(&mut self) {
        let article = self.article;
        for (index, question) in article.questions.iter().enumerate() {
            let base = index_path("questions", index);
            if let Some(cost) = question.cost
                && !(cost.is_finite() && cost >= 0.0)
            {
                self.error(
                    Code::Schema,
                    &key_path(&base, "cost"),
                    format!(
                        "question `{}` has the cost {cost}; a cost is minutes, 0 or more",
                        question.id
                    ),
                );
            }
            if let Some(rate) = question.dont_know
                && !(rate.is_finite() && (0.0..1.0).contains(&rate))
            {
                self.error(
                    Code::Schema,
                    &key_path(&base, "dont_know"),
                    format!(
                        "question `{}` has the dont_know rate {rate}; it is a chance, 0 or more and below 1",
                        question.id
                    ),
                );
            }
            let mut sum = 0.0;
            for (answer_index, answer) in question.answers.iter().enumerate() {
                let Some(rate) = answer.base_rate else {
                    continue;
                };
                if !(rate.is_finite() && (0.0..=1.0).contains(&rate)) {
                    let path = key_path(
                        &index_path(&key_path(&base, "answers"), answer_index),
                        "base_rate",
                    );
                    self.error(
                        Code::Schema,
                        &path,
                        format!("answer `{}` of question `{}` has the base rate {rate}; a base rate is between 0 and 1", answer.value, question.id),
                    );
                } else {
                    sum += rate;
                }
            }
            if sum > 1.0 + 1e-9 {
                self.error(
                    Code::Schema,
                    &key_path(&base, "answers"),
                    format!(
                        "the base rates of question `{}`'s answers add up to {sum}, more than 1",
                        question.id
                    ),
                );
            }
        }
        for (index, cause) in article.causes.iter().enumerate() {
            if let Some(likelihood) = cause.likelihood
                && !(likelihood.is_finite() && likelihood > 0.0)
            {
                self.error(
                    Code::Schema,
                    &key_path(&index_path("causes", index), "likelihood"),
                    format!("cause `{}` has the likelihood {likelihood}; a likelihood is a weight above 0 (1 is the default)", cause.id),
                );
            }
        }
        let remedies = article
            .solutions
            .iter()
            .enumerate()
            .map(|(i, r)| (index_path("solutions", i), r))
            .chain(
                article
                    .workarounds
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (index_path("workarounds", i), r)),
            );
        for (base, remedy) in remedies.collect::<Vec<_>>() {
            if let Some(cost) = remedy.cost
                && !(cost.is_finite() && cost >= 0.0)
            {
                self.error(
                    Code::Schema,
                    &key_path(&base, "cost"),
                    format!(
                        "`{}` has the cost {cost}; a cost is minutes, 0 or more",
                        remedy.id
                    ),
                );
            }
            if let Some(success) = remedy.success
                && !(success.is_finite() && success > 0.0 && success <= 1.0)
            {
                self.error(
                    Code::Schema,
                    &key_path(&base, "success"),
                    format!(
                        "`{}` has the success {success}; a success is the chance it works, above 0 and at most 1",
                        remedy.id
                    ),
                );
            }
        }
        if let Some(cost) = article.escalation_cost
            && !(cost.is_finite() && cost >= 0.0)
        {
            self.error(
                Code::Schema,
                "escalation_cost",
                format!("the escalation cost is {cost}; a cost is minutes, 0 or more"),
            );
        }
    }

    fn check_causes(&mut self) {
        let article = self.article;
        for (index, cause) in article.causes.iter().enumerate() {
            let base = index_path("causes", index);
            if cause.solutions.is_empty() && cause.workarounds.is_empty() {
                let message = format!(
                    "cause `{}` has no solution or workaround; add one (a `by_design: true` solution when there is no fix)",
                    cause.id
                );
                let span = self.file.span_of(&key_path(&base, "id"));
                // A draft says what its source says; a writer adds the fix when reviewing it.
                self.diagnostics.push(match article.status {
                    Status::Draft => {
                        Diagnostic::warning(Code::NoRemedy, &self.file.name, span, message)
                    }
                    Status::Reviewed => {
                        Diagnostic::error(Code::NoRemedy, &self.file.name, span, message)
                    }
                });
            }
            let lists = [
                ("solutions", NodeKind::Solution, &cause.solutions),
                ("workarounds", NodeKind::Workaround, &cause.workarounds),
            ];
            for (field, wanted, ids) in lists {
                for (item, id) in ids.iter().enumerate() {
                    let path = index_path(&key_path(&base, field), item);
                    match self.kinds.get(id).copied() {
                        Some(kind) if kind == wanted => {}
                        Some(kind) => self.error(
                            Code::DanglingReference,
                            &path,
                            format!("cause `{}` lists `{id}` under {field}, but it is a {kind}", cause.id),
                        ),
                        None => self.error(
                            Code::DanglingReference,
                            &path,
                            format!("cause `{}` lists the {wanted} `{id}`, which is not a node of this article", cause.id),
                        ),
                    }
                }
            }
            if let Some(then) = &cause.then
                && self.kinds.get(then).copied() != Some(NodeKind::Question)
            {
                self.error(
                    Code::DanglingReference,
                    &key_path(&base, "then"),
                    format!(
                        "cause `{}` asks `{then}` next, which is not a question of this article",
                        cause.id
                    ),
                );
            }
        }
    }

    fn check_references(&mut self, known_articles: &HashSet<&str>) {
        let article = self.article;
        let mut seen = HashSet::new();
        for (index, reference) in article.references.iter().enumerate() {
            let base = index_path("references", index);
            if !seen.insert(reference.id.as_str()) {
                self.error(
                    Code::DuplicateId,
                    &key_path(&base, "id"),
                    format!("reference `{}` is defined twice", reference.id),
                );
            }
            if reference.url.is_none() && reference.article.is_none() {
                self.error(
                    Code::Schema,
                    &base,
                    format!("reference `{}` needs a `url` or an `article`", reference.id),
                );
            }
            if let Some(target) = &reference.article
                && !known_articles.contains(target.as_str())
            {
                let span = self.file.span_of(&key_path(&base, "article"));
                let message = format!(
                    "reference `{}` points to the article `{target}`, which this KB does not have",
                    reference.id
                );
                // A reviewed article promises working links; a draft says what its source says.
                self.diagnostics.push(match article.status {
                    Status::Reviewed => {
                        Diagnostic::error(Code::DanglingReference, &self.file.name, span, message)
                    }
                    Status::Draft => {
                        Diagnostic::warning(Code::DanglingReference, &self.file.name, span, message)
                    }
                });
            }
        }
    }
}
