//! CSV dialects of real shop exports: the separator, the decimal mark, the
//! date order and the text encoding, each given on the command line or
//! recognised from the file when that is unambiguous — never a silent guess
//! that could swap days and months.
//!
//! | what | given with | recognised |
//! |---|---|---|
//! | separator | `--delimiter` | the most frequent of `,` `;` tab `\|` in the header line, outside quotes |
//! | decimal mark | `--decimal` | `,` in files separated by `;` or tab (Excel and shop systems in German and many other locales), else `.` |
//! | dates | `--date-format` (chrono's `%d.%m.%Y`, `%m/%d/%Y %H:%M`, …) | ISO 8601; `dd.mm.yyyy` and `dd.mm.yy` (dots are day-first wherever they are used; two-digit years 00–69 are 2000–2069, 70–99 are 1970–1999), with an optional time `HH:MM[:SS]`; slash dates are ambiguous and need `--date-format` |
//! | encoding | `--encoding utf-8\|windows-1252\|latin-1` | UTF-8 (a byte-order mark is dropped) when the whole file (standard input: its first 64 KiB) is valid UTF-8, else Windows-1252 |

use std::io::{BufRead, BufReader, Read};

use chrono::{NaiveDate, NaiveDateTime};
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use encoding_rs_io::DecodeReaderBytesBuilder;
use serde::Serialize;

/// What the user gave on the command line (`None`: recognise it).
#[derive(Debug, Clone, Default)]
pub struct DialectArgs {
    /// The separator.
    pub delimiter: Option<u8>,
    /// The decimal mark, `.` or `,`.
    pub decimal: Option<char>,
    /// A chrono format for every date and time column.
    pub date_format: Option<String>,
    /// `utf-8`, `windows-1252` or `latin-1`.
    pub encoding: Option<String>,
}

/// The dialect a file was read in (shown in the data-quality table).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dialect {
    /// The separator.
    pub delimiter: char,
    /// The decimal mark.
    pub decimal: char,
    /// Whether the decimal mark was given (then `.` beside a `,` decimal
    /// mark is a thousands separator) or recognised.
    #[serde(skip)]
    pub decimal_given: bool,
    /// The date format given, if any.
    pub date_format: Option<String>,
    /// The text encoding.
    pub encoding: String,
}

impl Dialect {
    /// One line for the data-quality table.
    pub fn describe(&self) -> String {
        let sep = match self.delimiter {
            '\t' => "tab".to_owned(),
            c => format!("'{c}'"),
        };
        let dates = self
            .date_format
            .as_deref()
            .map_or_else(|| "ISO or dd.mm.yyyy".to_owned(), |f| format!("`{f}`"));
        format!(
            "separator {sep}, decimal '{}', dates {dates}, {}",
            self.decimal, self.encoding
        )
    }
}

/// Parses a `--delimiter` value: one character, or `tab`.
pub fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(format!(
            "--delimiter {s:?}: expected one character, e.g. ';' or tab"
        )),
    }
}

/// Parses a `--decimal` value.
pub fn parse_decimal(s: &str) -> Result<char, String> {
    match s {
        "." => Ok('.'),
        "," => Ok(','),
        _ => Err(format!("--decimal {s:?}: expected '.' or ','")),
    }
}

fn encoding_named(name: &str) -> Result<&'static Encoding, String> {
    match name.to_ascii_lowercase().as_str() {
        "utf-8" | "utf8" => Ok(UTF_8),
        "windows-1252" | "cp1252" | "latin-1" | "latin1" | "iso-8859-1" => Ok(WINDOWS_1252),
        other => Err(format!(
            "--encoding {other:?}: expected utf-8, windows-1252 or latin-1"
        )),
    }
}

/// Whether `head` is UTF-8, allowing a character cut off at its end.
fn is_utf8(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len() - e.valid_up_to() < 4,
    }
}

/// Whether a whole file is UTF-8 (one linear pass before it is read, so
/// that a Windows-1252 umlaut far down a file is not missed).
///
/// # Errors
/// A read error.
pub fn file_is_utf8(path: &std::path::Path) -> std::io::Result<bool> {
    let mut f = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut carry = 0;
    loop {
        let n = f.read(&mut buf[carry..])?;
        if n == 0 {
            return Ok(carry == 0);
        }
        let end = carry + n;
        match std::str::from_utf8(&buf[..end]) {
            Ok(_) => carry = 0,
            Err(e) if e.error_len().is_none() => {
                // A character cut at the chunk's end: keep its bytes.
                let valid = e.valid_up_to();
                buf.copy_within(valid..end, 0);
                carry = end - valid;
            }
            Err(_) => return Ok(false),
        }
    }
}

/// The separator of a CSV file from its header line: the candidate (`,`,
/// `;`, tab, `|`) that occurs most often outside quotes; `,` when none does.
pub fn sniff_delimiter(head: &[u8]) -> u8 {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let candidates = [b',', b';', b'\t', b'|'];
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(i) = candidates.iter().position(|&c| c == b) {
            counts[i] += 1;
        }
    }
    // Ties go to the earlier candidate: `,` first.
    let best = (0..4).fold(0, |best, i| if counts[i] > counts[best] { i } else { best });
    if counts[best] == 0 { b',' } else { candidates[best] }
}

/// The file as UTF-8 text in its dialect: decodes the encoding (given or
/// recognised) and settles the separator and decimal mark.
///
/// # Errors
/// An unknown `--encoding`; a read error.
pub fn open<'a>(
    reader: Box<dyn Read + 'a>,
    args: &DialectArgs,
) -> Result<(Box<dyn BufRead + 'a>, Dialect), String> {
    let mut raw = BufReader::with_capacity(1 << 16, reader);
    let head = raw.fill_buf().map_err(|e| format!("cannot read: {e}"))?;
    let encoding = match &args.encoding {
        Some(name) => encoding_named(name)?,
        None if head.starts_with(b"\xEF\xBB\xBF") || is_utf8(head) => UTF_8,
        None => WINDOWS_1252,
    };
    let decoded = DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .utf8_passthru(true)
        .strip_bom(true)
        .build(raw);
    // The header line of the decoded text (a decoder may hand it over in
    // pieces), kept and put back in front of the rest.
    let mut decoded = decoded;
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.contains(&b'\n') && head.len() < 1 << 20 {
        let n = decoded.read(&mut buf).map_err(|e| format!("cannot read: {e}"))?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let delimiter = args.delimiter.unwrap_or_else(|| sniff_delimiter(&head));
    let text = BufReader::with_capacity(1 << 16, std::io::Cursor::new(head).chain(decoded));
    let decimal = args.decimal.unwrap_or(if matches!(delimiter, b';' | b'\t') {
        ','
    } else {
        '.'
    });
    let dialect = Dialect {
        delimiter: char::from(delimiter),
        decimal,
        decimal_given: args.decimal.is_some(),
        date_format: args.date_format.clone(),
        encoding: if encoding == UTF_8 {
            "UTF-8"
        } else {
            "Windows-1252"
        }
        .to_owned(),
    };
    Ok((Box::new(text), dialect))
}

/// A number in the dialect: `.` decimals always; with a `,` decimal mark
/// also `12,50` and `1.234,50`. A `1.234` in a file whose `,` decimal mark
/// was recognised (not given) could be either 1234 or 1.234: an error
/// asking for `--decimal`.
pub fn number(text: &str, d: &Dialect) -> Result<f64, String> {
    if d.decimal == ',' {
        if text.contains(',') {
            let t = text.replace('.', "").replace(',', ".");
            return t.parse().map_err(|_| "not a number".to_owned());
        }
        let groups: Vec<&str> = text.trim_start_matches('-').split('.').collect();
        let thousands = groups.len() > 1
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
        if thousands {
            if !d.decimal_given {
                return Err(format!(
                    "ambiguous number: {text} is {} with '.' between thousands, or {text}; pass --decimal , or --decimal .",
                    text.replace('.', "")
                ));
            }
            return text
                .replace('.', "")
                .parse()
                .map_err(|_| "not a number".to_owned());
        }
    }
    text.parse().map_err(|_| "not a number".to_owned())
}

/// Days since the epoch of a two-digit year's date (pivot 70).
fn full_year(y: i32, digits: usize) -> i32 {
    match digits {
        2 if y < 70 => 2000 + y,
        2 => 1900 + y,
        _ => y,
    }
}

/// A dotted day-first date `d.m.yyyy` / `dd.mm.yy` with an optional time.
fn dotted(text: &str) -> Option<NaiveDateTime> {
    let (date, time) = match text.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let parts: Vec<&str> = date.split('.').collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    if !matches!(parts[2].len(), 2 | 4) || parts[0].len() > 2 || parts[1].len() > 2 {
        return None;
    }
    let year = full_year(parts[2].parse().ok()?, parts[2].len());
    let day = NaiveDate::from_ymd_opt(year, parts[1].parse().ok()?, parts[0].parse().ok()?)?;
    let time = match time {
        None => chrono::NaiveTime::MIN,
        Some(t) => chrono::NaiveTime::parse_from_str(t, "%H:%M:%S")
            .or_else(|_| chrono::NaiveTime::parse_from_str(t, "%H:%M"))
            .ok()?,
    };
    Some(day.and_time(time))
}

/// A date or date-time in the dialect, as epoch milliseconds (UTC).
pub fn time_ms(text: &str, d: &Dialect) -> Result<i64, String> {
    if let Some(f) = &d.date_format {
        let t = NaiveDateTime::parse_from_str(text, f)
            .or_else(|_| NaiveDate::parse_from_str(text, f).map(|d| d.and_time(chrono::NaiveTime::MIN)))
            .map_err(|_| format!("not a date in the format `{f}` (--date-format)"))?;
        return Ok(t.and_utc().timestamp_millis());
    }
    if let Some(ms) = crate::time::parse_timestamp_ms(text) {
        return Ok(ms);
    }
    if let Some(t) = dotted(text) {
        return Ok(t.and_utc().timestamp_millis());
    }
    if text.contains('/') {
        return Err(
            "a date with slashes: day-first or month-first? pass --date-format %d/%m/%Y or %m/%d/%Y"
                .to_owned(),
        );
    }
    Err(format!(
        "not a date: expected {}, or dd.mm.yyyy (other forms: --date-format)",
        crate::time::ACCEPTED_FORMS
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;

    fn dialect(decimal: char, given: bool, format: Option<&str>) -> Dialect {
        Dialect {
            delimiter: ';',
            decimal,
            decimal_given: given,
            date_format: format.map(str::to_owned),
            encoding: "UTF-8".into(),
        }
    }

    #[test]
    fn separators_are_recognised_outside_quotes() {
        assert_eq!(sniff_delimiter(b"customer;date;amount\n"), b';');
        assert_eq!(sniff_delimiter(b"\"a;b\",c,d\n"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"single"), b',');
    }

    #[test]
    fn decimal_commas_and_thousands() {
        let d = dialect(',', false, None);
        assert_eq!(number("12,50", &d), Ok(12.5));
        assert_eq!(number("1.234,50", &d), Ok(1234.5));
        assert_eq!(number("-3,5", &d), Ok(-3.5));
        assert_eq!(number("7", &d), Ok(7.0));
        assert!(number("1.234", &d).unwrap_err().contains("--decimal"));
        assert_eq!(number("1.234", &dialect(',', true, None)), Ok(1234.0));
        assert_eq!(number("1.5", &dialect('.', false, None)), Ok(1.5));
        assert!(number("1,5", &dialect('.', false, None)).is_err());
    }

    #[test]
    fn dates_day_first_with_dots_and_slashes_only_with_a_format() {
        let d = dialect('.', false, None);
        let ms = |s: &str| crate::time::parse_timestamp_ms(s).expect("iso");
        assert_eq!(time_ms("01.02.2024", &d), Ok(ms("2024-02-01")));
        assert_eq!(time_ms("1.2.24 13:05", &d), Ok(ms("2024-02-01T13:05:00")));
        assert_eq!(time_ms("31.12.99", &d), Ok(ms("1999-12-31")));
        assert_eq!(time_ms("2024-02-01", &d), Ok(ms("2024-02-01")));
        assert!(time_ms("31.02.2024", &d).is_err());
        assert!(time_ms("01/02/2024", &d).unwrap_err().contains("--date-format"));
        let us = dialect('.', false, Some("%m/%d/%Y"));
        assert_eq!(time_ms("01/02/2024", &us), Ok(ms("2024-01-02")));
    }

    #[test]
    fn encodings_are_recognised() {
        let latin: Box<dyn Read> = Box::new(io::Cursor::new(b"name;city\nM\xfcller;K\xf6ln\n".to_vec()));
        let (mut r, d) = open(latin, &DialectArgs::default()).expect("open");
        let mut s = String::new();
        r.read_to_string(&mut s).expect("read");
        assert_eq!(
            (d.encoding.as_str(), d.delimiter, d.decimal),
            ("Windows-1252", ';', ',')
        );
        assert_eq!(s, "name;city\nMüller;Köln\n");
        let bom: Box<dyn Read> = Box::new(io::Cursor::new(b"\xEF\xBB\xBFa,b\n1,2\n".to_vec()));
        let (mut r, d) = open(bom, &DialectArgs::default()).expect("open");
        let mut s = String::new();
        r.read_to_string(&mut s).expect("read");
        assert_eq!((d.encoding.as_str(), s.as_str()), ("UTF-8", "a,b\n1,2\n"));
    }
}
