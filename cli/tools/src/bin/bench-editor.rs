//! The writers' editor of `fixpath serve`: page, preview step and save, timed.
//!
//! `cargo build --release -p fixpath-cli && cargo run --release -p fixpath-tools --bin
//! bench-editor [-- ROUNDS]` (default 50) serves a copy of the default KB (release build,
//! loopback, a writer token) and times, on its largest article with questions:
//! - the editor page (`GET /articles/{id}/edit`): the server's own time (its
//!   `Server-Timing` header) and the round trip;
//! - a preview step (`POST /articles/{id}/preview`, the document and one answer);
//! - save to served: a `PATCH` of one question's text until a new session (a separate
//!   request) asks the new text.
//!
//! Each figure is the median and the maximum over the rounds. `FIXPATH_BENCH_BIN=PATH`
//! measures another build of `fixpath` than `target/release/fixpath`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Instant;

use fixpath_tools::common;
use fixpath_tools::server::Server;
use serde_json::{Value, json};

const TOKEN: &str = "fpt_bench_editor_writer";
/// The ticket system's token, which starts the sessions that show what is served.
const INTEGRATION: &str = "fpt_bench_editor_integration";

fn main() -> anyhow::Result<()> {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50);
    let root = common::repo_root();
    let fixpath = common::release_fixpath(&root)?;
    let work = tempfile::TempDir::with_prefix("fixpath-bench-editor-")?;
    let kb = work.path().join("kb");
    std::fs::create_dir_all(&kb)?;
    let mut largest: Option<(u64, String)> = None;
    for entry in std::fs::read_dir(root.join("kb"))? {
        let path = entry?.path();
        if !path.is_file() {
            continue;
        }
        std::fs::copy(&path, kb.join(path.file_name().unwrap_or_default()))?;
        let text = std::fs::read_to_string(&path)?;
        let is_article = path.extension().is_some_and(|e| e == "yaml")
            && text.contains("\nquestions:")
            && path.file_name().is_some_and(|n| n != "learned.yaml");
        let size = text.len() as u64;
        if is_article && largest.as_ref().is_none_or(|(s, _)| size > *s) {
            let id = text
                .lines()
                .find_map(|l| l.strip_prefix("id: "))
                .unwrap_or_default()
                .trim()
                .to_owned();
            largest = Some((size, id));
        }
    }
    let (size, article) = largest.ok_or_else(|| anyhow::anyhow!("no article with questions"))?;
    println!("article: {article} ({size} bytes of YAML)");
    let hash = fixpath::text::digest(TOKEN.as_bytes());
    let data = work.path().join("data");
    let cache = work.path().join("cache");
    let tokens = format!(
        "bench:writer:{hash},tickets:integration:{}",
        fixpath::text::digest(INTEGRATION.as_bytes())
    );
    let kb_arg = kb.display().to_string();
    let server = Server::start(
        &fixpath,
        &["--kb", &kb_arg],
        &[
            ("FIXPATH_TOKENS", tokens.as_str()),
            ("FIXPATH_DATA_DIR", &data.display().to_string()),
            ("FIXPATH_CACHE_DIR", &cache.display().to_string()),
        ],
    )?;
    let address = server.url.trim_start_matches("http://").to_owned();

    // The editor page.
    let page = format!("/articles/{article}/edit");
    let mut page_server = Vec::new();
    let mut page_trip = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        let answer = http(&address, "GET", &page, &[], "")?;
        page_trip.push(started.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(
            answer.status == 200,
            "the editor page answered {}",
            answer.status
        );
        page_server.push(answer.server_ms()?);
    }
    report("editor page, server time", &mut page_server);
    report("editor page, round trip", &mut page_trip);

    // A preview step: the document and the first question's first answer.
    let source = http(
        &address,
        "GET",
        &format!("/api/v1/articles/{article}/source"),
        &[],
        "",
    )?;
    let source: Value = serde_json::from_str(&source.body)?;
    let yaml = source["yaml"].as_str().unwrap_or_default();
    let document = fixpath::load::edit::document(yaml)?;
    let question = &document["questions"][0];
    let body = json!({
        "document": document,
        "moves": [{"move": "answer", "question": question["id"], "answer": question["answers"][0]["value"]}],
    })
    .to_string();
    let mut preview_server = Vec::new();
    let mut preview_trip = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        let answer = http(
            &address,
            "POST",
            &format!("/articles/{article}/preview"),
            &[("content-type", "application/json")],
            &body,
        )?;
        preview_trip.push(started.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(
            answer.status == 200,
            "the preview answered {}: {}",
            answer.status,
            answer.body
        );
        preview_server.push(answer.server_ms()?);
    }
    report("preview step, server time", &mut preview_server);
    report("preview step, round trip", &mut preview_trip);

    // Save to served: a PATCH, then new sessions until one asks the new text.
    let mut revision = source["revision"].as_str().unwrap_or_default().to_owned();
    let mut served = Vec::new();
    let saves = rounds.min(20);
    for round in 0..saves {
        let text = format!(
            "{} (edit {round})",
            question["text"].as_str().unwrap_or_default()
        );
        let patch =
            json!([{"op": "replace", "path": "/questions/0/text", "value": text}]).to_string();
        let started = Instant::now();
        let if_match = format!("\"{revision}\"");
        let answer = http(
            &address,
            "PATCH",
            &format!("/api/v1/articles/{article}/source"),
            &[
                ("content-type", "application/json-patch+json"),
                ("if-match", &if_match),
            ],
            &patch,
        )?;
        anyhow::ensure!(
            answer.status == 200,
            "the save answered {}: {}",
            answer.status,
            answer.body
        );
        revision = serde_json::from_str::<Value>(&answer.body)?["revision"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let facts = json!({"article": article}).to_string();
        loop {
            let session = http(
                &address,
                "POST",
                "/api/v1/sessions",
                &[
                    ("content-type", "application/json"),
                    ("authorization", &format!("Bearer {INTEGRATION}")),
                ],
                &facts,
            )?;
            anyhow::ensure!(
                session.status == 201,
                "the start answered {}: {}",
                session.status,
                session.body
            );
            let session: Value = serde_json::from_str(&session.body)?;
            // The live view renders the text's Markdown (`*X*` is `<em>X</em>`), so look
            // for the round's own plain suffix.
            if serde_json::to_string(&session["live"])?.contains(&format!("(edit {round})")) {
                break;
            }
            anyhow::ensure!(started.elapsed().as_secs() < 10, "not served after 10 s");
        }
        served.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    report("save to served", &mut served);
    drop(server);
    Ok(())
}

fn report(what: &str, times: &mut [f64]) {
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let max = times[times.len() - 1];
    println!(
        "{what}: median {median:.1} ms, max {max:.1} ms ({} runs)",
        times.len()
    );
}

struct Answer {
    status: u16,
    head: String,
    body: String,
}

impl Answer {
    /// The server's own time, from its `Server-Timing: app;dur=MS` header.
    fn server_ms(&self) -> anyhow::Result<f64> {
        let line = self
            .head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("server-timing:"))
            .ok_or_else(|| anyhow::anyhow!("no Server-Timing header"))?;
        let duration = line
            .split("dur=")
            .nth(1)
            .ok_or_else(|| anyhow::anyhow!("no duration in {line}"))?;
        Ok(duration.trim().parse()?)
    }
}

/// One request over a fresh connection, with the writer's token unless `headers` name
/// another.
fn http(
    address: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> anyhow::Result<Answer> {
    let mut stream = TcpStream::connect(address)?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("authorization"))
    {
        request.push_str(&format!("Authorization: Bearer {TOKEN}\r\n"));
    }
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes())?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .ok_or_else(|| anyhow::anyhow!("no body: {answer}"))?;
    let status = head.get(9..12).unwrap_or("0").parse()?;
    // Bodies of unknown length come chunked.
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Ok(Answer {
        status,
        head: head.to_owned(),
        body,
    })
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || tail.len() < size {
            break;
        }
        out.push_str(&tail[..size]);
        rest = tail[size..].trim_start_matches("\r\n");
    }
    out
}
