//! User text into a query: words, quoted phrases and error-code candidates.
//!
//! What users paste is not query syntax: `Error: 0x80070005`, `-2147024891`,
//! `C:\Temp\GPreport.htm`, `HKLM:\System\...` and unbalanced quotes are all just words. Input
//! is bounded and split by our own rules; nothing is ever handed to tantivy's query parser.

/// Longest input considered, in bytes; the rest is ignored.
pub(crate) const MAX_QUERY_BYTES: usize = 1_000;
/// Most words considered.
pub(crate) const MAX_WORDS: usize = 32;

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct UserQuery {
    /// Lowercase words, in order, duplicates removed.
    pub(crate) words: Vec<String>,
    /// Quoted phrases (balanced quotes only), as lowercase words.
    pub(crate) phrases: Vec<Vec<String>>,
    /// Folded error-code forms the text may name (`sspr0029`, `0x80070005`, `6329`).
    pub(crate) codes: Vec<String>,
}

use crate::text::fold_code as fold;

/// The forms an error code is indexed under: the folded whole, the number inside it, hex
/// with and without `0x`, and the part before a decimal point (`405.0` → `405`).
pub(crate) fn code_forms(code: &str) -> Vec<String> {
    let mut forms = Vec::new();
    let mut push = |form: String| {
        if form.len() >= 2 && !forms.contains(&form) {
            forms.push(form);
        }
    };
    let whole = fold(code);
    push(whole.clone());
    if let Some(hex) = whole.strip_prefix("0x") {
        push(hex.to_owned());
        push(format!("0x{}", hex.trim_start_matches('0')));
    }
    if let Some((integer, _)) = code.trim().split_once('.')
        && integer.chars().all(|c| c.is_ascii_digit())
    {
        push(integer.to_owned());
    }
    // The trailing number of `Event ID 6329`, `SSPR_0029`, `KB3185990`.
    let digits: String = whole
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if digits.len() >= 3 && digits.len() < whole.len() && !whole.starts_with("0x") {
        push(digits);
    }
    forms
}

/// Splits user text into words (letters, digits, `_`; a leading `-` on numbers; `.` inside numbers).
fn words_of(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (index, &c) in chars.iter().enumerate() {
        // Apostrophes join: "won't" is the word "wont", as the index folds it.
        if matches!(c, '\'' | '\u{2019}')
            && !current.is_empty()
            && chars.get(index + 1).is_some_and(|n| n.is_alphabetic())
        {
            continue;
        }
        let next_is_digit = chars.get(index + 1).is_some_and(char::is_ascii_digit);
        let keep = c.is_alphanumeric()
            || c == '_'
            || (c == '-' && current.is_empty() && next_is_digit)
            || (c == '.'
                && !current.is_empty()
                && current.chars().all(|d| d.is_ascii_digit())
                && next_is_digit);
        if keep {
            current.extend(c.to_lowercase());
        } else if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// An HRESULT written as a signed or unsigned decimal (`-2147024891`, `2147942405`) as hex.
fn hresult_from_decimal(word: &str) -> Option<String> {
    let value: i64 = word.parse().ok()?;
    let unsigned = if value < 0 {
        u32::try_from(value + (1 << 32)).ok()?
    } else {
        u32::try_from(value).ok()?
    };
    (unsigned >= 0x8000_0000).then(|| format!("0x{unsigned:08x}"))
}

/// Parses user text.
pub(crate) fn parse(text: &str) -> UserQuery {
    let mut end = text.len().min(MAX_QUERY_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    let mut query = UserQuery::default();
    // Quoted phrases only when quotes balance; otherwise quotes are plain punctuation.
    let quotes = text.matches('"').count();
    if quotes >= 2 && quotes.is_multiple_of(2) {
        for (index, part) in text.split('"').enumerate() {
            if index % 2 == 1 {
                let words = words_of(part);
                if words.len() > 1 {
                    query.phrases.push(words);
                }
            }
        }
    }
    let words: Vec<String> = words_of(text).into_iter().take(MAX_WORDS).collect();
    for word in &words {
        let bare = word.trim_start_matches('-');
        if !query.words.iter().any(|w| w == bare) && !bare.is_empty() {
            query.words.push(bare.to_owned());
        }
    }
    let mut add_code = |code: String| {
        if code.len() >= 3 && !query.codes.contains(&code) {
            query.codes.push(code);
        }
    };
    for (index, word) in words.iter().enumerate() {
        let looks_like_code = word.chars().any(|c| c.is_ascii_digit()) || word.contains('_');
        if looks_like_code {
            for form in code_forms(word) {
                add_code(form);
            }
        }
        if let Some(hex) = hresult_from_decimal(word) {
            add_code(hex.clone());
            add_code(hex.trim_start_matches("0x").to_owned());
        }
        // `sspr 0029`, `kb 3096482`: a word and the number after it, joined.
        if let Some(next) = words.get(index + 1)
            && word.chars().all(char::is_alphabetic)
            && next.chars().all(|c| c.is_ascii_digit())
            && word.len() <= 8
        {
            add_code(fold(&format!("{word}{next}")));
        }
    }
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_text_is_words_never_syntax() {
        let query = parse(
            r#"Error: 0x80070005 "access denied C:\Temp\GPreport.htm HKLM:\System\CurrentControlSet (unbalanced +must -not field:value"#,
        );
        assert_eq!(
            query.words,
            [
                "error",
                "0x80070005",
                "access",
                "denied",
                "c",
                "temp",
                "gpreport",
                "htm",
                "hklm",
                "system",
                "currentcontrolset",
                "unbalanced",
                "must",
                "not",
                "field",
                "value"
            ]
        );
        assert!(query.phrases.is_empty(), "one quote is punctuation");
        assert_eq!(query.codes, ["0x80070005", "80070005"]);
    }

    #[test]
    fn error_code_variants_fold_to_the_same_forms() {
        assert!(parse("sspr 0029").codes.contains(&"sspr0029".to_owned()));
        assert!(parse("SSPR_0029").codes.contains(&"sspr0029".to_owned()));
        assert!(
            parse("-2147024891")
                .codes
                .contains(&"0x80070005".to_owned())
        );
        assert!(parse("80070005").codes.contains(&"80070005".to_owned()));
        assert!(parse("event 6329").codes.contains(&"6329".to_owned()));
        assert!(parse("KB3096482").codes.contains(&"kb3096482".to_owned()));
        assert!(
            parse("ERROR_ACCESS_DENIED")
                .codes
                .contains(&"erroraccessdenied".to_owned())
        );
        assert_eq!(code_forms("Event ID 6329"), ["eventid6329", "6329"]);
        assert_eq!(
            code_forms("0x000006D9"),
            ["0x000006d9", "000006d9", "0x6d9"]
        );
        assert_eq!(code_forms("405.0"), ["4050", "405"]);
    }

    #[test]
    fn phrases_need_balanced_quotes_and_input_is_bounded() {
        assert_eq!(
            parse(r#"the "password writeback" error"#).phrases,
            [vec!["password".to_owned(), "writeback".to_owned()]]
        );
        let long = "word ".repeat(10_000);
        assert!(parse(&long).words.len() <= MAX_WORDS);
        assert_eq!(parse("").words.len(), 0);
        assert_eq!(parse("!!! ??? ...").words.len(), 0);
    }
}
