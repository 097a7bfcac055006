//! Background work: webhook deliveries from the outbox, and abandoning idle sessions.
//!
//! A session's end writes its event to the outbox in the same transaction as the step, one
//! delivery per target. Deliveries are leased (so several instances never send one at
//! the same time), POSTed with an HMAC-SHA256 signature of the body, and retried with
//! backoff until the receiver answers 2xx: a receiver down, or a server restarted, loses
//! none. An event may arrive twice (a crash between sending and recording): its `id`
//! lets the receiver drop the second. Each try stamps the body's `timestamp` with the
//! time it is sent, so a receiver can refuse old bodies (replays) and still take a retry.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::Shared;
use super::desk::{EndOutcome, StepRequest};
use super::store::Delivery;

/// How long a delivery is leased to the instance sending it (ms).
const LEASE_MS: i64 = 60_000;
/// The longest wait between two tries (s).
const MAX_BACKOFF_S: i64 = 30;

/// The signature header's value: `sha256=` and the hex HMAC-SHA256 of the body.
pub(crate) fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn now() -> i64 {
    fixpath::session::Timestamp::now().0
}

/// The wait before try number `attempts + 1`: 1 s, 2 s, 4 s, … up to 30 s.
fn backoff(attempts: i64) -> i64 {
    1000 * (1i64 << attempts.clamp(0, 5)).min(MAX_BACKOFF_S)
}

/// Sends due deliveries until the server stops.
pub(crate) async fn deliver(state: Shared, secret: String) {
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: webhooks are off: {error}");
            return;
        }
    };
    let mut counted_at = 0;
    loop {
        if now() - counted_at >= 1000 {
            counted_at = now();
            if let Ok(pending) = state.desk.store.pending_deliveries().await {
                metrics::gauge!("fixpath_webhook_queue_depth").set(pending as f64);
            }
        }
        let due = match state.desk.store.due(now(), LEASE_MS, 32).await {
            Ok(due) => due,
            Err(error) => {
                metrics::counter!("fixpath_store_errors_total", "kind" => "webhook").increment(1);
                tracing::warn!(%error, "webhook outbox");
                Vec::new()
            }
        };
        let idle = due.is_empty();
        for delivery in due {
            let outcome = send(&client, &secret, &delivery).await;
            match &outcome {
                Ok(()) => metrics::counter!("fixpath_webhook_deliveries_total").increment(1),
                Err(error) => {
                    metrics::counter!("fixpath_webhook_failures_total").increment(1);
                    tracing::warn!(event = %delivery.event_id, target = %target_url(&delivery.target), %error, "webhook delivery failed");
                }
            }
            let outcome = outcome.map_err(|error| (error, now() + backoff(delivery.attempts)));
            if let Err(error) = state
                .desk
                .store
                .delivery_result(&delivery, now(), outcome)
                .await
            {
                metrics::counter!("fixpath_store_errors_total", "kind" => "webhook").increment(1);
                tracing::warn!(%error, "webhook outbox");
            }
        }
        if idle {
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

/// The URL a target is sent to (without the `#steps` mark).
fn target_url(target: &str) -> &str {
    target.split_once('#').map_or(target, |(url, _)| url)
}

/// The body of one try: the event with `timestamp` set to the time it is sent (s).
fn stamped(payload: &str, sent_at: i64) -> Vec<u8> {
    match serde_json::from_str::<serde_json::Value>(payload) {
        Ok(mut event) => {
            event["timestamp"] = sent_at.into();
            serde_json::to_vec(&event).unwrap_or_else(|_| payload.as_bytes().to_vec())
        }
        Err(_) => payload.as_bytes().to_vec(),
    }
}

async fn send(client: &reqwest::Client, secret: &str, delivery: &Delivery) -> Result<(), String> {
    let sent_at = now() / 1000;
    let body = stamped(&delivery.payload, sent_at);
    let response = client
        .post(target_url(&delivery.target))
        .header("content-type", "application/json")
        .header("user-agent", concat!("fixpath/", env!("CARGO_PKG_VERSION")))
        .header("x-fixpath-event", &delivery.kind)
        .header("x-fixpath-delivery", &delivery.event_id)
        .header("x-fixpath-timestamp", sent_at.to_string())
        .header("x-fixpath-signature", signature(secret, &body))
        .body(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("the receiver answered {}", response.status()))
    }
}

/// Ends sessions left open longer than `after` as abandoned (through the engine, like any
/// other step, so their end is sent too).
pub(crate) async fn sweep_idle(state: Shared, after: Duration) {
    if after.is_zero() {
        return;
    }
    let every = (after / 4).clamp(Duration::from_secs(1), Duration::from_secs(60));
    loop {
        tokio::time::sleep(every).await;
        let before = now() - after.as_millis() as i64;
        let idle = match state.desk.store.idle(before, 100).await {
            Ok(idle) => idle,
            Err(error) => {
                eprintln!("warning: idle sessions: {error}");
                continue;
            }
        };
        for id in idle {
            let end = StepRequest::End {
                outcome: EndOutcome::Abandoned,
                expect_steps: None,
            };
            // Another instance may have ended it first: that is fine.
            let _ = state.desk.step(&id, &end, "fixpath").await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hmac_sha256_of_the_body() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_try_stamps_the_time_it_is_sent_and_the_steps_mark_stays_home() {
        let body = stamped(r#"{"id":"e","timestamp":1}"#, 1_800_000_000);
        let event: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(event["timestamp"], 1_800_000_000);
        assert_eq!(event["id"], "e");
        assert_eq!(
            target_url("https://x.example/hook#steps"),
            "https://x.example/hook"
        );
        assert_eq!(
            target_url("https://x.example/hook"),
            "https://x.example/hook"
        );
    }

    #[test]
    fn backoff_doubles_up_to_thirty_seconds() {
        let waits: Vec<i64> = (0..8).map(backoff).collect();
        assert_eq!(waits, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    }
}
