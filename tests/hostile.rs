//! Hostile and extreme input: every class gets a clear message, a bounded time, no panic, and
//! nothing is written where it should not be. See the "Hostile input" table in docs/admins.md.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Run, repo_root, tree_digest};

/// Runs `fixpath` with a time limit on the CPU time it uses; a run over the limit fails the
/// test.
///
/// The bound is on the process's own CPU time (user + system, from `wait4`), not on the wall
/// clock: on a loaded machine (CI's two cores running the other tests meanwhile) a run can wait
/// for a core far longer than it computes. A run still going after [`HANG`] of wall-clock time
/// is killed and fails the test as hung.
fn timed(args: &[&str], cache: &Path, limit: Duration) -> Run {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_fixpath"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("FIXPATH_CACHE_DIR", cache)
        .env_remove("FIXPATH_KB")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read both pipes meanwhile, so a chatty child never blocks on a full pipe.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let (status, usage, wall) = reap(child, args);
    let seconds = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    let cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    eprintln!("fixpath {args:?}: {cpu:?} of CPU time, {wall:?} of wall-clock time");
    assert!(
        cpu <= limit,
        "fixpath {args:?} used {cpu:?} of CPU time, more than {limit:?} ({wall:?} wall-clock)"
    );
    let run = Run {
        code: if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        },
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "fixpath {args:?} panicked: {run}"
    );
    run
}

/// Waits for `child` with `wait4`, which reaps it and says what it used; kills it, failing
/// the test, when it runs longer than [`HANG`]. Its wait status, usage and wall-clock time.
fn reap(mut child: std::process::Child, args: &[&str]) -> (i32, libc::rusage, Duration) {
    let pid = child.id() as libc::pid_t;
    let started = Instant::now();
    let mut options = libc::WNOHANG;
    loop {
        let mut status = 0;
        // SAFETY: an all-zero rusage is a valid value for wait4 to overwrite.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: wait4 only writes the status and usage given; `pid` is this process's own
        // child, reaped here and nowhere else.
        let reaped = unsafe { libc::wait4(pid, &mut status, options, &mut usage) };
        assert!(reaped >= 0, "wait4: {}", std::io::Error::last_os_error());
        if reaped == pid {
            assert!(
                options == libc::WNOHANG,
                "fixpath {args:?} still running after {HANG:?} (hung); killed"
            );
            return (status, usage, started.elapsed());
        }
        if started.elapsed() > HANG {
            child.kill().unwrap();
            // Block until the kill has taken, then fail.
            options = 0;
            continue;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// How long a run may go on (on the wall clock) before it is taken to hang.
const HANG: Duration = Duration::from_secs(300);

const LIMIT: Duration = Duration::from_secs(30);

fn kb_with(dir: &Path, name: &str, text: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn a_fifty_thousand_node_graph_checks_and_solves_in_bounded_time() {
    let temp = tempfile::tempdir().unwrap();
    let kb = temp.path().join("kb");
    let mut yaml =
        String::from("id: big\ntitle: A very large decision graph\nentry: q0\nquestions:\n");
    let questions = 49_997;
    for i in 0..questions {
        let next = if i + 1 < questions {
            format!("q{}", i + 1)
        } else {
            "c1".to_owned()
        };
        yaml.push_str(&format!("  - id: q{i}\n    text: Question {i}?\n    answers:\n      - {{value: 'yes', goto: {next}}}\n      - {{value: 'no', goto: c{}}}\n", i % 2));
    }
    yaml.push_str("causes:\n  - {id: c0, title: Zero, solutions: [s]}\n  - {id: c1, title: One, solutions: [s]}\nsolutions:\n  - {id: s, title: Fix}\n");
    kb_with(&kb, "big.yaml", &yaml);
    let kb_arg = kb.to_str().unwrap();
    let run = timed(&["check", kb_arg], temp.path(), LIMIT);
    assert_eq!(run.code, 0, "{run}");
    let run = timed(
        &[
            "--kb",
            kb_arg,
            "solve",
            "big",
            "-f",
            "q0=yes",
            "-f",
            "q1=unknown",
            "--format",
            "json",
        ],
        temp.path(),
        LIMIT,
    );
    assert_eq!(run.code, 1, "undecided: {}", &run.stderr);
    let run = timed(
        &["--kb", kb_arg, "render", "big", "--format", "html"],
        temp.path(),
        LIMIT,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_ten_megabyte_file_loads_and_an_oversized_one_is_refused() {
    let temp = tempfile::tempdir().unwrap();
    let kb = temp.path().join("kb");
    let long = "word ".repeat(2_000_000);
    kb_with(
        &kb,
        "large.yaml",
        &format!(
            "id: large\ntitle: Large\nsummary: \"{long}\"\nentry: c\ncauses:\n  - {{id: c, title: C, solutions: [s]}}\nsolutions:\n  - {{id: s, title: S}}\n"
        ),
    );
    let run = timed(&["check", kb.to_str().unwrap()], temp.path(), LIMIT);
    assert_eq!(run.code, 0, "{run}");
    let huge = "x".repeat(17 * 1024 * 1024);
    kb_with(&kb, "huge.yaml", &huge);
    let run = timed(&["check", kb.to_str().unwrap()], temp.path(), LIMIT);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stdout
            .contains("larger than the 16 MiB an article may be"),
        "{run}"
    );
}

#[test]
fn deep_nesting_and_alias_bombs_are_refused_quickly() {
    let temp = tempfile::tempdir().unwrap();
    let kb = temp.path().join("kb");
    kb_with(
        &kb,
        "deep.yaml",
        &format!(
            "id: deep\ntitle: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    );
    let mut bomb =
        String::from("id: bomb\ntitle: t\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        bomb.push_str(&format!(
            "a{level}: &a{level} [{}]\n",
            vec![previous; 9].join(", ")
        ));
    }
    kb_with(&kb, "bomb.yaml", &bomb);
    let run = timed(
        &["check", kb.to_str().unwrap(), "--format", "json"],
        temp.path(),
        LIMIT,
    );
    assert_eq!(run.code, 1, "{run}");
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let messages: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} {}", d["file"], d["message"]))
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("deep.yaml") && m.contains("recursion limit")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("bomb.yaml")),
        "{messages:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_the_kb_is_reported_not_followed() {
    let temp = tempfile::tempdir().unwrap();
    let kb = temp.path().join("kb");
    kb_with(
        &kb,
        "ok.yaml",
        "id: ok\ntitle: OK\nentry: c\ncauses:\n  - {id: c, title: C, solutions: [s]}\nsolutions:\n  - {id: s, title: S}\n",
    );
    std::os::unix::fs::symlink(&kb, kb.join("loop")).unwrap();
    let run = timed(&["check", kb.to_str().unwrap()], temp.path(), LIMIT);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stdout.contains("symbolic link loop"), "{run}");
    assert!(run.stdout.contains("checked 1 article"), "{run}");
}

#[test]
fn hostile_markdown_imports_in_bounded_time() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("md");
    let mut table = String::from("# Huge table\n\n## Symptoms\n\n| a | b | c |\n|---|---|---|\n");
    for i in 0..20_000 {
        table.push_str(&format!("| {i} | 0x{i:08X} | text {i} |\n"));
    }
    kb_with(&dir, "table.md", &table);
    kb_with(
        &dir,
        "fence.md",
        "# Fence\n\n## Symptoms\n\n```powershell\nGet-Thing\n## Cause\nnot a heading inside the fence\n",
    );
    kb_with(
        &dir,
        "html.md",
        "# HTML\n\n<div>\n<script>alert(1)</script>\n\n## Cause\n\n<table><tr><td>x</td></tr></table>\n",
    );
    kb_with(&dir, "headings.md", "#\n\n##\n\n###   \n\n## Cause\n\n##\n");
    kb_with(
        &dir,
        "nested.md",
        &format!("# Nested\n\n## Symptoms\n\n{}deep\n", "> ".repeat(5_000)),
    );
    std::fs::write(dir.join("binary.md"), [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    let out = temp.path().join("kb");
    let run = timed(
        &["import", dir.to_str().unwrap(), "-o", out.to_str().unwrap()],
        temp.path(),
        LIMIT,
    );
    assert_eq!(run.code, 1, "binary.md fails, the rest import: {run}");
    assert!(run.stderr.contains("failed        binary.md"), "{run}");
    assert!(run.stderr.contains("5 imported"), "{run}");
    let check = timed(&["check", out.to_str().unwrap()], temp.path(), LIMIT);
    assert_eq!(check.code, 0, "{check}");
}

#[test]
fn read_commands_never_write_to_the_kb() {
    let temp = tempfile::tempdir().unwrap();
    let kb = temp.path().join("kb");
    std::fs::create_dir_all(&kb).unwrap();
    for name in ["sspr-0029.yaml", "sspr-009.yaml", "pwb-8023062c.yaml"] {
        std::fs::copy(repo_root().join("kb").join(name), kb.join(name)).unwrap();
    }
    let before = tree_digest(&kb);
    let kb_arg = kb.to_str().unwrap();
    let site = temp.path().join("site");
    for args in [
        vec!["check", kb_arg],
        vec!["--kb", kb_arg, "search", "sspr"],
        vec!["--kb", kb_arg, "index"],
        vec![
            "--kb",
            kb_arg,
            "solve",
            "sspr-0029",
            "-f",
            "protected-admin=yes",
        ],
        vec!["--kb", kb_arg, "render", "sspr-0029", "--format", "html"],
        vec!["--kb", kb_arg, "graph", "sspr-0029", "--format", "svg"],
        vec!["--kb", kb_arg, "ask", "sspr-0029"],
        vec!["--kb", kb_arg, "site", site.to_str().unwrap()],
    ] {
        timed(&args, temp.path(), LIMIT);
        assert_eq!(before, tree_digest(&kb), "fixpath {args:?} changed the KB");
    }
    let run = timed(&["--kb", kb_arg, "site", kb_arg], temp.path(), LIMIT);
    assert_eq!(run.code, 2, "a site is never written into the KB: {run}");
    assert_eq!(before, tree_digest(&kb));
}

#[test]
fn an_index_build_killed_midway_leaves_a_usable_index() {
    let temp = tempfile::tempdir().unwrap();
    let kb = temp.path().join("kb");
    std::fs::create_dir_all(&kb).unwrap();
    let seed = std::fs::read_to_string(repo_root().join("kb/sspr-0029.yaml")).unwrap();
    for i in 0..300 {
        std::fs::write(
            kb.join(format!("a{i}.yaml")),
            seed.replace("id: sspr-0029", &format!("id: copy-{i}")),
        )
        .unwrap();
    }
    let kb_arg = kb.to_str().unwrap();
    let cache = temp.path().join("cache");
    assert_eq!(timed(&["--kb", kb_arg, "index"], &cache, LIMIT).code, 0);
    for delay in [50, 150, 400] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fixpath"))
            .args(["--kb", kb_arg, "index"])
            .env("FIXPATH_CACHE_DIR", &cache)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let run = timed(
            &["--kb", kb_arg, "search", "-n", "1", "RestrictRemoteSam"],
            &cache,
            LIMIT,
        );
        assert_eq!(run.code, 0, "after killing the build at {delay} ms: {run}");
        assert!(run.stdout.contains("copy-"), "{run}");
    }
}

#[test]
fn a_garbage_index_is_detected_and_rebuilt_with_a_warning() {
    let temp = tempfile::tempdir().unwrap();
    let cache = temp.path().join("cache");
    assert_eq!(timed(&["search", "sspr"], &cache, LIMIT).code, 0);
    let mut damaged = 0;
    for entry in walkdir::WalkDir::new(&cache)
        .into_iter()
        .filter_map(Result::ok)
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "meta.json" || name.ends_with(".term") {
            std::fs::write(entry.path(), b"\x00\x01garbage").unwrap();
            damaged += 1;
        }
    }
    assert!(damaged > 0);
    let run = timed(&["search", "-n", "1", "sspr 0029"], &cache, LIMIT);
    assert_eq!(run.code, 0, "{run}");
    assert!(
        run.stderr.contains("warning: the index was damaged"),
        "{run}"
    );
    assert!(run.stdout.contains("sspr-0029"), "{run}");
    let again = timed(&["search", "-n", "1", "sspr 0029"], &cache, LIMIT);
    assert!(
        again.stderr.is_empty(),
        "the rebuilt index is used quietly: {again}"
    );
}
