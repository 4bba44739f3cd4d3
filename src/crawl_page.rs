//! The crawl's pages: the deterministic HTML-like page the mock serves at `/crawl/{i}`, what a
//! page holds (links and words, tallied while it is written, never by parsing it), and the
//! parse a crawler runs on a fetched body.
//!
//! The one place both the mock's responder (`mock/routes.rs`) and the pipelines
//! ([`crate::pipeline`]) take pages from, as [`crate::api_protocol`] is for the api: the known
//! answer of a crawl is [`expected`], computed from the same generator without a request.

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The path of the pages: `/crawl/{i}?bytes={b}`.
pub const PREFIX: &str = "/crawl/";

/// The largest page asked for: 16 MiB (a bigger body would be refused by the client).
pub const MAX_BYTES: usize = 16 << 20;

/// What a page holds: anchors with an `href`, and words of text (outside tags).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub links: u64,
    pub words: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.links += other.links;
        self.words += other.words;
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} links, {} words", self.links, self.words)
    }
}

/// The words pages are written with.
const VOCABULARY: [&str; 32] = [
    "async",
    "await",
    "thread",
    "process",
    "queue",
    "fetch",
    "parse",
    "crawl",
    "page",
    "link",
    "worker",
    "pool",
    "lock",
    "event",
    "loop",
    "task",
    "future",
    "socket",
    "pipe",
    "channel",
    "bounded",
    "producer",
    "consumer",
    "stage",
    "memory",
    "latency",
    "throughput",
    "core",
    "python",
    "rust",
    "tokio",
    "rayon",
];

/// The path of page `i` of `bytes` bytes.
pub fn path(i: usize, bytes: usize) -> String {
    format!("{PREFIX}{i}?bytes={bytes}")
}

/// Page `i` and `bytes` from a request's path and query, or why they cannot be read.
pub fn request(path: &str, query: Option<&str>) -> Result<(usize, usize), String> {
    let page = path
        .strip_prefix(PREFIX)
        .and_then(|i| i.parse::<usize>().ok())
        .ok_or_else(|| format!("a crawl page is {PREFIX}<number>, not {path}"))?;
    let bytes = query
        .and_then(|q| q.strip_prefix("bytes="))
        .and_then(|b| b.parse::<usize>().ok())
        .filter(|&b| b <= MAX_BYTES)
        .ok_or_else(|| format!("a crawl page needs ?bytes=N, N at most {MAX_BYTES}"))?;
    Ok((page, bytes))
}

/// How many distinct paragraphs pages are made of.
const PARAGRAPHS: usize = 64;

/// xorshift64: deterministic and cheap.
fn step(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// The paragraphs pages are made of, each with what it holds: written once, then copied, so
/// the mock serves a page at memory speed and keeps nothing but these (about 15 KB).
fn paragraphs() -> &'static [(String, Counts)] {
    static PARAS: OnceLock<Vec<(String, Counts)>> = OnceLock::new();
    PARAS.get_or_init(|| {
        let mut state = 0x2545_F491_4F6C_DD1D;
        (0..PARAGRAPHS)
            .map(|_| {
                let mut html = String::from("<p>");
                let mut counts = Counts::default();
                let words = 8 + step(&mut state) % 24;
                for w in 0..words {
                    let word = VOCABULARY[(step(&mut state) % VOCABULARY.len() as u64) as usize];
                    // A capitalised first word, so the parse has case to fold.
                    let word = match w {
                        0 => word[..1].to_ascii_uppercase() + &word[1..],
                        _ => word.to_string(),
                    };
                    if w % 7 == 3 {
                        let target = step(&mut state) % 1000;
                        html.push_str(&format!(" <a href=\"{PREFIX}{target}\">{word}</a> "));
                        counts.links += 1;
                    } else {
                        html.push(' ');
                        html.push_str(&word);
                    }
                    counts.words += 1;
                }
                html.push_str(" </p>\n");
                (html, counts)
            })
            .collect()
    })
}

/// The paragraphs of page `i` in order, after a header of `len` bytes, until the page is
/// at least `bytes` long.
fn layout(
    i: usize,
    bytes: usize,
    mut len: usize,
) -> impl Iterator<Item = &'static (String, Counts)> {
    let mut state = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let paras = paragraphs();
    std::iter::from_fn(move || {
        (len < bytes).then(|| {
            let para = &paras[(step(&mut state) % PARAGRAPHS as u64) as usize];
            len += para.0.len();
            para
        })
    })
}

/// Page `i`'s first line: its title holds 2 words.
fn header(i: usize) -> String {
    format!("<html><head><title>page {i}</title></head><body>\n")
}

const FOOTER: &str = "</body></html>\n";

/// Page `i`, at least `bytes` long (one paragraph past it at most), and what it holds: the
/// sum of what its paragraphs hold, never found by parsing it.
pub fn page(i: usize, bytes: usize) -> (String, Counts) {
    let mut html = header(i);
    html.reserve(bytes + 512);
    let mut counts = Counts { links: 0, words: 2 };
    for (text, held) in layout(i, bytes, html.len()) {
        html.push_str(text);
        counts += *held;
    }
    html.push_str(FOOTER);
    (html, counts)
}

/// What `pages` pages of `bytes` bytes hold together: the crawl's known answer, from the
/// generator's layout, without writing, fetching or parsing a page.
pub fn expected(pages: usize, bytes: usize) -> Counts {
    let mut total = Counts::default();
    for i in 0..pages {
        total += Counts { links: 0, words: 2 };
        for (_, held) in layout(i, bytes, header(i).len()) {
            total += *held;
        }
    }
    total
}

/// Parse a fetched body: count the anchors that carry an `href`, and tokenise the text outside
/// tags into words, each folded to lower case and tallied in a frequency table (an indexer's
/// first step). The words are the table's counts added up, so the table is the answer and
/// cannot be skipped.
pub fn parse(body: &str) -> Counts {
    let mut table: HashMap<String, u64> = HashMap::new();
    let mut links = 0;
    let mut rest = body;
    while !rest.is_empty() {
        match rest.find('<') {
            Some(open) => {
                tally(&rest[..open], &mut table);
                let tag = &rest[open..];
                let close = tag.find('>').map_or(tag.len(), |c| c + 1);
                if tag[..close].starts_with("<a ") && tag[..close].contains("href=") {
                    links += 1;
                }
                rest = &tag[close..];
            }
            None => {
                tally(rest, &mut table);
                rest = "";
            }
        }
    }
    let table = black_box(table);
    Counts {
        links,
        words: table.values().sum(),
    }
}

fn tally(text: &str, table: &mut HashMap<String, u64>) {
    for word in text.split_ascii_whitespace() {
        *table
            .entry(black_box(word).to_ascii_lowercase())
            .or_default() += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parse_finds_what_the_generator_wrote() {
        for (i, bytes) in [(0, 0), (1, 100), (7, 5_000), (49, 200_000)] {
            let (html, counts) = page(i, bytes);
            assert!(html.len() >= bytes);
            assert_eq!(parse(&html), counts, "page {i} of {bytes} bytes");
        }
        assert_ne!(page(1, 1000).0, page(2, 1000).0);
        assert_eq!(page(3, 1000), page(3, 1000));
    }

    #[test]
    fn the_parse_counts_tags_and_words_not_bytes() {
        let body = "<p>One two<a href=\"/x\">three</a></p> four <a name=\"n\">five</a> <b";
        assert_eq!(parse(body), Counts { links: 1, words: 5 });
        assert!(page(0, 2000).0.chars().any(|c| c.is_ascii_uppercase()));
        assert_eq!(expected(1, 2000), page(0, 2000).1);
        assert_eq!(
            expected(3, 500),
            [0, 1, 2].iter().fold(Counts::default(), |mut t, &i| {
                t += parse(&page(i, 500).0);
                t
            })
        );
    }

    #[test]
    fn requests_name_a_page_and_a_size() {
        assert_eq!(request("/crawl/12", Some("bytes=300")), Ok((12, 300)));
        assert_eq!(path(12, 300), "/crawl/12?bytes=300");
        assert!(request("/crawl/x", Some("bytes=3")).is_err());
        assert!(request("/crawl/1", None).is_err());
        assert!(request("/crawl/1", Some("bytes=99999999999")).is_err());
    }
}
