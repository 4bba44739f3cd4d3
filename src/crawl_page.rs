//! The crawl's pages: the deterministic HTML-like page the mock serves at `/crawl/{i}`, what a
//! page holds (links and words, tallied while it is written, never by parsing it), and the
//! parse a crawler runs on a fetched body.
//!
//! The one place both the mock's responder (`mock/routes.rs`) and the pipelines
//! ([`crate::pipeline`]) take pages from, as [`crate::api_protocol`] is for the api: the known
//! answer of a crawl is [`expected`], computed from the same generator without a request.

use std::collections::HashMap;
use std::hint::black_box;

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
    "async", "await", "thread", "process", "queue", "fetch", "parse", "crawl", "page", "link",
    "worker", "pool", "lock", "event", "loop", "task", "future", "socket", "pipe", "channel",
    "bounded", "producer", "consumer", "stage", "memory", "latency", "throughput", "core",
    "python", "rust", "tokio", "rayon",
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

/// Page `i`, at least `bytes` long (one paragraph past it at most), and what it holds, counted
/// as it is written.
pub fn page(i: usize, bytes: usize) -> (String, Counts) {
    let mut html = String::with_capacity(bytes + 256);
    html.push_str(&format!(
        "<html><head><title>page {i}</title></head><body>\n"
    ));
    let mut counts = Counts { links: 0, words: 2 };
    let mut state = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = || {
        // xorshift64: deterministic, cheap, and different for every page.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    while html.len() < bytes {
        html.push_str("<p>");
        let words = 8 + next() % 24;
        for w in 0..words {
            let word = VOCABULARY[(next() % VOCABULARY.len() as u64) as usize];
            if w % 7 == 3 {
                let target = next() % 1000;
                html.push_str(&format!(" <a href=\"{PREFIX}{target}\">{word}</a> "));
                counts.links += 1;
            } else {
                html.push(' ');
                html.push_str(word);
            }
            counts.words += 1;
        }
        html.push_str(" </p>\n");
    }
    html.push_str("</body></html>\n");
    (html, counts)
}

/// What `pages` pages of `bytes` bytes hold together: the crawl's known answer, from the
/// generator, without fetching or parsing a page.
pub fn expected(pages: usize, bytes: usize) -> Counts {
    let mut total = Counts::default();
    for i in 0..pages {
        total += page(i, bytes).1;
    }
    total
}

/// Parse a fetched body: count the anchors that carry an `href`, and tokenise the text outside
/// tags into words, tallying each word in a frequency table (an indexer's first step). The
/// words are the table's counts added up, so the table is the answer and cannot be skipped.
pub fn parse(body: &str) -> Counts {
    let mut table: HashMap<&str, u64> = HashMap::new();
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

fn tally<'a>(text: &'a str, table: &mut HashMap<&'a str, u64>) {
    for word in text.split_ascii_whitespace() {
        *table.entry(black_box(word)).or_default() += 1;
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
        let body = "<p>one two<a href=\"/x\">three</a></p> four <a name=\"n\">five</a> <b";
        assert_eq!(parse(body), Counts { links: 1, words: 5 });
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
