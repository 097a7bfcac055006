//! Connections: how many may be open at once, and how long one may sit without a request.
//!
//! Every accepted connection is registered with its [`Activity`] (when it last did
//! something, whether a request is being answered). A connection with no request in
//! flight for [`IDLE_TIMEOUT`] is closed, counted from accept: a client that connects and
//! sends nothing, or half a request head, holds its descriptor for that long at most.
//! At the cap (below the process's descriptor limit), a new connection closes the one idle
//! longest to make room, so a probe (`/healthz`) is answered however many idle connections
//! a client holds; only when every connection is busy is the new one refused. Used by
//! `serve_connections` in `mod.rs`.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long a connection may go without a request in flight (from accept, or from its
/// last answer) before it is closed.
pub(crate) const IDLE_TIMEOUT: Duration = Duration::from_secs(10);

/// Descriptors kept for everything but client connections: the store's connections and
/// files, the search index, the watcher, webhook deliveries, the metrics listener.
const RESERVED_DESCRIPTORS: u64 = 128;

/// What one connection is doing.
#[derive(Debug)]
pub(crate) struct Activity {
    /// Milliseconds since the registry began, at the last accept, request or answer.
    last: AtomicU64,
    /// Requests being answered now.
    in_flight: AtomicUsize,
    /// Told to close (the registry needs its place).
    close: tokio::sync::Notify,
    epoch: Instant,
}

impl Activity {
    fn now(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    /// A request arrived.
    pub(crate) fn begin(&self) {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        self.last.store(self.now(), Ordering::SeqCst);
    }

    /// Its answer is on its way.
    pub(crate) fn end(&self) {
        self.last.store(self.now(), Ordering::SeqCst);
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
    }

    fn idle_for(&self) -> Option<Duration> {
        (self.in_flight.load(Ordering::SeqCst) == 0).then(|| {
            Duration::from_millis(self.now().saturating_sub(self.last.load(Ordering::SeqCst)))
        })
    }

    /// Resolves when the connection should close: idle for [`IDLE_TIMEOUT`], or told to.
    pub(crate) async fn expired(&self) {
        loop {
            let wait = match self.idle_for() {
                Some(idle) if idle >= IDLE_TIMEOUT => return,
                Some(idle) => IDLE_TIMEOUT - idle,
                None => IDLE_TIMEOUT,
            };
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = self.close.notified() => return,
            }
        }
    }
}

/// The open connections.
#[derive(Debug)]
pub(crate) struct Connections {
    cap: usize,
    next: AtomicU64,
    open: Mutex<HashMap<u64, Arc<Activity>>>,
    epoch: Instant,
}

/// A registered connection; unregistered when dropped.
#[derive(Debug)]
pub(crate) struct Registered {
    id: u64,
    pub(crate) activity: Arc<Activity>,
    connections: Arc<Connections>,
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut open) = self.connections.open.lock() {
            open.remove(&self.id);
        }
        metrics::gauge!("fixpath_open_connections").decrement(1.0);
    }
}

impl Connections {
    /// A registry that holds at most `cap` connections.
    pub(crate) fn new(cap: usize) -> Arc<Connections> {
        Arc::new(Connections {
            cap: cap.max(1),
            next: AtomicU64::new(0),
            open: Mutex::new(HashMap::new()),
            epoch: Instant::now(),
        })
    }

    /// The most connections open at once.
    pub(crate) fn cap(&self) -> usize {
        self.cap
    }

    /// Registers a connection just accepted, making room at the cap by closing the one
    /// idle longest; `None` (refuse it) when every connection is answering a request.
    pub(crate) fn admit(self: &Arc<Self>) -> Option<Registered> {
        let mut open = self.open.lock().ok()?;
        if open.len() >= self.cap {
            let idlest = open
                .iter()
                .filter_map(|(id, activity)| activity.idle_for().map(|idle| (idle, *id)))
                .max();
            let (_, id) = idlest?;
            if let Some(activity) = open.remove(&id) {
                activity.close.notify_one();
                metrics::counter!("fixpath_connections_shed_total").increment(1);
            }
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let activity = Arc::new(Activity {
            last: AtomicU64::new(self.epoch.elapsed().as_millis() as u64),
            in_flight: AtomicUsize::new(0),
            close: tokio::sync::Notify::new(),
            epoch: self.epoch,
        });
        open.insert(id, activity.clone());
        metrics::gauge!("fixpath_open_connections").increment(1.0);
        Some(Registered {
            id,
            activity,
            connections: self.clone(),
        })
    }
}

/// The cap on open connections: `wanted`, but below the descriptor limit (raised to the
/// hard limit first, as Go's runtime does), keeping [`RESERVED_DESCRIPTORS`] for the rest.
pub(crate) fn connection_cap(wanted: usize) -> usize {
    let limit = raise_descriptor_limit();
    let room = limit
        .saturating_sub(RESERVED_DESCRIPTORS.max(limit / 8))
        .max(16);
    wanted.min(usize::try_from(room).unwrap_or(usize::MAX))
}

/// Raises the soft limit on open files to the hard one; returns the limit in force.
#[cfg(unix)]
fn raise_descriptor_limit() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read and write the struct given, nothing else.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 1024;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    limit.rlim_cur
}

#[cfg(not(unix))]
fn raise_descriptor_limit() -> u64 {
    8192
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn at_the_cap_the_idlest_connection_makes_room_and_a_busy_one_never_does() {
        let connections = Connections::new(2);
        let first = connections.admit().unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        let second = connections.admit().unwrap();
        // The first has been idle longest: it is told to close.
        let third = connections.admit().unwrap();
        tokio::time::timeout(Duration::from_secs(1), first.activity.expired())
            .await
            .expect("the idlest connection is told to close");
        drop(first);
        // Both open ones busy: a new one is refused.
        second.activity.begin();
        third.activity.begin();
        assert!(connections.admit().is_none());
        third.activity.end();
        assert!(connections.admit().is_some());
    }

    #[test]
    fn the_cap_stays_below_the_descriptor_limit() {
        let cap = connection_cap(usize::MAX);
        assert!((cap as u64) < raise_descriptor_limit());
        assert_eq!(connection_cap(10), 10);
    }
}
