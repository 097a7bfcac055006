//! Finding error codes in article text: HRESULTs, status and event ids, HTTP codes, code names.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

/// Hex codes (`0x80070005`), but not stack offsets (`+0x1b/0x80`) or parts of longer words.
static HEX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?:^|[^+/\w])(0x[0-9a-f]{1,16})\b(?:[^/]|$)").unwrap());

/// A number named as a code by the words before it: `error 3156`, `Event ID 5106`, `Msg 41131`,
/// `System error 85`, `code 31`, `StatusCode: 409`, `HTTP Error 405.0`, `events 6329 and 33004`.
/// Group 1 is the naming word (strong names are never years), group 2 the code.
static NAMED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(event\s+id|event|events|msg|error\s+code|error|code|status\s*code|status|exit\s+code|return\s+code|decimal|http(?:/1\.[01])?(?:\s+error)?)(?:[\s:#]|&nbsp;)+(-?\d{2,10}(?:\.\d{1,2})?)\b((?:\s*(?:,|and|or)\s*\d{3,6}\b)*)",
    )
    .unwrap()
});

/// A code written as `CODE - message` or `CODE – Message` (`2016341112 -iOS device is busy`, `429 – TooManyRequests`).
static DASHED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[\s*'\x22(>])(\d{3,10})\s+[-–]\s*[A-Za-z]").unwrap());

/// A code in parentheses after a code name or before a reason: `WSAENOBUFS (10055)`, `(400) Bad Request`.
static PARENTHESIZED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[A-Z][A-Z_]{3,}\s*\((\d{2,6})\)|\((\d{3})\)\s+[A-Z][a-z]").unwrap()
});

/// A hex code's decimal form in parentheses after it: `0x80094800 (-2146875392 ...)`.
static DECIMAL_AFTER_HEX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b0x[0-9a-f]{8}\s*\((-?\d{6,11})\b").unwrap());

/// An HRESULT written without `0x` after the words that name it: `error code 8023062C`.
static BARE_HEX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:error\s+code|hresult)[\s:]+([0-9a-f]{8})\b").unwrap());

/// Windows Installer log lines: `MSI (s) (14:AC) ...: Note: 1: 1708`.
static MSI_NOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bNote:\s*1:\s*(\d{4})\b").unwrap());

/// Event Viewer rows copied as text: level, date, time, source, then the event id
/// (`Error <Date> <Time> ADSync 6306 Server ...`).
static EVENT_ROW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:Error|Warning|Information|Critical)\s+(?:\S+\s+){2,4}?[A-Za-z][\w.-]*\s+(\d{3,5})\s+\S").unwrap()
});

/// Numbers joined to a named code by `and`, `or` or commas.
static MORE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d{3,6}").unwrap());

/// Identifier codes such as `SSPR_0029` or `AADSTS50126`.
static IDENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b([A-Z]{2,10}_\d{2,6}|AADSTS\d{4,6}|[A-Z]{3,}\d{3,}(?:_\d+)?)\b").unwrap()
});

/// Words that make an identifier a product or KB number, not an error code.
const NOT_CODES: [&str; 3] = ["KB", "MS", "CVE"];

/// Every error code in the text (hex, named numbers, code identifiers), each once, first seen first.
pub fn error_codes(text: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut codes = Vec::new();
    let mut push = |code: &str| {
        let key = code.to_lowercase();
        if seen.insert(key) {
            codes.push(code.to_owned());
        }
    };
    for line in text.lines() {
        for capture in HEX.captures_iter(line) {
            push(&capture[1]);
        }
        for capture in NAMED.captures_iter(line) {
            let name = capture[1].to_lowercase();
            let number = &capture[2];
            let strong = name.starts_with("event id")
                || name.starts_with("msg")
                || name.contains("code")
                || name.starts_with("http")
                || name == "decimal";
            // Years, versions and small negatives after a weak word ("error in 2019") are not codes.
            if !strong && is_probably_year(number) || number.starts_with('-') && number.len() < 6 {
                continue;
            }
            push(number);
            if let Some(more) = capture.get(3) {
                for extra in MORE.find_iter(more.as_str()) {
                    push(extra.as_str());
                }
            }
        }
        for pattern in [&*DECIMAL_AFTER_HEX, &*MSI_NOTE, &*EVENT_ROW] {
            for capture in pattern.captures_iter(line) {
                push(&capture[1]);
            }
        }
        for capture in BARE_HEX.captures_iter(line) {
            let code = &capture[1];
            // Eight hex digits with a letter among them: not a plain number.
            if code.chars().any(|c| c.is_ascii_alphabetic()) {
                push(code);
            }
        }
        for capture in DASHED.captures_iter(line) {
            let number = &capture[1];
            if !is_probably_year(number) {
                push(number);
            }
        }
        for capture in PARENTHESIZED.captures_iter(line) {
            if let Some(number) = capture.get(1).or(capture.get(2)) {
                push(number.as_str());
            }
        }
        for capture in IDENT.captures_iter(line) {
            let code = &capture[1];
            if NOT_CODES.iter().any(|prefix| {
                code.starts_with(prefix)
                    && code[prefix.len()..].starts_with(|c: char| c.is_ascii_digit())
            }) {
                continue;
            }
            push(code);
        }
    }
    codes
}

fn is_probably_year(number: &str) -> bool {
    number.len() == 4
        && (number.starts_with("19") || number.starts_with("20"))
        && number
            .parse::<u32>()
            .is_ok_and(|n| (1990..=2035).contains(&n))
}

/// KB article numbers (`KB3185990`, `Original KB number: 3185990`), for search keywords.
pub(crate) fn kb_numbers(text: &str) -> Vec<String> {
    static KB: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\bKB\s*(\d{6,7})\b|Original KB number:_?\s*(?:&nbsp;)?\s*(\d{6,7})")
            .unwrap()
    });
    let mut out: Vec<String> = Vec::new();
    for capture in KB.captures_iter(text) {
        let number = capture
            .get(1)
            .or(capture.get(2))
            .map(|m| m.as_str())
            .unwrap_or_default();
        let kb = format!("KB{number}");
        if !out.contains(&kb) {
            out.push(kb);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_kinds_of_codes_support_articles_use() {
        let text = "Error 0x80070005 (access denied) and Event ID 5106. Msg 41131, Level 16.\n\
                    HTTP Error 405.0 - Method Not Allowed. SSPR_0029 again. events 6329 and 33004.\n\
                    System error 85 has occurred. See KB3185990. In 2019 we had code 31.\n\
                    ntdll!Foo+0x1a2 is an offset, do_scan_async+0x1b/0x80 a call trace.\n\
                    StatusCode: 409. **429 – TooManyRequests**. 2016341112 -iOS device is currently busy.\n\
                    WSAENOBUFS (10055), (400) Bad Request, hex 0x6d9 / decimal 1753, Event ID: 2005.\n\
                    Event ID:&nbsp;&nbsp; 4242 was logged: 0x80094800 (-2146875392 CERTSRV_E_UNSUPPORTED).\n\
                    Troubleshoot error code 8023062C: insecure reset. Error code 12345678 is a number.\n\
                    MSI (s) (14:AC) [10:12:01:123]: Note: 1: 1708\n\
                    Error <Date> <Time> ADSync 6306 Server \"unexpected error\"\n\
                    Information 5/12/2024 10:33:12 AM PasswordResetService 31044 None TrackingId";
        assert_eq!(
            error_codes(text),
            [
                "0x80070005",
                "5106",
                "41131",
                "405.0",
                "6329",
                "33004",
                "SSPR_0029",
                "85",
                "31",
                "409",
                "429",
                "2016341112",
                "0x6d9",
                "1753",
                "2005",
                "10055",
                "400",
                "0x80094800",
                "4242",
                "-2146875392",
                "12345678",
                "8023062C",
                "1708",
                "6306",
                "31044"
            ]
        );
        assert_eq!(
            kb_numbers("See KB3185990 and _Original KB number:_ &nbsp; 247643"),
            ["KB3185990", "KB247643"]
        );
    }
}
