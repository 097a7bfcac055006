//! `fixpath serve` for a working shift: transcripts that say what happened and that a ticket
//! can take, notes and the reference kept with a session, and the troubleshooter page's
//! confirm-once, restart and change-an-answer. The real binary, over HTTP.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::serve::Served;

const CONNECTOR: &str =
    "AD DS Connector account doesn't have the right Active Directory permissions";
const ACCESS_RIGHTS: &str = "password-writeback-access-rights-permissions";

fn patch(served: &Served, id: &str, body: &Value) -> reqwest::blocking::Response {
    served
        .http
        .patch(served.url(&format!("/api/v1/sessions/{id}")))
        .json(body)
        .send()
        .unwrap()
}

fn text(served: &Served, path: &str) -> (reqwest::header::HeaderMap, String) {
    let response = served.get(path);
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let headers = response.headers().clone();
    (headers, response.text().unwrap())
}

/// Answers each question with its first answer until a fix is offered.
fn walk_to_a_fix(served: &Served, id: &str, mut session: Value) -> Value {
    for _ in 0..20 {
        let step = &session["live"]["step"];
        if step["kind"] != "ask" {
            return session;
        }
        let question = step["question"]["id"].as_str().unwrap().to_owned();
        let answer = step["question"]["answers"][0]["value"]
            .as_str()
            .unwrap()
            .to_owned();
        session = served.step(
            id,
            &json!({"move": "answer", "question": question, "answer": answer}),
        );
    }
    panic!("no fix offered: {session}")
}

/// A webhook receiver on a free port: the body of the first POST it gets.
/// A webhook receiver that answers every delivery and hands back the first `session.ended`.
fn receiver() -> (String, std::thread::JoinHandle<Value>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        listener.set_nonblocking(true).unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            assert!(Instant::now() < deadline, "no webhook delivery");
            let Ok((stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(50));
                continue;
            };
            let (_, body) = crate::util::answer_one_request(stream).unwrap();
            let event: Value = serde_json::from_slice(&body).unwrap();
            if event["type"] == "session.ended" {
                return event;
            }
        }
    });
    (url, handle)
}

#[test]
fn a_continued_then_fixed_session_has_a_true_header_and_results_in_every_format() {
    let (hook, delivery) = receiver();
    let served = Served::start(&["--webhook", &hook, "--webhook-secret", "s"]);
    let session = served.start_session(&json!({
        "article": "SSPR_0029",
        "reference": "INC-42/7",
        "problem": "password reset fails for a synced user",
        "facts": {"protected-admin": "no", "event-6329-access-denied": "no",
                  "connect-on-dc-permissions-blocked": "no"},
    }));
    let id = session["id"].as_str().unwrap().to_owned();
    // The Connector cause leads; its fix continues in the access-rights troubleshooter.
    let step = &session["live"]["step"];
    assert_eq!(step["kind"], "try");
    let ranked = session["live"]["path"]["candidates"][0]["percent"].clone();
    assert_eq!(
        session["live"]["path"]["candidates"][0]["cause"]["title"],
        CONNECTOR
    );
    // Notes, added after the start; not a move.
    let noted = patch(
        &served,
        &id,
        &json!({"notes": "Customer: Contoso, call back after 14:00"}),
    );
    assert_eq!(noted.status(), StatusCode::OK);
    let noted: Value = noted.json().unwrap();
    assert_eq!(noted["steps"], session["steps"]);
    assert_eq!(noted["notes"], "Customer: Contoso, call back after 14:00");

    let there = served.step(
        &id,
        &json!({"move": "continue_in", "article": ACCESS_RIGHTS}),
    );
    assert_eq!(there["live"]["article"]["id"], ACCESS_RIGHTS);
    // The first article's checks and tries are in the live view's history: the session
    // went through it.
    assert_eq!(there["live"]["earlier"], json!(["sspr-0029"]));
    let there = walk_to_a_fix(&served, &id, there);
    let remedy = there["live"]["step"]["remedy"].as_str().unwrap().to_owned();
    let cause_there = there["live"]["step"]["cause"]["title"]
        .as_str()
        .unwrap()
        .to_owned();
    let done = served.step(
        &id,
        &json!({"move": "fix", "remedy": remedy, "fixed": true}),
    );
    assert_eq!(done["status"], "fixed");

    let (headers, markdown) = text(&served, &format!("/api/v1/sessions/{id}/transcript"));
    assert_eq!(
        headers["content-disposition"],
        "inline; filename=\"INC-42-7-transcript.md\""
    );
    let url = served.url(&format!("/sessions/{id}"));
    for line in [
        "# Troubleshooting session INC-42/7".to_owned(),
        format!("- Session: <{url}> (id `{id}`)"),
        "- Ticket: INC-42/7".to_owned(),
        "- Problem: password reset fails for a synced user".to_owned(),
        "- Agent: local".to_owned(),
        "- Outcome: **fixed**".to_owned(),
        "## Notes\n\nCustomer: Contoso, call back after 14:00".to_owned(),
        // The first article: continued, never "did not fix it", and the fix's cause is the
        // working hypothesis with the probability the page showed.
        format!("Working hypothesis: {CONNECTOR} ({ranked}%)."),
        "**continued in Troubleshoot password writeback access rights and permissions**".to_owned(),
        // The article where it was fixed: the cause of the fix that worked.
        format!("Cause: {cause_there} (100% given that"),
    ] {
        assert!(markdown.contains(&line), "{line}\n---\n{markdown}");
    }
    for wrong in [
        "did not fix it",
        "Not resolved to one cause",
        "Escalation note",
    ] {
        assert!(!markdown.contains(wrong), "{wrong}\n---\n{markdown}");
    }
    let started = markdown
        .lines()
        .find(|l| l.starts_with("- Started: "))
        .unwrap();
    assert!(started.ends_with(" UTC"), "{started}");
    let ended = markdown
        .lines()
        .find(|l| l.starts_with("- Ended: "))
        .unwrap();
    assert!(
        ended.contains(" UTC (") && (ended.ends_with(" s)") || ended.ends_with(" min)")),
        "{ended}"
    );

    // Plain text: the same words, no Markdown marks.
    let (headers, plain) = text(
        &served,
        &format!("/api/v1/sessions/{id}/transcript?format=text"),
    );
    assert_eq!(headers["content-type"], "text/plain; charset=utf-8");
    for mark in ["**", "`", "# ", "](", "<http"] {
        assert!(!plain.contains(mark), "{mark}\n---\n{plain}");
    }
    assert!(plain.contains("Outcome: fixed"), "{plain}");
    assert!(
        plain.contains(&format!("Working hypothesis: {CONNECTOR}")),
        "{plain}"
    );
    assert!(
        plain.contains(&format!("Session: {url} (id {id})")),
        "{plain}"
    );

    // JSON: the header as `session`, each part's result as data.
    let (_, json_text) = text(
        &served,
        &format!("/api/v1/sessions/{id}/transcript?format=json"),
    );
    let value: Value = serde_json::from_str(&json_text).unwrap();
    assert_eq!(value["session"]["reference"], "INC-42/7");
    assert_eq!(value["session"]["agent"], "local");
    assert_eq!(value["session"]["outcome"], "fixed");
    assert_eq!(value["transcript"]["result"]["kind"], "continued");
    assert_eq!(value["transcript"]["tried"][0]["outcome"], "continued");
    assert_eq!(
        value["continued"][0]["transcript"]["result"]["kind"],
        "fixed"
    );
    assert_eq!(
        value["continued"][0]["transcript"]["result"]["percent"],
        100
    );

    // The pages' downloads are files named after the reference.
    let download = served.get(&format!("/sessions/{id}/transcript.json"));
    assert_eq!(
        download.headers()["content-disposition"],
        "attachment; filename=\"INC-42-7-transcript.json\""
    );
    let download = served.get(&format!("/sessions/{id}/transcript.txt"));
    assert_eq!(
        download.headers()["content-disposition"],
        "attachment; filename=\"INC-42-7-transcript.txt\""
    );

    // The webhook carries the notes, in the session and in the Markdown.
    let event = delivery.join().unwrap();
    assert_eq!(
        event["session"]["notes"],
        "Customer: Contoso, call back after 14:00"
    );
    assert_eq!(event["session"]["reference"], "INC-42/7");
    assert!(event["markdown"].as_str().unwrap().contains("## Notes"));
    assert_eq!(
        event["transcript"]["session"]["notes"],
        event["session"]["notes"]
    );
}

#[test]
fn escalating_after_one_answer_writes_a_note_of_what_was_and_was_not_done() {
    let served = Served::start(&[]);
    let session = served.start_session(&json!({"article": "SSPR_0029"}));
    let id = session["id"].as_str().unwrap().to_owned();
    served.step(
        &id,
        &json!({"move": "answer", "question": "protected-admin", "answer": "no"}),
    );
    served.step(&id, &json!({"move": "end", "outcome": "escalated"}));
    let (headers, markdown) = text(&served, &format!("/api/v1/sessions/{id}/transcript"));
    assert_eq!(
        headers["content-disposition"],
        format!("inline; filename=\"session-{}-transcript.md\"", &id[..8])
    );
    let note = markdown
        .split("## Escalation note")
        .nth(1)
        .expect(&markdown);
    assert!(note.contains("Escalated by the agent while this article still had steps to offer."));
    assert!(note.contains("Fixes tried:\n- none"), "{note}");
    assert!(!markdown.contains("was tried"), "{markdown}");
    assert!(note.contains(&format!("- {CONNECTOR} (")), "{note}");
    assert!(
        note.contains("not tried: Resolve Active Directory permission issues"),
        "{note}"
    );
    assert!(
        note.contains("Causes ruled out:\n- Can't use password writeback"),
        "{note}"
    );
    assert!(
        note.contains("Linked troubleshooters not visited:"),
        "{note}"
    );
    let collect = note
        .split("Data to collect for level 2:")
        .nth(1)
        .expect(note);
    assert!(collect.contains("Event ID 6329"), "{collect}");
    assert!(
        collect.contains("Open **Event Viewer**"),
        "the help text goes with it: {collect}"
    );
}

#[test]
fn an_escalation_left_by_the_planner_shows_its_note_on_the_page_before_closing() {
    let served = Served::start(&[]);
    // Every cause ruled out: the planner's step is to escalate.
    let session = served.start_session(&json!({
        "article": "SSPR_0029",
        "facts": {"protected-admin": "no", "event-6329-access-denied": "no",
                  "connect-on-dc-permissions-blocked": "no"},
    }));
    let id = session["id"].as_str().unwrap().to_owned();
    let mut session = session;
    for _ in 0..6 {
        if session["live"]["step"]["kind"] != "try" {
            break;
        }
        let remedy = session["live"]["step"]["remedy"]
            .as_str()
            .unwrap()
            .to_owned();
        session = served.step(
            &id,
            &json!({"move": "fix", "remedy": remedy, "fixed": false}),
        );
    }
    assert_eq!(session["live"]["step"]["kind"], "escalate", "{session}");
    assert_eq!(session["live"]["step"]["note"]["reason"], "no_cause");
    assert_eq!(session["status"], "open");
    let page = served.get(&format!("/sessions/{id}")).text().unwrap();
    assert!(page.contains("Transcript for the ticket"), "{page}");
    assert!(page.contains("## Escalation note"), "{page}");
    assert!(page.contains("The answers and the fixes that did not work rule out every cause"));
}

#[test]
fn a_step_without_its_answer_is_422_and_null_is_dont_know() {
    let served = Served::start(&[]);
    let session = served.start_session(&json!({"article": "SSPR_0029"}));
    let id = session["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/sessions/{id}/steps");
    let response = served.post_json(
        &path,
        &json!({"move": "answer", "question": "protected-admin"}),
    );
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = response.json().unwrap();
    assert_eq!(problem["type"], "urn:fixpath:problem:missing-answer");
    assert!(problem["detail"].as_str().unwrap().contains("null"));
    let read: Value = served
        .get(&format!("/api/v1/sessions/{id}"))
        .json()
        .unwrap();
    assert_eq!(read["steps"], 0, "nothing was recorded");
    let after = served.step(
        &id,
        &json!({"move": "answer", "question": "protected-admin", "answer": null}),
    );
    assert_eq!(
        after["state"]["legs"][0]["events"][0]["answer"],
        Value::Null
    );
    assert_eq!(
        after["live"]["path"]["checked"][0]["answer_label"],
        "Don't know"
    );
}

#[test]
fn answering_again_is_a_change_the_transcript_shows_with_its_time() {
    let served = Served::start(&[]);
    let session = served.start_session(&json!({"article": "SSPR_0029"}));
    let id = session["id"].as_str().unwrap().to_owned();
    served.step(
        &id,
        &json!({"move": "answer", "question": "protected-admin", "answer": "no"}),
    );
    let after = served.step(
        &id,
        &json!({"move": "answer", "question": "protected-admin", "answer": "yes"}),
    );
    let changes = &after["transcript"]["transcript"]["changes"];
    assert_eq!(changes[0]["from"], "No");
    assert_eq!(changes[0]["to"], "Yes");
    let at = changes[0]["at"].as_str().unwrap().to_owned();
    assert!(at.len() == 5 && at.as_bytes()[2] == b':', "{at}");
    let (_, markdown) = text(&served, &format!("/api/v1/sessions/{id}/transcript"));
    assert!(
        markdown.contains(&format!("**Yes** (changed from No to Yes at {at} UTC)")),
        "{markdown}"
    );
    assert!(markdown.contains("## Answers changed"), "{markdown}");
}

#[test]
fn a_fix_against_an_earlier_answer_says_so_on_the_page_and_in_the_api() {
    let served = Served::start(&[]);
    let session = served.start_session(&json!({
        "article": "SSPR_0029",
        "facts": {"protected-admin": "no", "event-6329-access-denied": "yes",
                  "restrict-remote-sam-present": "yes", "keep-sam-policy": "yes"},
    }));
    let id = session["id"].as_str().unwrap().to_owned();
    assert_eq!(session["live"]["step"]["remedy"], "allow-connector-account");
    assert_eq!(session["live"]["step"]["against"], json!([]));
    let page = served.get(&format!("/sessions/{id}")).text().unwrap();
    assert!(!page.contains("goes against"));
    let after = served.step(
        &id,
        &json!({"move": "fix", "remedy": "allow-connector-account", "fixed": false}),
    );
    assert_eq!(after["live"]["step"]["remedy"], "remove-sam-policy");
    assert_eq!(
        after["live"]["step"]["against"][0]["question_id"],
        "keep-sam-policy"
    );
    assert_eq!(
        after["live"]["step"]["against"][0]["answer_label"],
        "Yes, keep the policy"
    );
    let page = served.get(&format!("/sessions/{id}")).text().unwrap();
    assert!(
        page.contains("This fix goes against an earlier answer:"),
        "{page}"
    );
    assert!(
        page.contains("<strong>Yes, keep the policy</strong>"),
        "{page}"
    );
}

/// A browser without JavaScript: its cookie, pages and forms.
struct Browser<'s> {
    served: &'s Served,
    cookie: String,
}

impl<'s> Browser<'s> {
    fn new(served: &'s Served) -> Browser<'s> {
        let home = served.get("/");
        let header = home.headers()["set-cookie"].to_str().unwrap();
        Browser {
            served,
            cookie: header.split(';').next().unwrap().to_owned(),
        }
    }

    fn get(&self, path: &str) -> String {
        let response = self
            .served
            .http
            .get(self.served.url(path))
            .header("cookie", &self.cookie)
            .send()
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        response.text().unwrap()
    }

    /// Posts a form; returns where it redirects.
    fn post(&self, path: &str, form: &[(&str, &str)]) -> String {
        let response = self
            .served
            .http
            .post(self.served.url(path))
            .header("cookie", &self.cookie)
            .form(form)
            .send()
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path} {form:?}");
        response.headers()["location"].to_str().unwrap().to_owned()
    }
}

fn field(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no {name} field"))
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn ending_asks_once_restart_begins_anew_and_notes_and_references_are_kept() {
    let served = Served::start(&[]);
    let browser = Browser::new(&served);
    // The search results' start buttons take a ticket reference.
    let results = browser.get("/search?q=SSPR_0029");
    assert!(results.contains("name=\"reference\""), "{results}");
    let csrf = field(&results, "csrf");
    let location = browser.post(
        "/sessions",
        &[
            ("csrf", &csrf),
            ("article", "sspr-0029"),
            ("reference", "INC-900"),
        ],
    );
    let id = location.strip_prefix("/sessions/").unwrap().to_owned();
    let page = browser.get(&location);
    // Number keys are shown beside the answers; focus and skip link are there.
    assert!(page.contains("<kbd class=\"key hidden\" aria-hidden=\"true\">1</kbd>"));
    assert!(page.contains("data-key=\"0\""));
    assert!(page.contains("class=\"skip\" href=\"#main\""));
    assert!(page.contains("Question 1: about "), "progress: {page}");

    // Notes and the reference, saved from the page.
    let saved = browser.post(
        &format!("/sessions/{id}/details"),
        &[
            ("csrf", &csrf),
            ("reference", "INC-901"),
            ("notes", "VIP user"),
        ],
    );
    assert_eq!(saved, format!("/sessions/{id}?notice=saved#notes"));
    let page = browser.get(&format!("/sessions/{id}"));
    assert!(page.contains(">VIP user</textarea>"), "{page}");
    assert!(page.contains("ticket INC-901"));
    // `/sessions` finds it by reference, and says which filter is shown.
    let list = browser.get("/sessions?reference=INC-901");
    assert!(list.contains(&id[..8]), "{list}");
    assert!(
        list.contains("for ticket <span class=\"current\">INC-901</span>"),
        "{list}"
    );
    let other = browser.get("/sessions?reference=INC-900");
    assert!(!other.contains(&id[..8]), "{other}");

    // Change an answer: the answers so far, each with its other choices.
    let steps = field(&page, "steps");
    browser.post(
        &format!("/sessions/{id}/steps"),
        &[
            ("csrf", &csrf),
            ("steps", &steps),
            ("question", "protected-admin"),
            ("choice", "answer:yes"),
        ],
    );
    let page = browser.get(&format!("/sessions/{id}"));
    assert!(
        page.contains("<summary>Change an answer</summary>"),
        "{page}"
    );
    assert!(
        page.contains("value=\"answer:no\" class=\"secondary\">Change to: No</button>"),
        "{page}"
    );
    // Protected admin: the by-design explanation is the only cause left; showing it asks
    // once before closing the session.
    let steps = field(&page, "steps");
    let remedy = field(&page, "remedy");
    let confirm = browser.post(
        &format!("/sessions/{id}/steps"),
        &[
            ("csrf", &csrf),
            ("steps", &steps),
            ("remedy", &remedy),
            ("choice", "fixed"),
        ],
    );
    assert_eq!(
        confirm,
        format!("/sessions/{id}?confirm=fixed&remedy={remedy}#step")
    );
    let read: Value = served
        .get(&format!("/api/v1/sessions/{id}"))
        .json()
        .unwrap();
    assert_eq!(read["status"], "open", "not closed before it is confirmed");
    let page = browser.get(confirm.trim_end_matches("#step"));
    assert!(page.contains("Close the session as fixed?"), "{page}");
    assert!(
        !page.contains("data-keys"),
        "no key answers the confirmation"
    );
    browser.post(
        &format!("/sessions/{id}/steps"),
        &[
            ("csrf", &csrf),
            ("steps", &steps),
            ("remedy", &remedy),
            ("choice", "fixed"),
            ("confirmed", "1"),
        ],
    );
    let read: Value = served
        .get(&format!("/api/v1/sessions/{id}"))
        .json()
        .unwrap();
    assert_eq!(read["status"], "fixed");
    assert_eq!(read["notes"], "VIP user");
    assert_eq!(read["reference"], "INC-901");

    // Restart: a new session on the same article and ticket.
    let restarted = browser.post(&format!("/sessions/{id}/restart"), &[("csrf", &csrf)]);
    let new_id = restarted
        .strip_prefix("/sessions/")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    assert_ne!(new_id, id);
    let fresh: Value = served
        .get(&format!("/api/v1/sessions/{new_id}"))
        .json()
        .unwrap();
    assert_eq!(fresh["status"], "open");
    assert_eq!(fresh["reference"], "INC-901");
    assert_eq!(fresh["steps"], 0);
    assert_eq!(fresh["live"]["article"]["id"], "sspr-0029");
}

#[test]
fn patching_a_session_changes_its_notes_and_reference_and_refuses_what_is_not() {
    let served = Served::start(&[]);
    let session = served.start_session(&json!({"article": "SSPR_0029", "reference": "A-1"}));
    let id = session["id"].as_str().unwrap().to_owned();
    let cleared: Value = patch(&served, &id, &json!({"reference": null, "notes": "n"}))
        .json()
        .unwrap();
    assert_eq!(cleared["reference"], Value::Null);
    assert_eq!(cleared["notes"], "n");
    let kept: Value = patch(&served, &id, &json!({"reference": "B-2"}))
        .json()
        .unwrap();
    assert_eq!(
        (kept["reference"].as_str(), kept["notes"].as_str()),
        (Some("B-2"), Some("n"))
    );
    for (body, status) in [
        (json!({}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"colour": "red"}), StatusCode::UNPROCESSABLE_ENTITY),
        (
            json!({"notes": "x".repeat(8001)}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"reference": "y".repeat(2001)}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let response = patch(&served, &id, &body);
        assert_eq!(response.status(), status, "{body}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
    }
    let missing = patch(&served, &"0".repeat(32), &json!({"notes": "x"}));
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    // The API's document describes it.
    let document: Value = served.get("/api/v1/openapi.json").json().unwrap();
    let operation = &document["paths"]["/api/v1/sessions/{id}"]["patch"];
    assert_eq!(
        operation["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/DetailsRequest"
    );
    assert!(document["components"]["schemas"]["EventSession"]["properties"]["notes"].is_object());
}

/// The served troubleshooter for a shift in Chromium (`tests/browser/shift.mjs`): start with
/// a reference, notes, continue in, fixed; escalate after one answer; a stray key asks once;
/// change an answer; restart; the session list by reference in dark mode; JavaScript off.
#[test]
fn a_shift_in_chromium() {
    if !crate::browser::browser_ready() {
        return;
    }
    let shots = crate::util::repo_root().join("target/browser-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let served = Served::start(&[]);
    crate::browser::node(
        "shift.mjs",
        &[&served.server.url, &shots.display().to_string()],
    );
    for shot in [
        "shift-fix.png",
        "shift-continued.png",
        "shift-transcript.png",
        "shift-escalated.png",
        "shift-confirm.png",
        "shift-changed.png",
        "shift-sessions-dark.png",
        "shift-ended-nojs.png",
        "shift-search.png",
        "shift-stats.png",
    ] {
        assert!(
            shots.join(shot).metadata().is_ok_and(|m| m.len() > 10_000),
            "{shot} was not saved"
        );
    }
}

#[test]
fn back_right_after_continue_in_crosses_back_to_the_earlier_article() {
    let served = Served::start(&[]);
    let session = served.start_session(&json!({
        "article": "SSPR_0029",
        "facts": {"protected-admin": "no", "event-6329-access-denied": "no",
                  "connect-on-dc-permissions-blocked": "no"},
    }));
    let id = session["id"].as_str().unwrap().to_owned();
    let offered = session["live"]["step"]["remedy"].clone();
    let there = served.step(
        &id,
        &json!({"move": "continue_in", "article": ACCESS_RIGHTS}),
    );
    assert_eq!(there["live"]["can_go_back"], true);
    assert_eq!(there["live"]["back_to"], "sspr-0029");
    let page = served.get(&format!("/sessions/{id}")).text().unwrap();
    assert!(page.contains("← Back to SSPR_0029"), "{page}");
    let back = served.step(&id, &json!({"move": "back"}));
    assert_eq!(back["live"]["article"]["id"], "sspr-0029");
    assert_eq!(back["live"]["step"]["remedy"], offered);
    assert_eq!(back["live"]["tried"], json!([]));
    assert_eq!(back["status"], "open");
    let events = back["state"]["legs"][0]["events"].as_array().unwrap();
    let moves: Vec<&str> = events.iter().map(|e| e["move"].as_str().unwrap()).collect();
    assert_eq!(moves[moves.len() - 2..], ["continue_in", "back"]);
    assert_eq!(back["state"]["legs"].as_array().unwrap().len(), 1);
}

#[test]
fn search_in_the_browser_marks_matches_says_what_it_read_and_folds_weak_matches() {
    let served = Served::start(&[]);
    let page = served
        .get("/search?q=acess%20denied%20writeback")
        .text()
        .unwrap();
    assert!(
        page.contains("Read as: <del>acess</del> → <strong>access</strong>"),
        "{page}"
    );
    assert!(page.contains("<mark>"), "{page}");
    let marked: Vec<&str> = page
        .split("<mark>")
        .skip(1)
        .map(|rest| rest.split("</mark>").next().unwrap())
        .collect();
    assert!(
        marked.iter().all(|word| {
            let word = word.to_lowercase();
            ["access", "denied", "writeback", "deni"]
                .iter()
                .any(|w| word.starts_with(&w[..4]))
        }),
        "{marked:?}"
    );
    // Weak matches are folded under the strong ones, numbered on.
    let (strong, weak) = page.split_once("<details class=\"weak\">").expect(&page);
    assert!(strong.matches("<li>").count() >= 1);
    assert!(weak.contains("weaker match"), "{weak}");
    assert!(weak.contains("<ol class=\"results\" start=\""), "{weak}");
    // Nothing found: a suggestion to follow.
    let page = served.get("/search?q=netlxgn").text().unwrap();
    assert!(
        page.contains("Did you mean <a href=\"/search?q=netlogon\">netlogon</a>?"),
        "{page}"
    );
}

#[test]
fn statistics_name_articles_and_causes_and_count_a_continued_session_in_both_articles() {
    let served = Served::start(&[]);
    let session = served.start_session(&json!({
        "article": "SSPR_0029",
        "facts": {"protected-admin": "no", "event-6329-access-denied": "no",
                  "connect-on-dc-permissions-blocked": "no"},
    }));
    let id = session["id"].as_str().unwrap().to_owned();
    let there = served.step(
        &id,
        &json!({"move": "continue_in", "article": ACCESS_RIGHTS}),
    );
    let there = walk_to_a_fix(&served, &id, there);
    let remedy = there["live"]["step"]["remedy"].as_str().unwrap().to_owned();
    let cause = there["live"]["step"]["cause"]["title"]
        .as_str()
        .unwrap()
        .to_owned();
    served.step(
        &id,
        &json!({"move": "fix", "remedy": remedy, "fixed": true}),
    );
    let page = served.get("/stats").text().unwrap();
    // Both articles have a row, by title; the first counts the session as continued.
    let row = |title: &str| -> String {
        page.split("<tr>")
            .find(|r| r.contains(title) && r.contains("<td>"))
            .unwrap_or_else(|| panic!("no row for {title}: {page}"))
            .to_owned()
    };
    let first = row("SSPR_0029 - Your organization");
    assert!(
        first.contains("<td>1</td><td>0 (0%)</td><td>1</td>"),
        "{first}"
    );
    let second = row("Troubleshoot password writeback access rights and permissions</a>");
    assert!(
        second.contains("<td>1</td><td>1 (100%)</td><td>0</td>"),
        "{second}"
    );
    // Bars are labelled in words, causes by title.
    assert!(page.contains("Continued in another article"), "{page}");
    assert!(page.contains("1 of 1 resolved (100%)"), "{page}");
    assert!(page.contains(&format!("{cause}: 1 of 1")), "{page}");
}
