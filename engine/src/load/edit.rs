//! Editing an article's YAML in place: a change to its JSON model becomes a change to the
//! lines that hold the changed fields, and to nothing else.
//!
//! The JSON model is the document as written (`document`), not the model re-serialised, so
//! a JSON Patch (RFC 6902, the `json-patch` crate) names the fields a writer sees. `apply`
//! compares the document before and after the patch and turns each difference into a splice
//! of the original text at the place a marked re-parse (yaml-rust2's events) finds it: a
//! scalar keeps its quoting style, a new key goes where the model's field order puts it, a
//! new list item takes its neighbours' indentation, a moved item carries its comments with it.
//! Comments, blank lines, key order and the schema line outside the changed fields stay as
//! they were. The result is parsed again and must equal the patched document, or the edit is
//! refused: a splice never changes more than it says. Checking the edited article (`check`)
//! and writing it (`write_atomically`) are the caller's next steps; the server does both.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Map, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::diagnostic::{Severity, Span};

use super::spans::{index_path, key_path};

/// Why an edit could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// The file is not YAML the editor can read (the loader's diagnostics say why).
    #[error("the article's YAML cannot be read: {message}")]
    Unreadable {
        /// What the YAML parser said.
        message: String,
    },
    /// The JSON Patch does not apply to the document (a path that is not there, a failed `test`).
    #[error("the patch does not apply at `{pointer}`: {message}")]
    Patch {
        /// The JSON pointer of the operation that failed.
        pointer: String,
        /// Why.
        message: String,
    },
    /// The patch replaces the whole document, which `PUT` does instead.
    #[error("the patch replaces the whole document; send the new YAML instead")]
    WholeDocument,
    /// The text edit did not give the patched document (a bug in the editor, never written).
    #[error("the edit at `{pointer}` could not be made without changing other fields")]
    Unfaithful {
        /// Where the document and the edited text differ first.
        pointer: String,
    },
}

/// A document written as new YAML text in the KB's layout (block style, sequences indented
/// under their keys), for articles that have no text yet.
pub fn to_text(document: &Value) -> String {
    let layout = Layout {
        nodes: HashMap::new(),
        indentless: false,
    };
    let editor = Editor {
        text: "",
        layout: &layout,
        splices: Vec::new(),
    };
    match document {
        Value::Object(map) => format!("{}\n", editor.block_map(map, 0)),
        other => format!("{}\n", flow(other)),
    }
}

/// The JSON model of an article's YAML text: the document as written, fields in file order.
pub fn document(text: &str) -> Result<Value, EditError> {
    serde_yaml::from_str::<Value>(text.strip_prefix('\u{feff}').unwrap_or(text)).map_err(|error| {
        EditError::Unreadable {
            message: error.to_string(),
        }
    })
}

/// Applies a JSON Patch to the article's document and returns the edited text.
pub fn apply(text: &str, patch: &json_patch::Patch) -> Result<String, EditError> {
    let old = document(text)?;
    let mut new = old.clone();
    if patch.0.iter().any(|op| operation_path(op).is_empty()) {
        return Err(EditError::WholeDocument);
    }
    json_patch::patch(&mut new, patch).map_err(|error| EditError::Patch {
        pointer: error.path.to_string(),
        message: error.kind.to_string(),
    })?;
    edit_to(text, &new)
}

/// Rewrites `text` so that its document becomes `new`, touching only the fields that differ.
pub fn edit_to(text: &str, new: &Value) -> Result<String, EditError> {
    let old = document(text)?;
    if &old == new {
        return Ok(text.to_owned());
    }
    let layout = Layout::build(text)?;
    let mut editor = Editor {
        text,
        layout: &layout,
        splices: Vec::new(),
    };
    editor.edit("", &old, new)?;
    let edited = splice(text, 0, text.len(), editor.splices);
    let check = document(&edited).map_err(|_| EditError::Unfaithful {
        pointer: String::new(),
    })?;
    if &check != new {
        return Err(EditError::Unfaithful {
            pointer: first_difference("", &check, new),
        });
    }
    Ok(edited)
}

/// The JSON pointer of the field a diagnostic points at (`/questions/2/answers/1/goto`),
/// found from its position in the file's text.
pub fn pointer_of(file: &super::SourceFile, span: Span) -> Option<String> {
    file.spans().path_at(span.offset).map(path_to_pointer)
}

/// Turns a YAML path (`questions[2].answers[1].goto`) into a JSON pointer.
pub fn path_to_pointer(path: &str) -> String {
    let mut pointer = String::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut pieces = part.split('[');
        if let Some(key) = pieces.next().filter(|k| !k.is_empty()) {
            pointer.push('/');
            pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
        }
        for index in pieces {
            pointer.push('/');
            pointer.push_str(index.trim_end_matches(']'));
        }
    }
    pointer
}

/// One problem `check` finds in an edited article, placed for a form: line, column and the
/// JSON pointer of the field.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    /// Error (refuses the save) or warning.
    pub severity: Severity,
    /// The diagnostic's code (`dangling-reference`, `syntax`, ...).
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// 1-based line (0 when the problem has no position).
    pub line: usize,
    /// 1-based column (0 when the problem has no position).
    pub column: usize,
    /// The JSON pointer of the field (`/questions/1/answers/0/goto`; empty for the document).
    pub pointer: String,
}

/// Checks one article's text as `check` would within its KB (`exists` answers whether the
/// KB has an article with a given id): the article when it loaded, and every problem.
pub fn check_source(
    name: &str,
    text: &str,
    exists: impl Fn(&str) -> bool,
) -> (Option<crate::model::Article>, Vec<Problem>) {
    let loaded = super::load_one(name.to_owned(), text.as_bytes().to_vec(), exists);
    let diagnostics = crate::check(&loaded);
    let file = loaded.files.first();
    let problems = diagnostics
        .iter()
        .map(|d| Problem {
            severity: d.severity,
            code: d.code.as_str(),
            message: d.message.clone(),
            line: d.span.map_or(0, |s| s.line),
            column: d.span.map_or(0, |s| s.column),
            pointer: match (file, d.span) {
                (Some(file), Some(span)) => pointer_of(file, span).unwrap_or_default(),
                _ => String::new(),
            },
        })
        .collect();
    let article = loaded.kb.articles.into_iter().next().map(|a| a.article);
    (article, problems)
}

/// Checks an article given as its JSON document (what an editor holds before saving), as
/// [`check_source`] checks text; pointers name the document's fields.
pub fn check_document(
    name: &str,
    document: &Value,
    exists: impl Fn(&str) -> bool,
) -> (Option<crate::model::Article>, Vec<Problem>) {
    match serde_yaml::to_string(document) {
        Ok(text) => check_source(name, &text, exists),
        Err(error) => (
            None,
            vec![Problem {
                severity: Severity::Error,
                code: "schema",
                message: error.to_string(),
                line: 0,
                column: 0,
                pointer: String::new(),
            }],
        ),
    }
}

/// Whether any diagnostic is an error (what refuses a save).
pub fn has_errors(problems: &[Problem]) -> bool {
    problems.iter().any(|d| d.severity == Severity::Error)
}

/// Writes `text` to `path` so that a reader sees the old file or the new one, never half of
/// either: a temporary file in the same directory, flushed, then renamed over the old.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let directory = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(directory)?;
    file.write_all(text.as_bytes())?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}

fn operation_path(op: &json_patch::PatchOperation) -> String {
    use json_patch::PatchOperation as Op;
    match op {
        Op::Add(o) => o.path.to_string(),
        Op::Remove(o) => o.path.to_string(),
        Op::Replace(o) => o.path.to_string(),
        Op::Move(o) => o.path.to_string(),
        Op::Copy(o) => o.path.to_string(),
        Op::Test(o) => o.path.to_string(),
    }
}

fn first_difference(path: &str, a: &Value, b: &Value) -> String {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (key, value) in x {
                match y.get(key) {
                    Some(other) if other == value => {}
                    Some(other) => return first_difference(&key_path(path, key), value, other),
                    None => return path_to_pointer(&key_path(path, key)),
                }
            }
            y.keys().find(|k| !x.contains_key(*k)).map_or_else(
                || path_to_pointer(path),
                |k| path_to_pointer(&key_path(path, k)),
            )
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find(|(_, (p, q))| p != q)
            .map_or_else(
                || path_to_pointer(path),
                |(i, (p, q))| first_difference(&index_path(path, i), p, q),
            ),
        _ => path_to_pointer(path),
    }
}

/// The order of each object's fields in the model, where a new field is inserted.
fn field_order(path: &str) -> &'static [&'static str] {
    let mut shape = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                shape.push_str("[]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            _ => shape.push(c),
        }
    }
    match shape.as_str() {
        "" => &[
            "id",
            "title",
            "summary",
            "status",
            "product",
            "area",
            "error_codes",
            "keywords",
            "source",
            "symptoms",
            "entry",
            "escalation_cost",
            "questions",
            "causes",
            "solutions",
            "workarounds",
            "notes",
            "references",
        ],
        "source" => &["url", "path", "date", "license"],
        "symptoms[]" => &["id", "title", "text", "steps", "after", "message"],
        "questions[]" => &[
            "id",
            "text",
            "help",
            "kind",
            "cost",
            "dont_know",
            "answers",
            "generated",
        ],
        "questions[].answers[]" => &["value", "label", "goto", "base_rate"],
        "causes[]" => &[
            "id",
            "title",
            "text",
            "steps",
            "after",
            "solutions",
            "workarounds",
            "then",
            "likelihood",
        ],
        "solutions[]" | "workarounds[]" => &[
            "id",
            "title",
            "by_design",
            "cost",
            "success",
            "text",
            "steps",
            "after",
            "generated",
        ],
        "references[]" => &["id", "url", "article", "title"],
        _ => &[],
    }
}

/// What kind of node sits at a path, and where its text is.
#[derive(Debug, Clone)]
struct Node {
    kind: NodeKind,
    /// The first byte of the value (a block sequence's first dash, a block mapping's first key).
    start: usize,
    /// Just past its last character (never a trailing comment or line break).
    end: usize,
    /// The key's first byte, for a value in a mapping.
    key_start: Option<usize>,
    /// The key's text, for a value in a mapping.
    key_len: usize,
    /// Inside a flow collection (`[a, b]`, `{k: v}`), where line edits do not apply.
    in_flow: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum NodeKind {
    Scalar(TScalarStyle),
    Map { flow: bool, keys: Vec<String> },
    Seq { flow: bool, items: usize },
}

/// Every node's place in the text, by YAML path.
struct Layout {
    nodes: HashMap<String, Node>,
    /// Whether the file writes block sequences at their key's indentation (`key:\n- a`).
    indentless: bool,
}

impl Layout {
    fn build(text: &str) -> Result<Layout, EditError> {
        let mut recorder = LayoutRecorder {
            text,
            lines: super::spans::Lines::new(text),
            nodes: HashMap::new(),
            stack: Vec::new(),
            open_scalar: None,
        };
        let mut parser = Parser::new_from_str(text);
        parser
            .load(&mut recorder, false)
            .map_err(|error| EditError::Unreadable {
                message: error.to_string(),
            })?;
        recorder.close_scalar(text.len());
        let indentless = recorder.nodes.iter().any(|(_, node)| match &node.kind {
            NodeKind::Seq { flow: false, .. } => node
                .key_start
                .is_some_and(|key| column(text, key) == column(text, node.start)),
            _ => false,
        });
        Ok(Layout {
            nodes: recorder.nodes,
            indentless,
        })
    }

    fn node(&self, path: &str) -> Result<&Node, EditError> {
        self.nodes.get(path).ok_or_else(|| EditError::Unfaithful {
            pointer: path_to_pointer(path),
        })
    }
}

enum Frame {
    Map {
        path: String,
        key: Option<(String, usize)>,
        keys: Vec<String>,
    },
    Seq {
        path: String,
        index: usize,
    },
}

struct LayoutRecorder<'t> {
    text: &'t str,
    lines: super::spans::Lines<'t>,
    nodes: HashMap<String, Node>,
    stack: Vec<Frame>,
    /// A scalar whose end is known only at the next event: (path, style, value).
    open_scalar: Option<(String, TScalarStyle, String)>,
}

impl LayoutRecorder<'_> {
    fn offset(&self, mark: Marker) -> usize {
        self.lines.offset(mark)
    }

    fn in_flow(&self) -> bool {
        self.stack.iter().any(|frame| {
            let path = match frame {
                Frame::Map { path, .. } | Frame::Seq { path, .. } => path,
            };
            self.nodes.get(path).is_some_and(|node| {
                matches!(
                    node.kind,
                    NodeKind::Map { flow: true, .. } | NodeKind::Seq { flow: true, .. }
                )
            })
        })
    }

    /// The path of the next value, with its key's start and text; `None` when it is a key.
    fn next_value(&mut self) -> Option<(String, Option<(usize, usize)>)> {
        match self.stack.last_mut() {
            None => Some((String::new(), None)),
            Some(Frame::Map { path, key, keys }) => key.take().map(|(key, at)| {
                keys.push(key.clone());
                (key_path(path, &key), Some((at, key.len())))
            }),
            Some(Frame::Seq { path, index }) => {
                let child = index_path(path, *index);
                *index += 1;
                Some((child, None))
            }
        }
    }

    /// Ends the scalar still open now that the next event starts at `bound`.
    fn close_scalar(&mut self, bound: usize) {
        let Some((path, style, value)) = self.open_scalar.take() else {
            return;
        };
        if let Some(node) = self.nodes.get_mut(&path) {
            node.end = scalar_end(self.text, node.start, bound, style, &value, node.in_flow);
        }
    }
}

impl MarkedEventReceiver for LayoutRecorder<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let at = self.offset(mark);
        self.close_scalar(at);
        match event {
            Event::Scalar(value, style, ..) => match self.next_value() {
                Some((path, key)) => {
                    let in_flow = self.in_flow();
                    // A block scalar's mark is at its first line of content: its text starts
                    // at the `|` or `>` header before it.
                    let at = match style {
                        TScalarStyle::Literal | TScalarStyle::Folded => {
                            self.text[..at].rfind(['|', '>']).unwrap_or(at)
                        }
                        _ => at,
                    };
                    self.nodes.insert(
                        path.clone(),
                        Node {
                            kind: NodeKind::Scalar(style),
                            start: at,
                            end: at,
                            key_start: key.map(|k| k.0),
                            key_len: key.map_or(0, |k| k.1),
                            in_flow,
                        },
                    );
                    self.open_scalar = Some((path, style, value));
                }
                None => {
                    if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
                        *key = Some((value, at));
                    }
                }
            },
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(event, Event::MappingStart(..));
                let (path, key) = self.next_value().unwrap_or_else(|| ("?".to_owned(), None));
                let flow = matches!(self.text.as_bytes().get(at), Some(b'[' | b'{'));
                let in_flow = self.in_flow();
                self.nodes.insert(
                    path.clone(),
                    Node {
                        kind: if is_map {
                            NodeKind::Map {
                                flow,
                                keys: Vec::new(),
                            }
                        } else {
                            NodeKind::Seq { flow, items: 0 }
                        },
                        start: at,
                        end: at,
                        key_start: key.map(|k| k.0),
                        key_len: key.map_or(0, |k| k.1),
                        in_flow,
                    },
                );
                self.stack.push(if is_map {
                    Frame::Map {
                        path,
                        key: None,
                        keys: Vec::new(),
                    }
                } else {
                    Frame::Seq { path, index: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some(frame) = self.stack.pop() else {
                    return;
                };
                let (path, children) = match frame {
                    Frame::Map { path, keys, .. } => {
                        let children: Vec<String> =
                            keys.iter().map(|k| key_path(&path, k)).collect();
                        if let Some(node) = self.nodes.get_mut(&path)
                            && let NodeKind::Map { keys: slot, .. } = &mut node.kind
                        {
                            *slot = keys;
                        }
                        (path, children)
                    }
                    Frame::Seq { path, index } => {
                        if let Some(node) = self.nodes.get_mut(&path)
                            && let NodeKind::Seq { items, .. } = &mut node.kind
                        {
                            *items = index;
                        }
                        let children = (0..index).map(|i| index_path(&path, i)).collect();
                        (path, children)
                    }
                };
                let last_child_end = children
                    .iter()
                    .filter_map(|child| self.nodes.get(child))
                    .map(|node| node.end)
                    .max();
                // A block collection's start mark is not where its text starts: that is its
                // first key, or the dash before its first item.
                let first_child_start = children.first().and_then(|child| {
                    let node = self.nodes.get(child)?;
                    Some(match node.key_start {
                        Some(key) => key,
                        None => self.text[..node.start].rfind('-').unwrap_or(node.start),
                    })
                });
                if let Some(node) = self.nodes.get_mut(&path) {
                    let flow = matches!(
                        node.kind,
                        NodeKind::Map { flow: true, .. } | NodeKind::Seq { flow: true, .. }
                    );
                    if flow {
                        node.end = (at + 1).min(self.text.len());
                    } else {
                        node.start = first_child_start.unwrap_or(node.start);
                        node.end = last_child_end.unwrap_or(node.start);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Where a scalar that starts at `start` ends, given that the next event starts at `bound`.
fn scalar_end(
    text: &str,
    start: usize,
    bound: usize,
    style: TScalarStyle,
    value: &str,
    in_flow: bool,
) -> usize {
    let bound = bound.max(start).min(text.len());
    let bytes = text.as_bytes();
    match style {
        TScalarStyle::DoubleQuoted => {
            let mut i = start + 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'"' => return i + 1,
                    _ => i += 1,
                }
            }
            bound
        }
        TScalarStyle::SingleQuoted => {
            let mut i = start + 1;
            while i < bytes.len() {
                if bytes[i] == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
                i += 1;
            }
            bound
        }
        TScalarStyle::Literal | TScalarStyle::Folded => {
            // The block's lines are those indented deeper than the line of its header.
            let header_indent = line_indent(text, start);
            let mut end = line_end(text, start);
            let mut cursor = end;
            while cursor < bound {
                let next = line_end(text, cursor + 1);
                let line = &text[cursor + 1..next.min(text.len())];
                let indent = line.len() - line.trim_start_matches(' ').len();
                if !line.trim().is_empty() {
                    if indent <= header_indent {
                        break;
                    }
                    end = next;
                }
                cursor = next;
                if cursor >= text.len() {
                    break;
                }
            }
            end.min(text.len())
        }
        _ => {
            if text[start..].starts_with(value) && !value.is_empty() {
                return start + value.len();
            }
            if in_flow || value.is_empty() {
                return start + value.len().min(bound - start);
            }
            // A plain scalar over several lines: up to the last line that is not a comment.
            let region = &text[start..bound];
            let mut end = start;
            let mut offset = start;
            for line in region.split_inclusive('\n') {
                let content = line.split(" #").next().unwrap_or(line).trim_end();
                if !content.trim_start().is_empty() && !content.trim_start().starts_with('#') {
                    end = offset + content.len();
                }
                offset += line.len();
            }
            end.max(start + 1).min(bound)
        }
    }
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1)
}

/// The offset of the line break ending the line that holds `at` (or the text's end).
fn line_end(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

fn line_indent(text: &str, at: usize) -> usize {
    let start = line_start(text, at);
    let line = &text[start..line_end(text, start)];
    line.len() - line.trim_start_matches(' ').len()
}

/// The column (in bytes, 0-based) of an offset.
fn column(text: &str, at: usize) -> usize {
    at - line_start(text, at)
}

/// New entries of a mapping, by key.
type Entries<'v> = Vec<(&'v String, &'v Value)>;

struct Splice {
    start: usize,
    end: usize,
    text: String,
}

/// Applies splices that fall in `start..end` to that part of `text`.
fn splice(text: &str, start: usize, end: usize, mut splices: Vec<Splice>) -> String {
    splices.sort_by_key(|s| (s.start, s.end));
    let mut out = String::with_capacity(end - start + 64);
    let mut cursor = start;
    for s in splices {
        if s.start < cursor || s.end > end {
            continue;
        }
        out.push_str(&text[cursor..s.start]);
        out.push_str(&s.text);
        cursor = s.end;
    }
    out.push_str(&text[cursor..end]);
    out
}

struct Editor<'t> {
    text: &'t str,
    layout: &'t Layout,
    splices: Vec<Splice>,
}

impl Editor<'_> {
    fn edit(&mut self, path: &str, old: &Value, new: &Value) -> Result<(), EditError> {
        if old == new {
            return Ok(());
        }
        if path.is_empty() && !(old.is_object() && new.is_object()) {
            return Err(EditError::WholeDocument);
        }
        let node = self.layout.node(path)?.clone();
        match (&node.kind, old, new) {
            (NodeKind::Map { flow: false, .. }, Value::Object(o), Value::Object(n))
                if !n.is_empty() =>
            {
                self.edit_block_map(path, o, n)
            }
            (NodeKind::Seq { flow: false, .. }, Value::Array(o), Value::Array(n))
                if !n.is_empty() && !node.in_flow =>
            {
                self.edit_block_seq(path, &node, o, n)
            }
            (NodeKind::Map { flow: true, keys }, Value::Object(o), Value::Object(n))
                if o.len() == n.len() && keys.iter().all(|k| n.contains_key(k)) =>
            {
                for key in keys {
                    self.edit(&key_path(path, key), &o[key], &n[key])?;
                }
                Ok(())
            }
            (NodeKind::Seq { flow: true, .. }, Value::Array(o), Value::Array(n))
                if o.len() == n.len() =>
            {
                for (index, (a, b)) in o.iter().zip(n).enumerate() {
                    self.edit(&index_path(path, index), a, b)?;
                }
                Ok(())
            }
            (NodeKind::Scalar(style), _, _) if !new.is_object() && !new.is_array() => {
                let text = self.scalar(&node, *style, new);
                self.splices.push(Splice {
                    start: node.start,
                    end: node.end,
                    text,
                });
                Ok(())
            }
            _ => self.replace_value(path, &node, new),
        }
    }

    /// A block mapping: removed keys lose their lines, changed ones are edited, new ones are
    /// inserted after the field that precedes them in the model's order.
    fn edit_block_map(
        &mut self,
        path: &str,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
    ) -> Result<(), EditError> {
        let written: Vec<String> = match &self.layout.node(path)?.kind {
            NodeKind::Map { keys, .. } => keys.clone(),
            _ => old.keys().cloned().collect(),
        };
        let kept: Vec<&String> = written.iter().filter(|k| new.contains_key(*k)).collect();
        if kept.is_empty() {
            let node = self.layout.node(path)?.clone();
            return self.replace_value(path, &node, &Value::Object(new.clone()));
        }
        for (position, key) in written.iter().enumerate() {
            let child = key_path(path, key);
            match new.get(key) {
                Some(value) => self.edit(&child, &old[key], value)?,
                None => {
                    let next = written[position + 1..].first().map(|k| key_path(path, k));
                    self.remove_entry(&child, next.as_deref())?;
                }
            }
        }
        let order = field_order(path);
        let rank = |key: &str| order.iter().position(|k| *k == key).unwrap_or(usize::MAX);
        let mut added: Vec<(&String, &Value)> =
            new.iter().filter(|(k, _)| !old.contains_key(*k)).collect();
        added.sort_by_key(|(k, _)| rank(k));
        // Each new key goes after the last kept key that precedes it in the model's order.
        let mut groups: Vec<(Option<&String>, Entries<'_>)> = Vec::new();
        for (key, value) in added {
            let after = kept
                .iter()
                .filter(|k| rank(k) < rank(key) || rank(key) == usize::MAX)
                .max_by_key(|k| {
                    let n = &self.layout.nodes[&key_path(path, k)];
                    n.key_start.unwrap_or(n.start)
                })
                .copied();
            match groups.iter_mut().find(|(a, _)| *a == after) {
                Some((_, entries)) => entries.push((key, value)),
                None => groups.push((after, vec![(key, value)])),
            }
        }
        let first = &self.layout.nodes[&key_path(path, kept[0])];
        let first_key = first.key_start.unwrap_or(first.start);
        let indent = column(self.text, first_key);
        for (after, entries) in groups {
            let mut block = String::new();
            for (key, value) in &entries {
                block.push_str(&" ".repeat(indent));
                block.push_str(&self.entry(key, value, indent));
                block.push('\n');
            }
            match after {
                Some(key) => {
                    let end = self.layout.nodes[&key_path(path, key)].end;
                    let at = line_end(self.text, end);
                    let block = block.trim_end_matches('\n');
                    self.splices.push(Splice {
                        start: at,
                        end: at,
                        text: format!("\n{block}"),
                    });
                }
                None if line_start(self.text, first_key) + indent == first_key
                    && self.text[line_start(self.text, first_key)..first_key]
                        .trim()
                        .is_empty() =>
                {
                    let at = line_start(self.text, first_key);
                    self.splices.push(Splice {
                        start: at,
                        end: at,
                        text: block,
                    });
                }
                None => {
                    // The first key shares its line with a dash: the new keys take its place
                    // and it moves to the next line.
                    let block = block.trim_start().to_owned();
                    self.splices.push(Splice {
                        start: first_key,
                        end: first_key,
                        text: format!("{block}{}", " ".repeat(indent)),
                    });
                }
            }
        }
        Ok(())
    }

    fn remove_entry(&mut self, child: &str, next: Option<&str>) -> Result<(), EditError> {
        let node = self.layout.node(child)?.clone();
        let key = node.key_start.unwrap_or(node.start);
        let start = line_start(self.text, key);
        let shares_line = !self.text[start..key].trim().is_empty();
        if shares_line {
            // `- id: x` loses `id: x`; the next key moves up beside the dash.
            let Some(next) = next.and_then(|n| self.layout.nodes.get(n)) else {
                return Err(EditError::Unfaithful {
                    pointer: path_to_pointer(child),
                });
            };
            let next_key = next.key_start.unwrap_or(next.start);
            self.splices.push(Splice {
                start: key,
                end: next_key,
                text: String::new(),
            });
        } else {
            // The line goes with the line break before it, so that a last entry's removal stays
            // inside its item.
            let end = line_end(self.text, node.end);
            let (start, end) = if start > 0 {
                (start - 1, end)
            } else {
                (start, (end + 1).min(self.text.len()))
            };
            self.splices.push(Splice {
                start,
                end,
                text: String::new(),
            });
        }
        Ok(())
    }

    /// A block sequence, rebuilt from its items' own text in the new order: kept items keep
    /// their lines (edited where they changed), new ones are written at the same indentation.
    fn edit_block_seq(
        &mut self,
        path: &str,
        node: &Node,
        old: &[Value],
        new: &[Value],
    ) -> Result<(), EditError> {
        let dash = node.start;
        let dash_column = column(self.text, dash);
        if self.text.as_bytes().get(dash) != Some(&b'-')
            || !self.text[line_start(self.text, dash)..dash]
                .trim()
                .is_empty()
        {
            return self.replace_value(path, node, &Value::Array(new.to_vec()));
        }
        let matches = align(old, new);
        // Each old item's chunk: from its dash line (with the comment lines just above it,
        // after the first) to the next item's chunk.
        let mut bounds = Vec::with_capacity(old.len() + 1);
        for index in 0..old.len() {
            let item = self.layout.node(&index_path(path, index))?;
            let dash_at = self.text[..item.start]
                .rfind('-')
                .filter(|d| *d >= line_start(self.text, item.start) || index == 0)
                .unwrap_or(item.start);
            let mut start = line_start(self.text, dash_at);
            if index > 0 {
                while start > 0 {
                    let previous = line_start(self.text, start - 1);
                    if self.text[previous..start - 1].trim_start().starts_with('#') {
                        start = previous;
                    } else {
                        break;
                    }
                }
            }
            bounds.push(start);
        }
        let end = line_end(self.text, node.end);
        bounds.push(end);
        let chunk = |editor: &mut Editor<'_>, i: usize, j: usize| -> Result<String, EditError> {
            let mut sub = Editor {
                text: editor.text,
                layout: editor.layout,
                splices: Vec::new(),
            };
            sub.edit(&index_path(path, j), &old[j], &new[i])?;
            Ok(splice(editor.text, bounds[j], bounds[j + 1], sub.splices))
        };
        let mut pieces = Vec::with_capacity(new.len());
        for (i, matched) in matches.iter().enumerate() {
            let mut piece = match matched {
                Some(j) => chunk(self, i, *j)?,
                None => format!(
                    "{}- {}",
                    " ".repeat(dash_column),
                    self.item(&new[i], dash_column + 2)
                ),
            };
            let last = i + 1 == new.len();
            if last {
                piece.truncate(piece.trim_end().len());
            } else if !piece.ends_with('\n') {
                piece.push('\n');
            }
            pieces.push(piece);
        }
        self.splices.push(Splice {
            start: bounds[0],
            end,
            text: pieces.concat(),
        });
        Ok(())
    }

    /// Replaces a whole value with a fresh rendering (a changed type, a flow collection that
    /// gained or lost members).
    fn replace_value(&mut self, path: &str, node: &Node, new: &Value) -> Result<(), EditError> {
        if node.in_flow
            || matches!(
                node.kind,
                NodeKind::Map { flow: true, .. } | NodeKind::Seq { flow: true, .. }
            ) && !is_block_worthy(new)
        {
            let text = flow(new);
            self.splices.push(Splice {
                start: node.start,
                end: node.end,
                text,
            });
            return Ok(());
        }
        if let Some(key) = node.key_start {
            let colon = key
                + node.key_len
                + self.text[key + node.key_len..].find(':').ok_or_else(|| {
                    EditError::Unfaithful {
                        pointer: path_to_pointer(path),
                    }
                })?;
            let indent = column(self.text, key);
            let value = self.after_key(new, indent);
            self.splices.push(Splice {
                start: colon + 1,
                end: node.end.max(colon + 1),
                text: value,
            });
            return Ok(());
        }
        // A sequence item: the dash stays, the value after it is new.
        let dash_column = line_indent(self.text, node.start);
        let text = self.item(new, dash_column + 2);
        self.splices.push(Splice {
            start: node.start,
            end: node.end,
            text,
        });
        Ok(())
    }

    /// A scalar in the style the old one was written in, where the new value allows it.
    fn scalar(&self, node: &Node, style: TScalarStyle, new: &Value) -> String {
        let Value::String(s) = new else {
            return flow(new);
        };
        if node.in_flow {
            return flow(new);
        }
        let content_indent = match node.key_start {
            Some(key) => column(self.text, key) + 2,
            None => line_indent(self.text, node.start) + 2,
        };
        match style {
            TScalarStyle::Literal | TScalarStyle::Folded => {
                // Keep the block's own indentation.
                let first_content = line_end(self.text, node.start) + 1;
                let indent = if first_content < node.end {
                    line_indent(self.text, first_content)
                } else {
                    content_indent
                };
                if s.contains('\n') || style == TScalarStyle::Literal {
                    literal(s, indent)
                } else {
                    block_scalar(s, indent)
                }
            }
            TScalarStyle::SingleQuoted if !s.contains('\n') => {
                format!("'{}'", s.replace('\'', "''"))
            }
            TScalarStyle::DoubleQuoted => quoted(s),
            _ => block_scalar(s, content_indent),
        }
    }

    /// `key: value` for a new entry whose key sits at `indent`.
    fn entry(&self, key: &str, value: &Value, indent: usize) -> String {
        format!("{}:{}", plain_or_quoted(key), self.after_key(value, indent))
    }

    /// What follows a key's colon: ` scalar`, or a line break and a nested block.
    fn after_key(&self, value: &Value, indent: usize) -> String {
        match value {
            Value::Object(map) if !map.is_empty() => {
                format!("\n{}", self.block_map(map, indent + 2))
            }
            Value::Array(items) if !items.is_empty() => {
                let dash = if self.layout.indentless {
                    indent
                } else {
                    indent + 2
                };
                let lines: Vec<String> = items
                    .iter()
                    .map(|item| format!("{}- {}", " ".repeat(dash), self.item(item, dash + 2)))
                    .collect();
                format!("\n{}", lines.join("\n"))
            }
            Value::String(s) => format!(" {}", block_scalar(s, indent + 2)),
            other => format!(" {}", flow(other)),
        }
    }

    /// A block mapping whose keys sit at `indent` (every line indented).
    fn block_map(&self, map: &Map<String, Value>, indent: usize) -> String {
        map.iter()
            .map(|(k, v)| format!("{}{}", " ".repeat(indent), self.entry(k, v, indent)))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A sequence item's value after `- `, its continuation lines at `indent`.
    fn item(&self, value: &Value, indent: usize) -> String {
        match value {
            Value::Object(map) if !map.is_empty() => {
                let block = self.block_map(map, indent);
                block[indent..].to_owned()
            }
            Value::Array(items) if !items.is_empty() => items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let pad = if i == 0 {
                        String::new()
                    } else {
                        " ".repeat(indent)
                    };
                    format!("{pad}- {}", self.item(item, indent + 2))
                })
                .collect::<Vec<_>>()
                .join("\n"),
            Value::String(s) => block_scalar(s, indent),
            other => flow(other),
        }
    }
}

fn is_block_worthy(value: &Value) -> bool {
    matches!(value, Value::Object(m) if m.values().any(|v| v.is_object() || v.is_array()))
}

/// Pairs the new items with old ones: by `id` where items have one, else by equal values,
/// and changed items in the same place by position.
fn align(old: &[Value], new: &[Value]) -> Vec<Option<usize>> {
    let id = |v: &Value| v.get("id").and_then(Value::as_str).map(str::to_owned);
    if old.iter().chain(new).all(|v| id(v).is_some()) {
        let mut by_id: HashMap<String, usize> = HashMap::new();
        for (j, item) in old.iter().enumerate() {
            by_id.entry(id(item).unwrap_or_default()).or_insert(j);
        }
        let mut used = vec![false; old.len()];
        return new
            .iter()
            .map(|item| {
                let j = *by_id.get(&id(item).unwrap_or_default())?;
                (!used[j]).then(|| {
                    used[j] = true;
                    j
                })
            })
            .collect();
    }
    if old.len() == new.len() {
        return (0..new.len()).map(Some).collect();
    }
    // Longest common subsequence of equal items; what lies between two matches is paired
    // by position.
    let (n, m) = (old.len(), new.len());
    let mut table = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] = if old[i] == new[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if old[i] == new[j] {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    let mut result = vec![None; m];
    let (mut previous_old, mut previous_new) = (0, 0);
    for (oi, nj) in pairs.iter().copied().chain(std::iter::once((n, m))) {
        let gap = (oi - previous_old).min(nj - previous_new);
        for k in 0..gap {
            result[previous_new + k] = Some(previous_old + k);
        }
        if nj < m {
            result[nj] = Some(oi);
        }
        previous_old = oi + 1;
        previous_new = nj + 1;
    }
    result
}

/// A string in block context: plain where YAML reads it back as the same string, a literal
/// block for several lines, double-quoted otherwise.
fn block_scalar(s: &str, indent: usize) -> String {
    if s.contains('\n') {
        return literal(s, indent);
    }
    plain_or_quoted(s)
}

fn plain_or_quoted(s: &str) -> String {
    // Words YAML 1.1 reads as booleans or null stay quoted, as the KB writes them.
    const YAML_11_WORDS: [&str; 12] = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "none", "",
    ];
    if YAML_11_WORDS.contains(&s.to_ascii_lowercase().as_str()) {
        return quoted(s);
    }
    let plain_ok = serde_yaml::to_string(s).is_ok_and(|y| y.trim_end_matches('\n') == s)
        && !s.starts_with([
            '\'', '"', '|', '>', '!', '&', '*', '%', '@', '`', '-', '?', ' ',
        ])
        && !s.ends_with(' ')
        && !s.contains(": ")
        && !s.contains(" #");
    if plain_ok && !s.is_empty() {
        s.to_owned()
    } else {
        quoted(s)
    }
}

/// A double-quoted YAML scalar (JSON's string syntax is one).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// A literal block (`|`, `|-`, `|+`) with its lines at `indent`.
fn literal(s: &str, indent: usize) -> String {
    let trailing = s.len() - s.trim_end_matches('\n').len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let body = s.trim_end_matches('\n');
    if body.starts_with(' ') || trailing > 1 || body.contains('\r') || body.contains('\t') {
        return quoted(s);
    }
    let pad = " ".repeat(indent);
    let mut out = format!("|{chomp}");
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    out
}

/// A value on one line, in YAML's flow style.
fn flow(value: &Value) -> String {
    match value {
        Value::String(s) => {
            let flow_ok = !s.contains([',', '[', ']', '{', '}', '\n']);
            let plain = plain_or_quoted(s);
            if flow_ok { plain } else { quoted(s) }
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(flow).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", flow(&Value::String(k.clone())), flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests;
