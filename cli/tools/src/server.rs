//! A `fixpath serve` process for tests and benchmarks: started on a free loopback port,
//! its address read from the line it prints, killed on drop.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running server.
#[derive(Debug)]
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// What it wrote on stderr so far, line by line.
    stderr: mpsc::Receiver<String>,
}

impl Server {
    /// Starts `binary serve ARGS` (`--bind 127.0.0.1:0` unless ARGS bind elsewhere) with
    /// these environment variables, and waits until it says where it listens.
    pub fn start(binary: &Path, args: &[&str], env: &[(&str, &str)]) -> anyhow::Result<Server> {
        Server::start_limited(binary, args, env, None)
    }

    /// As [`Server::start`], with the server's limit on open files (soft and hard) set to
    /// `open_files` when given: how a server behaves near its descriptor limit.
    pub fn start_limited(
        binary: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        open_files: Option<u64>,
    ) -> anyhow::Result<Server> {
        let mut command = Command::new(binary);
        #[cfg(unix)]
        if let Some(limit) = open_files {
            use std::os::unix::process::CommandExt as _;
            // SAFETY: between fork and exec, only setrlimit (async-signal-safe) runs.
            unsafe {
                command.pre_exec(move || {
                    let rlimit = libc::rlimit {
                        rlim_cur: limit as libc::rlim_t,
                        rlim_max: limit as libc::rlim_t,
                    };
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &rlimit) == 0 {
                        Ok(())
                    } else {
                        Err(std::io::Error::last_os_error())
                    }
                });
            }
        }
        command.arg("serve");
        if !args.contains(&"--bind") {
            command.args(["--bind", "127.0.0.1:0"]);
        }
        command
            .args(args)
            .env("NO_COLOR", "1")
            .env_remove("FIXPATH_KB")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn()?;
        let stdout = child.stdout.take().expect("piped");
        let errors_pipe = child.stderr.take().expect("piped");
        let (lines, first) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        let (errors, stderr) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(errors_pipe).lines().map_while(Result::ok) {
                let _ = errors.send(line);
            }
        });
        let mut server = Server {
            child,
            url: String::new(),
            stderr,
        };
        match first.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => match line.strip_prefix("fixpath serves on ") {
                Some(url) => server.url = url.trim().to_owned(),
                None => anyhow::bail!("unexpected first line: {line}"),
            },
            Err(_) => anyhow::bail!(
                "the server did not start: {}",
                server.stderr_so_far().join("\n")
            ),
        }
        Ok(server)
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The lines it wrote on stderr so far.
    pub fn stderr_so_far(&self) -> Vec<String> {
        std::thread::sleep(Duration::from_millis(50));
        self.stderr.try_iter().collect()
    }

    /// `kill -9`: no shutdown, no flush.
    pub fn kill_hard(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then waits for it to exit.
    pub fn stop(&mut self) {
        // SAFETY: kill has no memory preconditions.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill_hard();
    }
}
