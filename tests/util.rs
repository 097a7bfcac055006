//! Helpers shared by the end-to-end tests: run the real binary, describe what it did.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The repository root.
pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A fixture directory or file under `tests/fixtures/`.
pub(crate) fn fixture(relative: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(relative)
}

/// The shared corpus of real support articles, beside the repository.
pub(crate) fn corpus() -> PathBuf {
    repo_root().join("../shared/corpus/dev")
}

/// How many Markdown articles the shared corpus holds (the corpus grows; tests follow it).
pub(crate) fn corpus_articles() -> usize {
    walkdir::WalkDir::new(corpus())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .count()
}

/// How many articles the embedded KB holds (one YAML file each).
pub(crate) fn kb_articles() -> usize {
    std::fs::read_dir(repo_root().join("kb"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .count()
}

/// What one run of the binary did.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "exit: {}", self.code)?;
        writeln!(f, "--- stdout")?;
        writeln!(f, "{}", self.stdout.trim_end())?;
        writeln!(f, "--- stderr")?;
        write!(f, "{}", self.stderr.trim_end())
    }
}

/// Runs `fixpath` with these arguments and no stdin, colours off, the embedded KB.
pub(crate) fn fixpath(args: &[&str]) -> Run {
    fixpath_with_stdin(args, "")
}

/// Runs `fixpath` with these arguments, feeding `stdin` to it.
pub(crate) fn fixpath_with_stdin(args: &[&str], stdin: &str) -> Run {
    run(args, stdin, &shared_cache())
}

/// The index cache most tests share (in the temporary directory), with the embedded KB's
/// index built before the first test uses it.
///
/// On a clean machine the cache starts empty, and tests starting at once would each build
/// the index into it at the same moment. Concurrent builds are safe (the engine's test
/// `several_builds_at_once_on_an_empty_cache_all_succeed_and_leave_a_sound_index`; before
/// it was fixed, one build's clean-up could delete another's new generation), but building
/// once here saves every test that time on a loaded machine.
pub(crate) fn shared_cache() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let cache = std::env::temp_dir().join("fixpath-e2e-cache");
            let built = run(&["index"], "", &cache);
            assert_eq!(built.code, 0, "the shared index is built: {built}");
            cache
        })
        .clone()
}

/// Runs `fixpath` with these arguments and its cache (indexes, parsed articles) in `cache`.
pub(crate) fn fixpath_with_cache(args: &[&str], cache: &Path) -> Run {
    run(args, "", cache)
}

fn run(args: &[&str], stdin: &str, cache: &Path) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fixpath"))
        .args(args)
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .env_remove("FIXPATH_KB")
        .env("FIXPATH_CACHE_DIR", cache)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the fixpath binary runs");
    let mut input = child.stdin.take().unwrap();
    // A command that stops reading early closes the pipe; that is not a test failure.
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Snapshots a value with the repository path replaced by `[REPO]`.
#[macro_export]
macro_rules! assert_run_snapshot {
    ($name:expr, $value:expr) => {{
        let root = $crate::util::repo_root().display().to_string();
        insta::with_settings!({ filters => vec![(root.as_str(), "[REPO]")], prepend_module_to_snapshot => true }, {
            insta::assert_snapshot!($name, $value);
        });
    }};
}

/// A digest of every file below `dir` (names and contents), to prove nothing was written.
pub(crate) fn tree_digest(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.push((path, bytes));
            }
        }
    }
    files.sort();
    files
}

/// Reads one HTTP request from a webhook receiver's connection and answers 204: its
/// headers (lower-case names; `:request` is the request line) and body, or `None` when the
/// connection broke first.
pub(crate) fn answer_one_request(
    stream: std::net::TcpStream,
) -> Option<(std::collections::BTreeMap<String, String>, Vec<u8>)> {
    use std::io::{BufRead, BufReader, Read};
    stream.set_nonblocking(false).ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut headers = std::collections::BTreeMap::new();
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    headers.insert(":request".to_owned(), line.trim_end().to_owned());
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let Some((key, value)) = line.trim_end().split_once(": ") else {
            break;
        };
        headers.insert(key.to_ascii_lowercase(), value.to_owned());
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let mut stream = stream;
    stream
        .write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
        .ok()?;
    Some((headers, body))
}

/// The problem+json of a response with this status, checked for its stable `type`.
pub(crate) fn problem(
    response: reqwest::blocking::Response,
    status: reqwest::StatusCode,
    kind: &str,
) -> serde_json::Value {
    assert_eq!(response.status(), status);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body: serde_json::Value = response.json().unwrap();
    assert_eq!(
        body["type"],
        format!("urn:fixpath:problem:{kind}"),
        "{body:#}"
    );
    body
}
