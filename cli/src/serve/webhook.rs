//! Background work: webhook deliveries from the outbox, and abandoning idle sessions.
//!
//! A session's end writes its event to the outbox in the same transaction as the step, one
//! delivery per target. Deliveries are leased (so several instances never send one at
//! the same time), POSTed with an HMAC-SHA256 signature of the body, and retried with
//! backoff until the receiver answers 2xx: a receiver down, or a server restarted, loses
//! none. An event may arrive twice (a crash between sending and recording): its `id`
//! lets the receiver drop the second.

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
    loop {
        let due = match state.desk.store.due(now(), LEASE_MS, 32).await {
            Ok(due) => due,
            Err(error) => {
                eprintln!("warning: webhook outbox: {error}");
                Vec::new()
            }
        };
        let idle = due.is_empty();
        for delivery in due {
            let outcome = send(&client, &secret, &delivery).await;
            let outcome = outcome.map_err(|error| (error, now() + backoff(delivery.attempts)));
            if let Err(error) = state
                .desk
                .store
                .delivery_result(&delivery, now(), outcome)
                .await
            {
                eprintln!("warning: webhook outbox: {error}");
            }
        }
        if idle {
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

async fn send(client: &reqwest::Client, secret: &str, delivery: &Delivery) -> Result<(), String> {
    let body = delivery.payload.clone().into_bytes();
    let response = client
        .post(&delivery.target)
        .header("content-type", "application/json")
        .header("user-agent", concat!("fixpath/", env!("CARGO_PKG_VERSION")))
        .header("x-fixpath-event", "session.ended")
        .header("x-fixpath-delivery", &delivery.event_id)
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
    fn backoff_doubles_up_to_thirty_seconds() {
        let waits: Vec<i64> = (0..8).map(backoff).collect();
        assert_eq!(waits, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    }
}
