//! Source positions of every key and value in a YAML file, by path.
//!
//! serde gives values without positions, so `load` parses the text a second time with a
//! marked event parser and records where each path (`questions[2].answers[1].goto`) starts.
//! Diagnostics then point at the exact line and column of the value they talk about.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostic::Span;

/// How deep paths are recorded.
const MAX_DEPTH: usize = 64;

/// Where the keys and values of one YAML document are, by path.
#[derive(Debug, Default, Clone)]
pub(crate) struct SpanMap {
    values: HashMap<String, Span>,
    keys: HashMap<String, Span>,
}

impl SpanMap {
    /// Records the positions in `text`; a text the event parser rejects gives an empty map.
    pub(crate) fn build(text: &str) -> SpanMap {
        let mut recorder = Recorder {
            lines: Lines::new(text),
            map: SpanMap::default(),
            stack: Vec::new(),
        };
        let mut parser = Parser::new_from_str(text);
        if parser.load(&mut recorder, false).is_err() {
            return SpanMap::default();
        }
        recorder.map
    }

    /// The span of the value at `path`, or of the nearest enclosing value that has one.
    pub(crate) fn value(&self, path: &str) -> Option<Span> {
        // The document itself starts at the start of the file, whatever comes first in it.
        let start = Span {
            offset: 0,
            len: 1,
            line: 1,
            column: 1,
        };
        let mut path = path;
        loop {
            if path.is_empty() {
                return Some(start);
            }
            if let Some(span) = self.values.get(path) {
                return Some(*span);
            }
            path = parent_path(path)?;
        }
    }

    /// The path of the value (or else the key) that starts at byte `offset`, the deepest
    /// when several do.
    pub(crate) fn path_at(&self, offset: usize) -> Option<&str> {
        fn deepest(map: &HashMap<String, Span>, offset: usize) -> Option<&str> {
            map.iter()
                .filter(|(_, span)| span.offset == offset)
                .map(|(path, _)| path.as_str())
                .max_by_key(|path| (path.len(), *path))
        }
        deepest(&self.values, offset).or_else(|| deepest(&self.keys, offset))
    }

    /// The span of the key at `path` (for example an unknown field's name).
    pub(crate) fn key(&self, path: &str) -> Option<Span> {
        self.keys.get(path).copied()
    }
}

/// Joins a mapping key onto a path.
pub(crate) fn key_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// Joins a sequence index onto a path.
pub(crate) fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

fn parent_path(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(&path[..cut])
}

enum Frame {
    Map { path: String, key: Option<String> },
    Seq { path: String, index: usize },
}

struct Recorder<'t> {
    lines: Lines<'t>,
    map: SpanMap,
    stack: Vec<Frame>,
}

/// Byte offsets of a text's marks, from their line and column.
///
/// yaml-rust2's `Marker::index` cannot be trusted past a block scalar (`|`, `>`) with
/// non-ASCII text: it runs ahead by some of the block's extra bytes. Its line and column
/// (in characters) stay exact, so offsets are found from them.
pub(crate) struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub(crate) fn new(text: &'t str) -> Lines<'t> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Lines { text, starts }
    }

    /// The byte offset of a mark (line from 1, column in characters from 0).
    pub(crate) fn offset(&self, mark: Marker) -> usize {
        let Some(&start) = self.starts.get(mark.line().saturating_sub(1)) else {
            return self.text.len();
        };
        let line = &self.text[start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        line.char_indices()
            .nth(mark.col())
            .map_or(start + line.len(), |(at, _)| start + at)
    }
}

impl Recorder<'_> {
    fn span(&self, mark: Marker, len: usize) -> Span {
        Span {
            offset: self.lines.offset(mark),
            len: len.max(1),
            line: mark.line(),
            column: mark.col() + 1,
        }
    }

    /// The path of the next value in the innermost container, or `None` when it is a key.
    fn next_value_path(&mut self) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Map { path, key }) => key.take().map(|key| key_path(path, &key)),
            Some(Frame::Seq { path, index }) => {
                let child = index_path(path, *index);
                *index += 1;
                Some(child)
            }
        }
    }
}

impl MarkedEventReceiver for Recorder<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(value, ..) => match self.next_value_path() {
                Some(path) => {
                    let span = self.span(mark, value.len());
                    self.map.values.insert(path, span);
                }
                None => {
                    let span = self.span(mark, value.len());
                    if let Some(Frame::Map { path, key }) = self.stack.last_mut() {
                        self.map.keys.insert(key_path(path, &value), span);
                        *key = Some(value);
                    }
                }
            },
            Event::Alias(_) => {
                if let Some(path) = self.next_value_path() {
                    let span = self.span(mark, 1);
                    self.map.values.insert(path, span);
                }
            }
            // Nothing in an article is this deep; recording paths there would only cost
            // quadratic time on hostile input.
            Event::MappingStart(..) | Event::SequenceStart(..) if self.stack.len() >= MAX_DEPTH => {
                self.next_value_path();
                self.stack.push(Frame::Seq {
                    path: String::new(),
                    index: 0,
                });
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                // A complex (non-scalar) key gets a placeholder path: nothing refers to it.
                let path = self.next_value_path().unwrap_or_else(|| "?".to_owned());
                let span = self.span(mark, 1);
                self.map.values.insert(path.clone(), span);
                self.stack.push(match event {
                    Event::MappingStart(..) => Frame::Map { path, key: None },
                    _ => Frame::Seq { path, index: 0 },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}
