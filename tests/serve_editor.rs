//! Writers' editing in `fixpath serve`: the article source API (GET, PATCH with a JSON
//! Patch, PUT), its revision guard, `check` refusing invalid saves, the writer role, the
//! saved version served at once, and `--git-commit`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::blocking::{RequestBuilder, Response};
use serde_json::{Value, json};

use crate::browser::browser_ready;
use crate::serve::Served;
use crate::util::problem;

const ARTICLE: &str = "printer-does-not-print";
const FILE: &str = "printer-does-not-print.yaml";

fn fixture_kb() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/serve_editor/kb")
}

/// A copy of the fixture KB in a git repository of its own, with one commit.
fn kb_repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture_kb()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    for args in [
        &["init", "--quiet"][..],
        &["add", "."],
        &[
            "-c",
            "user.name=Setup",
            "-c",
            "user.email=setup@example.com",
            "commit",
            "--quiet",
            "-m",
            "the KB",
        ],
    ] {
        let status = Command::new("git")
            .arg("-C")
            .arg(dir.path())
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }
    dir
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// The tokens of a writer, an agent and an integration, in `FIXPATH_TOKENS` form.
fn tokens() -> (String, [String; 3]) {
    let names = [
        ("wendy", "writer"),
        ("alice", "agent"),
        ("ticketing", "integration"),
    ];
    let tokens = names.map(|(name, _)| format!("fpt_editor_test_{name}"));
    let env = names
        .iter()
        .zip(&tokens)
        .map(|((name, role), token)| {
            use sha2::Digest;
            format!(
                "{name}:{role}:{}",
                hex::encode(sha2::Sha256::digest(token.as_bytes()))
            )
        })
        .collect::<Vec<_>>()
        .join(",");
    (env, tokens)
}

struct Editing {
    served: Served,
    kb: tempfile::TempDir,
    writer: String,
    agent: String,
    integration: String,
}

impl Editing {
    fn start(extra: &[&str]) -> Editing {
        let kb = kb_repository();
        let (env, [writer, agent, integration]) = tokens();
        let kb_arg = kb.path().display().to_string();
        let mut args = vec!["--kb", kb_arg.as_str()];
        args.extend_from_slice(extra);
        let served = Served::start_with(
            &args,
            &[("FIXPATH_TOKENS", &env)],
            tempfile::tempdir().unwrap(),
        );
        Editing {
            served,
            kb,
            writer,
            agent,
            integration,
        }
    }

    fn request(&self, method: reqwest::Method, path: &str, token: &str) -> RequestBuilder {
        self.served
            .http
            .request(method, self.served.url(path))
            .bearer_auth(token)
    }

    fn source(&self) -> (String, Value) {
        let response = self
            .request(reqwest::Method::GET, &source_path(), &self.writer)
            .send()
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let etag = response.headers()["etag"].to_str().unwrap().to_owned();
        (etag, response.json().unwrap())
    }

    fn patch(&self, etag: &str, patch: &Value) -> Response {
        self.request(reqwest::Method::PATCH, &source_path(), &self.writer)
            .header("content-type", "application/json-patch+json")
            .header("if-match", etag)
            .body(patch.to_string())
            .send()
            .unwrap()
    }

    fn file(&self) -> String {
        std::fs::read_to_string(self.kb.path().join(FILE)).unwrap()
    }
}

fn source_path() -> String {
    format!("/api/v1/articles/{ARTICLE}/source")
}

#[test]
fn source_is_read_and_one_question_patched_as_one_line() {
    let editing = Editing::start(&[]);
    let (etag, source) = editing.source();
    assert_eq!(source["yaml"].as_str().unwrap(), editing.file());
    assert_eq!(
        etag,
        format!("\"{}\"", source["revision"].as_str().unwrap())
    );

    let response = editing.patch(
        &etag,
        &json!([{"op": "replace", "path": "/questions/0/text", "value": "Is the printer's cable plugged in at both ends?"}]),
    );
    let saved_at = Instant::now();
    assert_eq!(response.status(), StatusCode::OK);
    let new_etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let saved: Value = response.json().unwrap();
    assert_eq!(
        new_etag,
        format!("\"{}\"", saved["revision"].as_str().unwrap())
    );
    assert_ne!(new_etag, etag);
    assert!(saved.get("commit").is_none(), "no --git-commit: {saved}");

    // Served within a second of the save: a session begun a second or more after it never
    // asks the old question. Timed by when each probe began, from the save's answer, so a
    // probe that is slow to be answered on a loaded machine is not counted against the server.
    let mut stale_until = None;
    loop {
        let began = saved_at.elapsed();
        let session: Value = editing
            .request(
                reqwest::Method::POST,
                "/api/v1/sessions",
                &editing.integration,
            )
            .json(&json!({"article": ARTICLE}))
            .send()
            .unwrap()
            .json()
            .unwrap();
        let asked = &session["live"]["step"]["question"]["text"];
        if asked == "Is the printer's cable plugged in at both ends?" {
            eprintln!(
                "after the save, the new question was asked by a session begun {began:?} after \
                 it, the old one last by a session begun {stale_until:?} after it"
            );
            break;
        }
        assert!(
            began < Duration::from_secs(1),
            "a session begun {began:?} after the save still asks {asked}: {session:#}"
        );
        stale_until = Some(began);
        std::thread::sleep(Duration::from_millis(50));
    }

    // The diff is that one line.
    let diff = git(editing.kb.path(), &["diff", "--unified=0", "--", FILE]);
    let changed = changed_lines(&diff);
    assert_eq!(
        changed,
        [
            "-    text: Which of these matches what you see?",
            "+    text: Is the printer's cable plugged in at both ends?"
        ]
    );

    // The old revision is stale now: refused, with the current version to compare.
    let stale = editing.patch(
        &etag,
        &json!([{"op": "replace", "path": "/title", "value": "A second tab's title"}]),
    );
    let body = problem(stale, StatusCode::PRECONDITION_FAILED, "stale-revision");
    assert_eq!(body["current"]["revision"], saved["revision"]);
    assert_eq!(
        body["current"]["document"]["questions"][0]["text"],
        "Is the printer's cable plugged in at both ends?"
    );
    assert!(!editing.file().contains("A second tab's title"));
}

#[test]
fn invalid_saves_are_refused_with_line_column_and_pointer() {
    let editing = Editing::start(&[]);
    let (etag, _) = editing.source();
    let before = editing.file();

    // A PUT of malformed YAML: 422, the syntax error's line and column, nothing written.
    let broken = before.replace("title: \"The printer does not print\"", "title: [unclosed");
    let response = editing
        .request(reqwest::Method::PUT, &source_path(), &editing.writer)
        .header("if-match", &etag)
        .json(&json!({"yaml": broken}))
        .send()
        .unwrap();
    let body = problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-article",
    );
    let first = &body["diagnostics"][0];
    assert_eq!(first["code"], "syntax", "{body:#}");
    assert_eq!(first["severity"], "error");
    assert!(first["line"].as_u64().unwrap() >= 3, "{first}");
    assert!(first["column"].as_u64().unwrap() >= 1, "{first}");
    assert_eq!(editing.file(), before);

    // An answer pointed at nothing: 422 at that answer's `goto`.
    let response = editing.patch(
        &etag,
        &json!([{"op": "replace", "path": "/questions/0/answers/1/goto", "value": "nowhere"}]),
    );
    let body = problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-article",
    );
    let dangling = body["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "dangling-reference")
        .unwrap_or_else(|| panic!("{body:#}"));
    assert_eq!(dangling["pointer"], "/questions/0/answers/1/goto");
    assert_eq!(dangling["line"], 24);
    assert_eq!(editing.file(), before);

    // A whole valid text replaces the file.
    let edited = before.replace(
        "title: \"The printer does not print\"",
        "title: \"Nothing prints\"",
    );
    let response = editing
        .request(reqwest::Method::PUT, &source_path(), &editing.writer)
        .header("if-match", &etag)
        .json(&json!({"yaml": edited}))
        .send()
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(editing.file(), edited);

    // Without If-Match: 428.
    let response = editing
        .request(reqwest::Method::PATCH, &source_path(), &editing.writer)
        .header("content-type", "application/json-patch+json")
        .body("[]")
        .send()
        .unwrap();
    problem(
        response,
        StatusCode::PRECONDITION_REQUIRED,
        "revision-required",
    );
}

#[test]
fn only_writers_and_admins_edit() {
    let editing = Editing::start(&[]);
    let (etag, _) = editing.source();
    for token in [&editing.agent, &editing.integration] {
        let response = editing
            .request(reqwest::Method::PATCH, &source_path(), token)
            .header("content-type", "application/json-patch+json")
            .header("if-match", &etag)
            .body(r#"[{"op": "replace", "path": "/title", "value": "x"}]"#)
            .send()
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let response = editing
            .request(reqwest::Method::GET, &source_path(), token)
            .send()
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    assert!(
        editing
            .file()
            .contains("title: \"The printer does not print\"")
    );
    // A writer may use the agents' pages too.
    let response = editing
        .request(reqwest::Method::GET, "/sessions", &editing.writer)
        .send()
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[test]
fn git_commit_commits_each_save_as_the_writer() {
    let editing = Editing::start(&["--git-commit"]);
    let (etag, _) = editing.source();
    let response = editing.patch(
        &etag,
        &json!([{"op": "remove", "path": "/solutions/1/generated"}, {"op": "replace", "path": "/status", "value": "reviewed"}]),
    );
    assert_eq!(response.status(), StatusCode::OK);
    let saved: Value = response.json().unwrap();
    let head = git(editing.kb.path(), &["rev-parse", "HEAD"]);
    assert_eq!(saved["commit"].as_str().unwrap(), head.trim());
    assert_eq!(
        git(editing.kb.path(), &["log", "-1", "--format=%an|%s"]).trim(),
        format!("wendy|{ARTICLE}: edited in fixpath serve")
    );
    assert_eq!(git(editing.kb.path(), &["status", "--porcelain"]), "");
    let shown = git(
        editing.kb.path(),
        &["show", "--format=", "--unified=0", "HEAD"],
    );
    let changed = changed_lines(&shown);
    assert_eq!(
        changed,
        [
            "-status: draft",
            "+status: reviewed",
            "-    generated: true"
        ]
    );
}

#[test]
fn the_source_api_is_in_the_openapi_document() {
    let editing = Editing::start(&[]);
    let document: Value = editing.served.get("/api/v1/openapi.json").json().unwrap();
    let item = &document["paths"]["/api/v1/articles/{id}/source"];
    for method in ["get", "put", "patch"] {
        assert!(item[method].is_object(), "{method}: {item:#}");
    }
    assert!(item["patch"]["requestBody"]["content"]["application/json-patch+json"].is_object());
    for status in ["200", "403", "412", "422"] {
        assert!(item["patch"]["responses"][status].is_object(), "{status}");
    }
}

#[test]
fn token_makes_writer_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.toml");
    let file_arg = file.display().to_string();
    let run = crate::util::fixpath(&["token", "wendy", "--role", "writer", "--file", &file_arg]);
    assert_eq!(run.code, 0, "{run}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("name = \"wendy\"\nrole = \"writer\"\n"),
        "{text}"
    );
}

#[test]
fn a_writer_reviews_a_draft_in_chromium() {
    if !browser_ready() {
        return;
    }
    let editing = Editing::start(&["--git-commit"]);
    let initial = git(editing.kb.path(), &["rev-parse", "HEAD"]);
    let shots = crate::util::repo_root().join("target/browser-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let output = Command::new("node")
        .arg(crate::util::repo_root().join("tests/browser/editor.mjs"))
        .args([
            editing.served.server.url.as_str(),
            &shots.display().to_string(),
            &editing.writer,
            ARTICLE,
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("editor browser checks passed"),
        "browser checks failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for shot in [
        "editor-queue.png",
        "editor-preview.png",
        "editor-stale.png",
        "editor-invalid.png",
        "editor-reviewed.png",
        "editor-nojs.png",
    ] {
        assert!(
            shots.join(shot).metadata().is_ok_and(|m| m.len() > 10_000),
            "{shot} was not saved"
        );
    }
    // Each save was a commit by the writer, and together they changed only the lines edited.
    let authors = git(
        editing.kb.path(),
        &["log", "--format=%an", &format!("{}..HEAD", initial.trim())],
    );
    assert_eq!(authors.lines().collect::<Vec<_>>(), ["wendy", "wendy"]);
    let diff = git(
        editing.kb.path(),
        &["diff", "--unified=0", initial.trim(), "HEAD", "--", FILE],
    );
    let changed = changed_lines(&diff);
    insta::assert_snapshot!(changed.join("\n"));

    // A new agent session asks the new question.
    let session: Value = editing
        .request(
            reqwest::Method::POST,
            "/api/v1/sessions",
            &editing.integration,
        )
        .json(&json!({"article": ARTICLE, "facts": {"which-cause": "cause-1"}}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        session["live"]["step"]["question"]["text"], "Is the USB cable firmly seated at both ends?",
        "{session:#}"
    );
}

/// A browser's sign-in for a token: the cookies, and the CSRF token of a page's forms.
fn sign_in(editing: &Editing, token: &str) -> (String, String) {
    let login = editing.served.get("/login");
    let browser_cookie = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("; ");
    let page = login.text().unwrap();
    let csrf = csrf_of(&page);
    let response = editing
        .served
        .http
        .post(editing.served.url("/login"))
        .header("cookie", &browser_cookie)
        .form(&[("csrf", csrf.as_str()), ("token", token), ("next", "/")])
        .send()
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let login_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let cookies = format!("{browser_cookie}; {login_cookie}");
    // Forms after signing in carry the token's own CSRF token.
    let page = editing
        .served
        .http
        .get(editing.served.url("/review/new"))
        .header("cookie", &cookies)
        .send()
        .unwrap()
        .text()
        .unwrap();
    (cookies, csrf_of(&page))
}

fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    page[at..at + 32].to_owned()
}

fn rows_of(page: &str) -> Vec<String> {
    page.split("<tr><td><a href=\"/articles/")
        .skip(1)
        .map(|row| row.split('/').next().unwrap().to_owned())
        .collect()
}

#[test]
fn the_review_queue_orders_by_impact_and_filters() {
    let editing = Editing::start(&[]);
    // A reviewed article with nothing to do, and one escalated twice.
    let base = std::fs::read_to_string(editing.kb.path().join(FILE)).unwrap();
    for (id, product) in [("quiet-printer", "Printers"), ("busy-scanner", "Scanners")] {
        let text = base
            .replace(ARTICLE, id)
            .replace("status: draft", "status: reviewed")
            .replace("    generated: true\n", "")
            .replace("product: Printers", &format!("product: {product}"));
        std::fs::write(editing.kb.path().join(format!("{id}.yaml")), text).unwrap();
    }
    let kb = editing.kb.path().display().to_string();
    let (env, [writer, _, integration]) = tokens();
    let served = Served::start_with(
        &["--kb", kb.as_str()],
        &[("FIXPATH_TOKENS", &env)],
        tempfile::tempdir().unwrap(),
    );
    for _ in 0..2 {
        let session: Value = served
            .http
            .post(served.url("/api/v1/sessions"))
            .bearer_auth(&integration)
            .json(&json!({"article": "busy-scanner"}))
            .send()
            .unwrap()
            .json()
            .unwrap();
        let response = served
            .http
            .post(served.url(&format!(
                "/api/v1/sessions/{}/steps",
                session["id"].as_str().unwrap()
            )))
            .bearer_auth(&integration)
            .json(&json!({"move": "end", "outcome": "escalated"}))
            .send()
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    let page = |query: &str| {
        served
            .http
            .get(served.url(&format!("/review{query}")))
            .bearer_auth(&writer)
            .send()
            .unwrap()
            .text()
            .unwrap()
    };
    // The escalated article first, the draft with generated marks next; the quiet one not at all.
    assert_eq!(rows_of(&page("")), ["busy-scanner", ARTICLE]);
    assert_eq!(rows_of(&page("?product=Printers")), [ARTICLE]);
    assert_eq!(
        rows_of(&page("?product=Printers&area=Nowhere")),
        Vec::<String>::new()
    );
    let whole = page("");
    let row = whole
        .split("<tr><td><a href=\"/articles/busy-scanner/edit\">")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    insta::assert_snapshot!(row, @"The printer does not print</a><br><code>busy-scanner</code></td><td>Scanners · Office printing</td><td>reviewed</td><td>2</td><td>2</td><td>0</td><td>0</td><td>0</td><td></td><td>8</td>");
    // Agents have no queue.
    let (_, [_, agent, _]) = tokens();
    let refused = served
        .http
        .get(served.url("/review"))
        .bearer_auth(&agent)
        .send()
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[test]
fn new_articles_start_blank_or_from_markdown_and_open_in_the_editor() {
    let editing = Editing::start(&[]);
    let (cookies, csrf) = sign_in(&editing, &editing.writer);
    let create = |form: &[(&str, &str)]| {
        let mut fields = vec![("csrf", csrf.as_str())];
        fields.extend_from_slice(form);
        editing
            .served
            .http
            .post(editing.served.url("/review/new"))
            .header("cookie", &cookies)
            .form(&fields)
            .send()
            .unwrap()
    };
    let blank = create(&[
        ("kind", "blank"),
        ("id", "scanner-jams"),
        ("title", "The scanner jams"),
    ]);
    assert_eq!(blank.status(), StatusCode::SEE_OTHER);
    assert_eq!(blank.headers()["location"], "/articles/scanner-jams/edit");
    let written = std::fs::read_to_string(editing.kb.path().join("scanner-jams.yaml")).unwrap();
    insta::assert_snapshot!(written);
    let check = crate::util::fixpath(&["check", "--kb", &editing.kb.path().display().to_string()]);
    assert_eq!(check.code, 0, "{check}");
    let editor = editing
        .served
        .http
        .get(editing.served.url("/articles/scanner-jams/edit"))
        .header("cookie", &cookies)
        .send()
        .unwrap();
    assert_eq!(editor.status(), StatusCode::OK);
    assert!(editor.text().unwrap().contains("The scanner jams"));

    let markdown = "---\ntitle: Fax lines drop\n---\n# Fax lines drop\n\n## Symptoms\n\nThe fax line drops after a page.\n\n## Cause\n\nThe line is noisy.\n\n## Resolution\n\nAsk the carrier to test the line.\n";
    let imported = create(&[
        ("kind", "markdown"),
        ("markdown", markdown),
        ("file_name", "fax-lines-drop.md"),
    ]);
    assert_eq!(imported.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        imported.headers()["location"],
        "/articles/fax-lines-drop/edit"
    );
    let draft = std::fs::read_to_string(editing.kb.path().join("fax-lines-drop.yaml")).unwrap();
    assert!(draft.starts_with("# yaml-language-server: $schema=article.schema.json\n"));
    assert!(draft.contains("status: draft"), "{draft}");

    // The same id again is refused; so is a form without the page's CSRF token.
    let again = create(&[
        ("kind", "blank"),
        ("id", "scanner-jams"),
        ("title", "Again"),
    ]);
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let forged = editing
        .served
        .http
        .post(editing.served.url("/review/new"))
        .header("cookie", &cookies)
        .form(&[("kind", "blank"), ("id", "forged"), ("title", "Forged")])
        .send()
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(!editing.kb.path().join("forged.yaml").exists());
}

#[test]
fn the_preview_walks_the_edited_document_without_saving() {
    let editing = Editing::start(&[]);
    let (_, source) = editing.source();
    let mut document: Value = serde_yaml::from_str(source["yaml"].as_str().unwrap()).unwrap();
    document["questions"][0]["text"] = json!("Unsaved wording?");
    let preview = |moves: Value, document: &Value| -> Value {
        let response = editing
            .request(
                reqwest::Method::POST,
                &format!("/articles/{ARTICLE}/preview"),
                &editing.writer,
            )
            .json(&json!({"document": document, "moves": moves}))
            .send()
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json().unwrap()
    };
    let first = preview(json!([]), &document);
    assert_eq!(
        first["live"]["step"]["question"]["text"],
        "Unsaved wording?"
    );
    let walked = preview(
        json!([{"move": "answer", "question": "which-cause", "answer": "cause-2"}]),
        &document,
    );
    assert_eq!(walked["live"]["step"]["kind"], "try");
    assert_eq!(walked["live"]["step"]["remedy"], "add-paper");
    let ended = preview(
        json!([{"move": "answer", "question": "which-cause", "answer": "cause-2"}, {"move": "fix", "remedy": "add-paper", "fixed": true}]),
        &document,
    );
    assert_eq!(ended["live"]["step"]["kind"], "ended");
    // A broken document: no walk, the problems at their pointers.
    document["questions"][0]["answers"][0]["goto"] = json!("nowhere");
    let broken = preview(json!([]), &document);
    assert!(broken["live"].is_null());
    assert!(
        broken["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["pointer"] == "/questions/0/answers/0/goto"),
        "{broken:#}"
    );
    assert!(!editing.file().contains("Unsaved wording?"));
}

#[test]
fn learned_figures_sit_beside_the_authored_ones() {
    let editing = Editing::start(&["--watch"]);
    for _ in 0..12 {
        let session: Value = editing
            .request(
                reqwest::Method::POST,
                "/api/v1/sessions",
                &editing.integration,
            )
            .json(&json!({"article": ARTICLE, "facts": {"which-cause": "cause-1"}}))
            .send()
            .unwrap()
            .json()
            .unwrap();
        assert_eq!(session["live"]["step"]["remedy"], "plug-in", "{session:#}");
        let response = editing
            .request(
                reqwest::Method::POST,
                &format!("/api/v1/sessions/{}/steps", session["id"].as_str().unwrap()),
                &editing.integration,
            )
            .json(&json!({"move": "fix", "remedy": "plug-in", "fixed": true}))
            .send()
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    let learned = Command::new(env!("CARGO_BIN_EXE_fixpath"))
        .args(["--kb", &editing.kb.path().display().to_string(), "learn"])
        .env("FIXPATH_DATA_DIR", editing.served._data.path())
        .env_remove("FIXPATH_KB")
        .output()
        .unwrap();
    assert!(learned.status.success(), "{learned:?}");
    // --watch serves the learned figures; the editor shows them beside the authored ones.
    // Polled until they show (a generous deadline only guards against a hang).
    let learned_at = Instant::now();
    let deadline = learned_at + Duration::from_secs(30);
    let boot = loop {
        let page = editing
            .request(
                reqwest::Method::GET,
                &format!("/articles/{ARTICLE}/edit"),
                &editing.writer,
            )
            .send()
            .unwrap()
            .text()
            .unwrap();
        let start = page.find("id=\"editor-boot\">").unwrap() + "id=\"editor-boot\">".len();
        let end = start + page[start..].find("</script>").unwrap();
        let boot: Value = serde_json::from_str(&page[start..end]).unwrap();
        if !boot["learned"].is_null() || Instant::now() > deadline {
            eprintln!(
                "learned figures shown {:?} after learn",
                learned_at.elapsed()
            );
            break boot;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let fix = &boot["learned"]["fixes"]["plug-in"];
    assert_eq!(fix["tried"], 12, "{boot:#}");
    assert_eq!(fix["worked"], 12);
    assert_eq!(fix["authored_minutes"], 20.0);
    assert!(
        boot["learned"]["causes"]["unplugged"]["learned"]
            .as_f64()
            .unwrap()
            > 0.5
    );
}

#[test]
fn the_editor_page_renders_the_source_problems_and_boot_data() {
    let editing = Editing::start(&[]);
    let page = editing
        .request(
            reqwest::Method::GET,
            &format!("/articles/{ARTICLE}/edit"),
            &editing.writer,
        )
        .send()
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    let html = page.text().unwrap();
    let main = &html[html.find("<main").unwrap()..html.find("</main>").unwrap() + 7];
    let (_, source) = editing.source();
    let revision = source["revision"].as_str().unwrap();
    let csrf = regex::Regex::new(r#"data-csrf="[0-9a-f]{32}""#).unwrap();
    let main = csrf
        .replace(main, r#"data-csrf="[csrf]""#)
        .replace(revision, "[revision]");
    insta::assert_snapshot!(main);
}

/// The lines a unified diff adds or removes, without its file headers.
fn changed_lines(diff: &str) -> Vec<&str> {
    diff.lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .collect()
}
