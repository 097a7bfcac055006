//! `fixpath schema`: print the JSON Schema of the article format.

use std::io::Write;

use crate::Outcome;

/// Arguments of `fixpath schema`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Prints the schema that `kb/article.schema.json` holds.
pub(crate) fn run(_args: Args) -> anyhow::Result<Outcome> {
    std::io::stdout().write_all(fixpath::model::json_schema().as_bytes())?;
    Ok(Outcome::Success)
}
