//! `fixpath token NAME --role ROLE`: a new access token for `fixpath serve`.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;

use crate::Outcome;
use crate::serve::auth::{Role, hash_token, new_token};

/// Arguments of `fixpath token`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Who or what holds it (shown in session records).
    name: String,
    /// What it may do: agent (pages and sessions), integration (the API), admin (all).
    #[arg(long, value_enum)]
    role: Role,
    /// Append its entry to this tokens file (else the entry is printed).
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
}

/// Prints the token once; only its hash is kept.
pub(crate) fn run(args: Args) -> anyhow::Result<Outcome> {
    if args.name.is_empty() || args.name.contains(['"', '\n', ':', ',']) {
        anyhow::bail!(
            "a token name must not be empty nor hold quotes, colons, commas or line breaks"
        );
    }
    let token = new_token();
    let entry = format!(
        "[[token]]\nname = \"{}\"\nrole = \"{}\"\nsha256 = \"{}\"\n",
        args.name,
        args.role.as_str(),
        hash_token(&token)
    );
    match &args.file {
        Some(path) => {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            writeln!(file, "\n{entry}")?;
            file.sync_all()?;
            eprintln!(
                "Added {} ({}) to {}.",
                args.name,
                args.role.as_str(),
                path.display()
            );
        }
        None => eprintln!("Add this entry to the tokens file:\n\n{entry}"),
    }
    eprintln!("The token (shown once; give it to {}):", args.name);
    println!("{token}");
    Ok(Outcome::Success)
}
