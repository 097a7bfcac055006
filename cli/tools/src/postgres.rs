//! A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` into a temporary
//! directory, the server listening on a Unix socket only, stopped and removed on drop.
//!
//! Debian's binaries (`apt-get install postgresql`) are found under
//! `/usr/lib/postgresql/VERSION/bin` or on the `PATH`. As root, the cluster runs as the
//! `postgres` user (PostgreSQL refuses to run as root).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running cluster.
#[derive(Debug)]
pub struct Cluster {
    _dir: tempfile::TempDir,
    socket: PathBuf,
    server: Child,
    bin: PathBuf,
    data: PathBuf,
}

/// The directory of Debian's PostgreSQL binaries, newest version first, or the `PATH`'s.
fn bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .find(|dir| dir.join("initdb").is_file() && dir.join("postgres").is_file())
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Runs a PostgreSQL binary, as the `postgres` user when we are root.
fn command(bin: &Path, program: &str) -> Command {
    if is_root() {
        let mut command = Command::new("setpriv");
        command
            .args([
                "--reuid=postgres",
                "--regid=postgres",
                "--init-groups",
                "--",
            ])
            .arg(bin.join(program));
        command
    } else {
        Command::new(bin.join(program))
    }
}

impl Cluster {
    /// Starts a cluster, or says why not: `Ok(None)` with a note on stderr when PostgreSQL
    /// is not installed (outside CI); an error under `CI=true`, where it must run.
    pub fn start() -> anyhow::Result<Option<Cluster>> {
        let Some(bin) = bin_dir() else {
            let message = "PostgreSQL is not installed: `apt-get install postgresql` (Debian) to run the PostgreSQL store tests";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                anyhow::bail!("{message} (CI=true: they must run)");
            }
            eprintln!("skipped: {message}");
            return Ok(None);
        };
        let dir = tempfile::Builder::new().prefix("fixpath-pg").tempdir()?;
        let data = dir.path().join("data");
        let socket = dir.path().join("socket");
        std::fs::create_dir_all(&socket)?;
        if is_root() {
            let output = Command::new("id").args(["-u", "postgres"]).output()?;
            let uid: u32 = String::from_utf8_lossy(&output.stdout)
                .trim()
                .parse()
                .map_err(|_| {
                    anyhow::anyhow!(
                        "running as root, and there is no `postgres` user to run PostgreSQL as"
                    )
                })?;
            let gid = {
                let output = Command::new("id").args(["-g", "postgres"]).output()?;
                String::from_utf8_lossy(&output.stdout)
                    .trim()
                    .parse::<u32>()?
            };
            for path in [dir.path(), socket.as_path()] {
                std::os::unix::fs::chown(path, Some(uid), Some(gid))?;
            }
        }
        let init = command(&bin, "initdb")
            .args(["-D"])
            .arg(&data)
            .args(["-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()?;
        if !init.status.success() {
            anyhow::bail!("initdb failed: {}", String::from_utf8_lossy(&init.stderr));
        }
        let server = spawn_postgres(&bin, &data, &socket)?;
        let cluster = Cluster {
            _dir: dir,
            socket,
            server,
            bin,
            data,
        };
        cluster.wait_ready()?;
        Ok(Some(cluster))
    }

    fn wait_ready(&self) -> anyhow::Result<()> {
        let ready = self.socket.join(".s.PGSQL.5432");
        let started = Instant::now();
        while !ready.exists() {
            if started.elapsed() > Duration::from_secs(30) {
                anyhow::bail!("PostgreSQL did not start within 30 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // The socket appears a moment before connections are accepted.
        std::thread::sleep(Duration::from_millis(200));
        Ok(())
    }

    /// Stops the server (a fast shutdown: clients are disconnected), keeping its data:
    /// an outage, until [`Cluster::restart`].
    pub fn stop(&mut self) {
        // SAFETY: kill has no memory preconditions.
        unsafe {
            libc::kill(self.server.id() as libc::pid_t, libc::SIGINT);
        }
        let _ = self.server.wait();
    }

    /// Starts the server again on the same data and socket, after [`Cluster::stop`].
    pub fn restart(&mut self) -> anyhow::Result<()> {
        self.server = spawn_postgres(&self.bin, &self.data, &self.socket)?;
        self.wait_ready()
    }

    /// The URL of its `postgres` database, over the Unix socket.
    pub fn url(&self) -> String {
        format!(
            "postgres://postgres@localhost/postgres?host={}&port=5432",
            self.socket.display()
        )
    }
}

/// The PostgreSQL server of a data directory, listening on a Unix socket only.
fn spawn_postgres(bin: &Path, data: &Path, socket: &Path) -> anyhow::Result<Child> {
    Ok(command(bin, "postgres")
        .arg("-D")
        .arg(data)
        .arg("-k")
        .arg(socket)
        .args([
            "-c",
            "listen_addresses=",
            "-c",
            "max_connections=200",
            "-p",
            "5432",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?)
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // SIGINT: a fast shutdown.
        // SAFETY: kill has no memory preconditions.
        unsafe {
            libc::kill(self.server.id() as libc::pid_t, libc::SIGINT);
        }
        let _ = self.server.wait();
    }
}
