//! `fixpath serve` under load, beside the same work done in process.
//!
//! `cargo build --release -p fixpath-cli && cargo run --release -p fixpath-tools --bin
//! bench-serve [-- SIZE]` (default 10000) builds the KB of `bench-search` at SIZE articles,
//! serves it (release build, loopback, SQLite, durable commits) and loads it with `wrk`
//! (32 connections, 2 threads, 20 s; `BENCH_SECONDS` to change) for: `GET /api/v1/search`
//! over fifty queries of the evaluation set, a session step (POST, an answer to one of 1,000
//! sessions), and the agent's troubleshooter page (GET of one of those sessions). Beside
//! each it runs the same work in this process on two threads: the search, the engine's
//! restore-and-move of a stored state, and the restore, live view and page template. It
//! prints the server's peak RSS under that load, and the time from start until `/healthz`
//! answers on the embedded KB (p50 of 10 starts). Then the search load again during an
//! idle-connection storm (2,000 connections that send nothing, re-opened as the server
//! closes them), and a step's time by the session's length (p50 of 20 sequential steps,
//! `?view=live`, at 10 and at 480 steps). Needs `wrk` (`apt-get install wrk`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use fixpath::links::Style;
use fixpath::search::KbSource;
use fixpath::session::{Session, SessionState, Subject, Timestamp};
use fixpath::solve::Given;
use fixpath_tools::common;
use fixpath_tools::server::Server;
use serde_json::{Value, json};

/// What `wrk` measured.
struct Load {
    rate: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
    peak_rss_kib: u64,
}

fn main() -> anyhow::Result<()> {
    let size: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let root = common::repo_root();
    let fixpath = common::release_fixpath(&root)?;
    common::require("wrk", "--version", "apt-get install wrk")?;
    let work = tempfile::TempDir::with_prefix("fixpath-bench-serve-")?;
    let kb = work.path().join("kb");
    let cache = work.path().join("cache");
    let sources = common::read_corpus(&root.join("../shared/corpus/dev"))?;
    let base = common::import_corpus(&sources)?;
    common::write_bench_kb(&root, &kb, None, &sources, &base, size)?;
    let indexed = Command::new(&fixpath)
        .arg("--kb")
        .arg(&kb)
        .arg("index")
        .env("FIXPATH_CACHE_DIR", &cache)
        .output()?;
    anyhow::ensure!(indexed.status.success(), "fixpath index failed");
    println!("## {size} articles, {seconds} s of load per figure, wrk -t2 -c32");

    let start_ms = start_to_healthz(&fixpath, work.path())?;
    println!("start until /healthz answers (embedded KB, p50 of 10): {start_ms:.0} ms");

    let kb_arg = kb.display().to_string();
    let db = format!("sqlite://{}", work.path().join("bench.sqlite").display());
    let cache_arg = cache.display().to_string();
    let server = Server::start(
        &fixpath,
        &["--kb", &kb_arg, "--db", &db],
        &[("FIXPATH_CACHE_DIR", &cache_arg)],
    )?;
    let address = server.url.trim_start_matches("http://").to_owned();
    let sessions: Vec<String> = (0..1000)
        .map(|_| {
            let created = request(
                &address,
                "POST",
                "/api/v1/sessions",
                Some(&json!({"article": "sspr-0029"})),
            )?;
            Ok(created["id"].as_str().unwrap_or_default().to_owned())
        })
        .collect::<anyhow::Result<_>>()?;
    let queries = common::bench_queries(&root)?;
    let scripts = work.path();
    write_scripts(scripts, &queries, &sessions)?;

    let search = wrk(&server, &scripts.join("search.lua"), seconds)?;
    let step = wrk(&server, &scripts.join("step.lua"), seconds)?;
    let page = wrk(&server, &scripts.join("page.lua"), seconds)?;
    let storm = IdleStorm::start(&address, STORM_CONNECTIONS);
    let search_storm = wrk(&server, &scripts.join("search.lua"), seconds)?;
    let storm_opened = storm.stop();
    let (short_ms, long_ms) = step_by_length(&address)?;

    let stored = request(
        &address,
        "GET",
        &format!("/api/v1/sessions/{}", sessions[0]),
        None,
    )?;
    drop(server);

    let library = InProcess::open(&kb, &cache)?;
    let state: SessionState = serde_json::from_value(stored["state"].clone())?;
    let search_in = in_process(seconds.min(10), |i| {
        let _ = library.catalog.search(&queries[i % queries.len()], 10);
    });
    let step_in = in_process(seconds.min(10), |i| library.step(&state, i));
    let page_in = in_process(seconds.min(10), |_| library.page(&state));

    println!(
        "\n| figure | goal | served | p50 | p99 | non-2xx | in process (2 threads) | served / in process |"
    );
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (name, goal, load, inside) in [
        (
            "GET /api/v1/search",
            "≥ 1,500 req/s, p99 ≤ 30 ms, ≥ 60% of in process",
            &search,
            search_in,
        ),
        (
            "session step (POST, SQLite, durable)",
            "≥ 1,000 req/s, p99 ≤ 30 ms",
            &step,
            step_in,
        ),
        (
            "troubleshooter page (GET)",
            "≥ 1,000 req/s, p99 ≤ 30 ms",
            &page,
            page_in,
        ),
    ] {
        println!(
            "| {name} | {goal} | {:.0} req/s | {:.1} ms | {:.1} ms | {} | {inside:.0} /s | {:.0}% |",
            load.rate,
            load.p50_ms,
            load.p99_ms,
            load.errors,
            100.0 * load.rate / inside
        );
    }
    println!(
        "| GET /api/v1/search during an idle-connection storm ({STORM_CONNECTIONS} idle, {storm_opened} opened) | ≥ 90% of without | {:.0} req/s | {:.1} ms | {:.1} ms | {} | | {:.0}% of without |",
        search_storm.rate,
        search_storm.p50_ms,
        search_storm.p99_ms,
        search_storm.errors,
        100.0 * search_storm.rate / search.rate
    );
    println!(
        "| a step at 10 steps / at 480 steps (p50 of 20, sequential, ?view=live) | the same, or a cap (500) | {short_ms:.2} ms / {long_ms:.2} ms | | | | | {:.1}× |",
        long_ms / short_ms
    );
    let peak = [&search, &step, &page, &search_storm]
        .iter()
        .map(|l| l.peak_rss_kib)
        .max()
        .unwrap_or(0);
    println!(
        "| server's peak RSS under that load | ≤ 150 MB | {:.1} MiB | | | | | |",
        peak as f64 / 1024.0
    );
    println!(
        "| start until /healthz answers, embedded KB | ≤ 300 ms | {start_ms:.0} ms | | | | | |"
    );
    Ok(())
}

/// p50 of ten starts of `fixpath serve` on the embedded KB until `/healthz` answers 200.
fn start_to_healthz(fixpath: &Path, work: &Path) -> anyhow::Result<f64> {
    let mut times = Vec::new();
    for run in 0..10 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let db = format!(
            "sqlite://{}",
            work.join(format!("start-{run}.sqlite")).display()
        );
        let started = Instant::now();
        let mut child = Command::new(fixpath)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--db", &db])
            .env_remove("FIXPATH_KB")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let address = format!("127.0.0.1:{port}");
        loop {
            if started.elapsed() > Duration::from_secs(10) {
                anyhow::bail!("the server did not answer /healthz within 10 s");
            }
            if raw_status(&address, "/healthz").is_ok_and(|s| s == 200) {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        child.kill()?;
        child.wait()?;
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

/// Idle connections held during the storm.
const STORM_CONNECTIONS: usize = 2000;

/// A client that holds connections open and sends nothing, opening new ones as the server
/// closes them (bounded: it stops when told, and never holds more than it was asked).
struct IdleStorm {
    stop: Arc<AtomicBool>,
    worker: std::thread::JoinHandle<u64>,
}

impl IdleStorm {
    fn start(address: &str, connections: usize) -> IdleStorm {
        raise_open_files();
        let stop = Arc::new(AtomicBool::new(false));
        let address = address.to_owned();
        let worker = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut held: Vec<TcpStream> = Vec::with_capacity(connections);
                let mut opened = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    // Drop the ones the server closed (a read of 0 bytes), open new ones.
                    held.retain(|stream| {
                        let mut byte = [0u8; 1];
                        match stream.peek(&mut byte) {
                            Ok(0) => false,
                            Ok(_) => true,
                            Err(e) => e.kind() == std::io::ErrorKind::WouldBlock,
                        }
                    });
                    while held.len() < connections {
                        let Ok(stream) = TcpStream::connect(&address) else {
                            break;
                        };
                        let _ = stream.set_nonblocking(true);
                        held.push(stream);
                        opened += 1;
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
                opened
            })
        };
        IdleStorm { stop, worker }
    }

    /// Stops it; how many connections it opened in all.
    fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.worker.join().unwrap_or(0)
    }
}

/// Raises this process's limit on open files to its hard limit.
fn raise_open_files() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct given.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

/// p50 times of 20 sequential steps (`?view=live`) on a session at 10 steps and at 480.
fn step_by_length(address: &str) -> anyhow::Result<(f64, f64)> {
    let created = request(
        address,
        "POST",
        "/api/v1/sessions",
        Some(&json!({"article": "sspr-0029"})),
    )?;
    let id = created["id"].as_str().unwrap_or_default().to_owned();
    let path = format!("/api/v1/sessions/{id}/steps?view=live");
    let answers = ["yes", "no"];
    let step = |index: usize| -> anyhow::Result<f64> {
        let started = Instant::now();
        let body = json!({"move": "answer", "question": "event-6329-access-denied", "answer": answers[index % 2]});
        let answer = request(address, "POST", &path, Some(&body))?;
        anyhow::ensure!(answer["steps"].is_number(), "a step failed: {answer}");
        Ok(started.elapsed().as_secs_f64() * 1000.0)
    };
    let p50 = |mut times: Vec<f64>| {
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    };
    let mut taken = created["steps"].as_u64().unwrap_or(0) as usize;
    while taken < 10 {
        step(taken)?;
        taken += 1;
    }
    let short = (0..20)
        .map(|i| step(taken + i))
        .collect::<anyhow::Result<Vec<_>>>()?;
    taken += 20;
    while taken < 480 {
        step(taken)?;
        taken += 1;
    }
    let long = (0..20)
        .map(|i| step(taken + i))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok((p50(short), p50(long)))
}

fn raw_status(address: &str, path: &str) -> anyhow::Result<u16> {
    let mut stream = TcpStream::connect(address)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head)?;
    Ok(std::str::from_utf8(&head[9..12])?.parse()?)
}

/// One JSON request over a fresh connection.
fn request(address: &str, method: &str, path: &str, body: Option<&Value>) -> anyhow::Result<Value> {
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut stream = TcpStream::connect(address)?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let (_, body) = answer
        .split_once("\r\n\r\n")
        .ok_or_else(|| anyhow::anyhow!("no body: {answer}"))?;
    Ok(serde_json::from_str(body)?)
}

fn lua_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("{:?}", s)).collect();
    format!("{{{}}}", quoted.join(", "))
}

fn write_scripts(dir: &Path, queries: &[String], sessions: &[String]) -> anyhow::Result<()> {
    let encoded: Vec<String> = queries
        .iter()
        .map(|q| url::form_urlencoded::byte_serialize(q.as_bytes()).collect())
        .collect();
    // Each wrk thread has its own Lua state: `setup` numbers them, and each starts at its own
    // place in the list, so two threads do not step the same session at the same moment.
    let counter = "local threads = 0\nfunction setup(thread) thread:set(\"id\", threads); threads = threads + 1 end\n\
        local counter = 0\nfunction init(args) counter = (id or 0) * 499 end\n\
        local function next_index(n) counter = counter + 1; return (counter % n) + 1 end\n";
    std::fs::write(
        dir.join("search.lua"),
        format!(
            "{counter}local queries = {}\nrequest = function()\n  return wrk.format(\"GET\", \"/api/v1/search?q=\" .. queries[next_index(#queries)])\nend\n",
            lua_list(&encoded)
        ),
    )?;
    std::fs::write(
        dir.join("step.lua"),
        format!(
            "{counter}local sessions = {}\nlocal answers = {{'\"yes\"', '\"no\"', 'null'}}\nrequest = function()\n  local i = next_index(#sessions)\n  local body = '{{\"move\":\"answer\",\"question\":\"event-6329-access-denied\",\"answer\":' .. answers[(counter % 3) + 1] .. '}}'\n  return wrk.format(\"POST\", \"/api/v1/sessions/\" .. sessions[i] .. \"/steps\", {{[\"Content-Type\"] = \"application/json\"}}, body)\nend\n",
            lua_list(sessions)
        ),
    )?;
    std::fs::write(
        dir.join("page.lua"),
        format!(
            "{counter}local sessions = {}\nrequest = function()\n  return wrk.format(\"GET\", \"/sessions/\" .. sessions[next_index(#sessions)])\nend\n",
            lua_list(sessions)
        ),
    )?;
    Ok(())
}

/// Runs wrk with this script; samples the server's RSS meanwhile.
fn wrk(server: &Server, script: &Path, seconds: u64) -> anyhow::Result<Load> {
    let pid = server.pid();
    let done = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (done, peak) = (done.clone(), peak.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                if let Some(rss) = rss_kib(pid) {
                    peak.fetch_max(rss, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let output = Command::new("wrk")
        .args(["-t2", "-c32", &format!("-d{seconds}s"), "--latency", "-s"])
        .arg(script)
        .arg(&server.url)
        .output()?;
    done.store(true, Ordering::Relaxed);
    sampler.join().ok();
    let text = String::from_utf8_lossy(&output.stdout);
    println!("\n{}:\n{text}", script.display());
    let number_after = |label: &str| -> Option<&str> {
        text.lines()
            .find(|l| l.trim_start().starts_with(label))
            .and_then(|l| l.trim_start()[label.len()..].split_whitespace().next())
    };
    let millis = |value: &str| -> f64 {
        let (number, unit) = value.split_at(
            value
                .find(|c: char| c.is_alphabetic())
                .unwrap_or(value.len()),
        );
        let number: f64 = number.parse().unwrap_or(f64::NAN);
        match unit {
            "us" => number / 1000.0,
            "ms" => number,
            "s" => number * 1000.0,
            _ => f64::NAN,
        }
    };
    Ok(Load {
        rate: number_after("Requests/sec:")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0),
        p50_ms: number_after("50%").map_or(f64::NAN, millis),
        p99_ms: number_after("99%").map_or(f64::NAN, millis),
        errors: number_after("Non-2xx or 3xx responses:")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
        peak_rss_kib: peak.load(Ordering::Relaxed),
    })
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `work` on two threads for `seconds`; calls per second.
fn in_process(seconds: u64, work: impl Fn(usize) + Sync) -> f64 {
    let calls = AtomicU64::new(0);
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    std::thread::scope(|scope| {
        for thread in 0..2 {
            let (calls, work) = (&calls, &work);
            scope.spawn(move || {
                let mut i = thread * 1_000_003;
                while Instant::now() < until {
                    work(i);
                    i += 1;
                    calls.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    calls.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

/// The engine's side of each request, without HTTP or a database.
struct InProcess {
    catalog: fixpath::catalog::Catalog,
    article: fixpath::model::Article,
    shown: fixpath::model::Article,
    links: fixpath::links::Links,
    renderer: fixpath::render::Renderer,
}

impl InProcess {
    fn open(kb: &Path, cache: &Path) -> anyhow::Result<InProcess> {
        let (catalog, _) = fixpath::catalog::Catalog::open(KbSource::Dir(kb), cache)?;
        let mut single = catalog
            .article("sspr-0029")?
            .ok_or_else(|| anyhow::anyhow!("no sspr-0029"))?;
        let entry = single
            .kb
            .articles
            .pop()
            .ok_or_else(|| anyhow::anyhow!("empty"))?;
        let links = catalog.links(&entry)?;
        let shown = links.resolve_article(&entry.article, Style::Site);
        Ok(InProcess {
            catalog,
            shown,
            article: entry.article,
            links,
            renderer: fixpath::render::Renderer::new(None)?,
        })
    }

    fn subject(&self) -> Subject<'_> {
        Subject::new(&self.shown, &self.article, &self.links)
    }

    /// Restore the stored state, answer, and serialise the new state.
    fn step(&self, state: &SessionState, i: usize) {
        let text = serde_json::to_string(state).unwrap_or_default();
        let state: SessionState = serde_json::from_str(&text).expect("a stored state");
        let mut session =
            Session::restore(self.subject(), state, Timestamp::now()).expect("restores");
        let given = match i % 3 {
            0 => Given::Answer("yes".to_owned()),
            1 => Given::Answer("no".to_owned()),
            _ => Given::Unknown,
        };
        let question = fixpath::model::NodeId("event-6329-access-denied".to_owned());
        session
            .answer(&question, given, Timestamp::now())
            .expect("answers");
        std::hint::black_box(serde_json::to_string(session.state()).unwrap_or_default());
    }

    /// Restore the stored state, build the live view, render the page's template.
    fn page(&self, state: &SessionState) {
        let session =
            Session::restore(self.subject(), state.clone(), Timestamp::now()).expect("restores");
        let live = fixpath::render::view::live_view(&session).expect("a view");
        let context = json!({
            "served": true,
            "csrf": "0123456789abcdef0123456789abcdef",
            "session": {"id": "0123456789abcdef0123456789abcdef", "status": "open", "steps": 3},
            "live": live,
        });
        std::hint::black_box(
            self.renderer
                .render_named("html/serve/session.html.j2", &context)
                .unwrap_or_default(),
        );
    }
}
