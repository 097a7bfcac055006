//! Asking the agent: arrow-key menus on a terminal, numbered plain-line prompts otherwise.
//!
//! On a TTY (stdin and stderr both terminals) prompts use inquire; Esc goes back and
//! Ctrl-C interrupts. On piped stdin every prompt is a numbered list answered by one line,
//! so scripts and tests can drive a session; end of input is reported, never a panic.
//! Prompts go to stderr so stdout carries only the result.

use std::io::{self, BufRead, IsTerminal, Write};

/// What the agent replied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reply {
    /// One of the offered options, by index.
    Picked(usize),
    /// "I don't know".
    DontKnow,
    /// Go back to the previous question.
    Back,
    /// Show the help text.
    Help,
    /// Answer a different question than the one asked.
    Other,
    /// Input ended before an answer.
    EndOfInput,
    /// Ctrl-C (or Esc where there is nothing to go back to).
    Interrupted,
}

/// Extra choices a question prompt offers besides its options.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Extras {
    pub(crate) dont_know: bool,
    pub(crate) back: bool,
    pub(crate) help: bool,
    pub(crate) other: bool,
}

/// A way of asking.
pub(crate) enum Prompter {
    /// Arrow-key menus.
    Terminal,
    /// Numbered prompts over lines of stdin.
    Lines(io::StdinLock<'static>),
}

const DONT_KNOW: &str = "I don't know";
const BACK: &str = "← Back to the previous question";
const HELP: &str = "? How do I find the answer";
const OTHER: &str = "… I know something else";

impl Prompter {
    /// Arrow keys when stdin and stderr are terminals, plain lines otherwise.
    pub(crate) fn detect() -> Self {
        if io::stdin().is_terminal() && io::stderr().is_terminal() {
            Prompter::Terminal
        } else {
            Prompter::Lines(io::stdin().lock())
        }
    }

    /// Prints Markdown for the agent (to stderr): formatted on a terminal, as written when
    /// the session is driven through pipes.
    pub(crate) fn say_markdown(&self, markdown: &str) {
        match self {
            Prompter::Terminal => self.say(&crate::terminal::format(markdown)),
            Prompter::Lines(_) => self.say(markdown),
        }
    }

    /// Prints a line for the agent (to stderr).
    pub(crate) fn say(&self, text: &str) {
        let mut err = io::stderr().lock();
        let _ = writeln!(err, "{text}");
    }

    /// Offers options (plus extras) and returns the reply.
    pub(crate) fn select(&mut self, question: &str, options: &[String], extras: Extras) -> Reply {
        match self {
            Prompter::Terminal => select_terminal(question, options, extras),
            Prompter::Lines(input) => select_lines(input, question, options, extras),
        }
    }

    /// Asks for a line of text; `Err` when input ended or was interrupted.
    pub(crate) fn text(&mut self, question: &str) -> Result<String, Reply> {
        match self {
            Prompter::Terminal => match inquire::Text::new(question).prompt() {
                Ok(text) => Ok(text),
                Err(
                    inquire::InquireError::OperationInterrupted
                    | inquire::InquireError::OperationCanceled,
                ) => Err(Reply::Interrupted),
                Err(_) => Err(Reply::EndOfInput),
            },
            Prompter::Lines(input) => {
                eprint!("{question}\n> ");
                read_line(input).ok_or(Reply::EndOfInput)
            }
        }
    }
}

fn select_terminal(question: &str, options: &[String], extras: Extras) -> Reply {
    // A menu line cannot show bold or code: the question reads as plain text.
    let question = fixpath::text::plain_text(question);
    let question = question.as_str();
    let mut items: Vec<String> = options.to_vec();
    if extras.dont_know {
        items.push(DONT_KNOW.to_owned());
    }
    if extras.help {
        items.push(HELP.to_owned());
    }
    if extras.other {
        items.push(OTHER.to_owned());
    }
    if extras.back {
        items.push(BACK.to_owned());
    }
    let help = "↑↓ to move, enter to choose, type to filter, esc to go back";
    let answer = inquire::Select::new(question, items.clone())
        .with_help_message(help)
        .with_page_size(12)
        .raw_prompt();
    match answer {
        Ok(choice) => {
            let index = choice.index;
            if index < options.len() {
                Reply::Picked(index)
            } else {
                match items[index].as_str() {
                    DONT_KNOW => Reply::DontKnow,
                    HELP => Reply::Help,
                    OTHER => Reply::Other,
                    _ => Reply::Back,
                }
            }
        }
        Err(inquire::InquireError::OperationCanceled) if extras.back => Reply::Back,
        Err(
            inquire::InquireError::OperationCanceled | inquire::InquireError::OperationInterrupted,
        ) => Reply::Interrupted,
        Err(_) => Reply::EndOfInput,
    }
}

fn select_lines(
    input: &mut io::StdinLock<'static>,
    question: &str,
    options: &[String],
    extras: Extras,
) -> Reply {
    let mut menu = format!("{question}\n");
    for (index, option) in options.iter().enumerate() {
        menu.push_str(&format!("  {}) {option}\n", index + 1));
    }
    let mut keys = Vec::new();
    if extras.dont_know {
        keys.push("0) I don't know");
    }
    if extras.help {
        keys.push("?) help");
    }
    if extras.other {
        keys.push("o) I know something else");
    }
    if extras.back {
        keys.push("b) back");
    }
    if !keys.is_empty() {
        menu.push_str(&format!("  {}\n", keys.join("   ")));
    }
    eprint!("{menu}> ");
    loop {
        let Some(line) = read_line(input) else {
            eprintln!();
            return Reply::EndOfInput;
        };
        let answer = line.trim().to_lowercase();
        if let Ok(number) = answer.parse::<usize>() {
            if (1..=options.len()).contains(&number) {
                return Reply::Picked(number - 1);
            }
            if number == 0 && extras.dont_know {
                return Reply::DontKnow;
            }
        }
        match answer.as_str() {
            "?" | "h" | "help" if extras.help => return Reply::Help,
            "b" | "back" if extras.back => return Reply::Back,
            "o" | "other" if extras.other => return Reply::Other,
            "d" | "dont know" | "don't know" | "unknown" if extras.dont_know => {
                return Reply::DontKnow;
            }
            _ => {}
        }
        // A typed answer picks the option it names, or the only option it starts.
        if let Some(index) = options.iter().position(|o| o.to_lowercase() == answer) {
            return Reply::Picked(index);
        }
        let starting: Vec<usize> = (0..options.len())
            .filter(|&i| !answer.is_empty() && options[i].to_lowercase().starts_with(&answer))
            .collect();
        if let [only] = starting.as_slice() {
            return Reply::Picked(*only);
        }
        eprint!(
            "`{}` is not one of the choices; answer with a number from 1 to {}\n> ",
            line.trim(),
            options.len()
        );
    }
}

fn read_line(input: &mut io::StdinLock<'static>) -> Option<String> {
    let _ = io::stderr().flush();
    let mut line = String::new();
    match input.read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(line.trim_end_matches(['\r', '\n']).to_owned()),
    }
}
