//! Who may do what: access tokens with roles, kept hashed in a file (or an environment
//! variable) and read again as soon as the file changes, so a revoked token is refused at
//! the next request; the browser's sign-in (its cookie holds a random secret the session
//! store maps to the token: signing out ends it, everywhere if asked, and a revoked token
//! ends its sign-ins); CSRF tokens for forms; a rate limit per token.
//!
//! The tokens file (TOML), one table per token; `fixpath token` writes the lines:
//!
//! ```toml
//! [[token]]
//! name = "alice"
//! role = "agent"          # agent: pages and sessions; integration: the API; writer: pages
//!                         # and the editor; admin: all
//! sha256 = "9f86d0…"      # the SHA-256 of the token, hex
//! ```
//!
//! `FIXPATH_TOKENS` holds the same entries as `name:role:sha256` separated by commas.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::{Duration, SystemTime};

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Role {
    /// The browser pages and sessions.
    Agent,
    /// The API under /api/v1.
    Integration,
    /// Everything, and what only leads need (tokens, reload, the check page).
    Admin,
    /// The pages, the review queue and the editor (the article source API included).
    Writer,
}

impl Role {
    /// True when this role may use routes meant for `needed`.
    pub(crate) fn allows(self, needed: Role) -> bool {
        self == Role::Admin || self == needed || (self == Role::Writer && needed == Role::Agent)
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Integration => "integration",
            Role::Admin => "admin",
            Role::Writer => "writer",
        }
    }
}

/// Someone the server knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Identity {
    /// The token's name (`local` when the server runs without tokens).
    pub(crate) name: String,
    pub(crate) role: Role,
    /// The SHA-256 of the token, hex (empty without tokens): what CSRF tokens derive from.
    pub(crate) hash: String,
}

impl Identity {
    /// The one user of a server without tokens.
    pub(crate) fn local() -> Identity {
        Identity {
            name: "local".to_owned(),
            role: Role::Admin,
            hash: String::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenFile {
    #[serde(default)]
    token: Vec<TokenEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenEntry {
    name: String,
    role: Role,
    sha256: String,
}

/// The SHA-256 of a token, hex.
pub(crate) fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random token (256 bits), with the `fpt_` prefix that makes it easy to find in logs.
pub(crate) fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system gives random bytes");
    format!("fpt_{}", hex::encode(bytes))
}

#[derive(Debug, Default)]
struct Loaded {
    /// By hash.
    tokens: HashMap<String, Identity>,
    /// The file's modification time and length when read.
    stamp: Option<(SystemTime, u64)>,
    /// Why the file could not be read the last time (the earlier tokens stay in force).
    error: Option<String>,
}

/// The configured tokens.
#[derive(Debug)]
pub(crate) struct Tokens {
    file: Option<PathBuf>,
    env: Vec<TokenEntry>,
    loaded: RwLock<Loaded>,
}

impl Tokens {
    /// Reads the tokens file and the `FIXPATH_TOKENS` value; fails on a malformed one.
    pub(crate) fn open(file: Option<&Path>, env: Option<&str>) -> anyhow::Result<Tokens> {
        let env = match env {
            Some(text) => parse_env(text)?,
            None => Vec::new(),
        };
        let tokens = Tokens {
            file: file.map(Path::to_path_buf),
            env,
            loaded: RwLock::new(Loaded::default()),
        };
        if let Some(path) = file {
            let entries = read_file(path)?;
            tokens.install(entries, stamp(path));
        } else {
            tokens.install(Vec::new(), None);
        }
        Ok(tokens)
    }

    /// True when any token is configured (the server then requires one).
    pub(crate) fn required(&self) -> bool {
        self.file.is_some() || !self.env.is_empty()
    }

    /// How many tokens are in force.
    pub(crate) fn count(&self) -> usize {
        self.loaded.read().expect("not poisoned").tokens.len()
    }

    fn install(&self, entries: Vec<TokenEntry>, stamp: Option<(SystemTime, u64)>) {
        let tokens = self
            .env
            .iter()
            .chain(entries.iter())
            .map(|entry| {
                let hash = entry.sha256.to_ascii_lowercase();
                let identity = Identity {
                    name: entry.name.clone(),
                    role: entry.role,
                    hash: hash.clone(),
                };
                (hash, identity)
            })
            .collect();
        *self.loaded.write().expect("not poisoned") = Loaded {
            tokens,
            stamp,
            error: None,
        };
    }

    /// Reads the file again when it changed since it was read.
    fn refresh(&self) {
        let Some(path) = &self.file else { return };
        let now = stamp(path);
        if self.loaded.read().expect("not poisoned").stamp == now {
            return;
        }
        match read_file(path) {
            Ok(entries) => self.install(entries, now),
            Err(error) => {
                // A half-written file must not lock everyone out, nor let anyone in who
                // was removed: keep only the tokens still in both.
                let mut loaded = self.loaded.write().expect("not poisoned");
                if loaded.error.is_none() {
                    eprintln!("warning: cannot read the tokens file: {error:#}");
                }
                loaded.error = Some(format!("{error:#}"));
                loaded.tokens.clear();
                loaded.stamp = now;
            }
        }
    }

    /// Who holds this token, if anyone (the file is read again first when it changed).
    pub(crate) fn identify(&self, token: &str) -> Option<Identity> {
        self.identify_hash(&hash_token(token.trim()))
    }

    /// Who holds the token with this SHA-256 (hex), if it is still in force: what a
    /// browser's sign-in stands for.
    pub(crate) fn identify_hash(&self, hash: &str) -> Option<Identity> {
        self.refresh();
        let loaded = self.loaded.read().expect("not poisoned");
        loaded
            .tokens
            .iter()
            .find(|(known, _)| constant_time_eq(known.as_bytes(), hash.as_bytes()))
            .map(|(_, identity)| identity.clone())
    }
}

fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

fn read_file(path: &Path) -> anyhow::Result<Vec<TokenEntry>> {
    use anyhow::Context as _;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the tokens file {}", path.display()))?;
    let file: TokenFile = toml::from_str(&text)
        .with_context(|| format!("the tokens file {} is malformed", path.display()))?;
    for entry in &file.token {
        check_hash(&entry.sha256)
            .with_context(|| format!("{}: token {}", path.display(), entry.name))?;
    }
    Ok(file.token)
}

fn parse_env(text: &str) -> anyhow::Result<Vec<TokenEntry>> {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut fields = part.splitn(3, ':');
            let (Some(name), Some(role), Some(sha256)) =
                (fields.next(), fields.next(), fields.next())
            else {
                anyhow::bail!("FIXPATH_TOKENS: `{part}` is not NAME:ROLE:SHA256");
            };
            let role = <Role as clap::ValueEnum>::from_str(role, true).map_err(|_| {
                anyhow::anyhow!(
                    "FIXPATH_TOKENS: `{role}` is not agent, integration, writer or admin"
                )
            })?;
            check_hash(sha256)?;
            Ok(TokenEntry {
                name: name.to_owned(),
                role,
                sha256: sha256.to_owned(),
            })
        })
        .collect()
}

fn check_hash(hash: &str) -> anyhow::Result<()> {
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        anyhow::bail!(
            "`sha256` must be 64 hex digits (the SHA-256 of the token; `fixpath token` writes it)"
        );
    }
    Ok(())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The CSRF token of a form for this identity and browser: derived from the token's hash
/// (with tokens) or the browser's own random cookie (without), never from anything a
/// cross-site page can read.
pub(crate) fn csrf_token(identity: &Identity, browser: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"fixpath-csrf\0");
    hasher.update(identity.hash.as_bytes());
    hasher.update(b"\0");
    hasher.update(browser.as_bytes());
    hex::encode(&hasher.finalize()[..16])
}

/// True when a form's CSRF field is the one expected.
pub(crate) fn csrf_ok(identity: &Identity, browser: &str, given: &str) -> bool {
    !browser.is_empty()
        && constant_time_eq(csrf_token(identity, browser).as_bytes(), given.as_bytes())
}

/// A rate limit per token name (governor's keyed GCRA limiter).
pub(crate) struct Limiter {
    limiter: governor::DefaultKeyedRateLimiter<String>,
    clock: governor::clock::DefaultClock,
}

impl std::fmt::Debug for Limiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limiter").finish_non_exhaustive()
    }
}

impl Limiter {
    /// `per_second` requests a second for each token, in bursts of up to `burst`.
    pub(crate) fn new(per_second: u32, burst: u32) -> Limiter {
        use std::num::NonZeroU32;
        let per_second = NonZeroU32::new(per_second).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst).unwrap_or(per_second);
        let quota = governor::Quota::per_second(per_second).allow_burst(burst);
        Limiter {
            limiter: governor::RateLimiter::keyed(quota),
            clock: governor::clock::DefaultClock::default(),
        }
    }

    /// `Ok` when `who` may make a request now, else how long to wait.
    pub(crate) fn check(&self, who: &str) -> Result<(), Duration> {
        use governor::clock::Clock as _;
        match self.limiter.check_key(&who.to_owned()) {
            Ok(()) => Ok(()),
            Err(not_until) => Err(not_until.wait_time_from(self.clock.now())),
        }
    }
}
