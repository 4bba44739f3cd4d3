//! The `api` workload's protocol, in one place for both sides: what the client asks, how the
//! mock server answers, and how long it takes.
//!
//! The client POSTs `{"question": "1+2+…+k=___"}` (every term written out); the server adds
//! the terms up and replies `{"generated_text": "1+2+…+k=S"}` after its delay × [`jitter`]`(k)`,
//! where k is the last term, so replies to consecutive questions finish out of order.
//! `src/workload/api.rs` builds questions and reads replies with this module; the mock's
//! responder (`src/mock/server.rs`) answers with it. Neither side knows the other.
//!
//! The server answers any well-formed sum, not only 1+2+…+k. Terms and the sum are u128 with
//! checked arithmetic: a question whose sum would not fit is rejected (a 400 with a body that
//! says why), never answered with a wrapped number.

use std::num::IntErrorKind;

use serde::{Deserialize, Serialize};

/// What the client sends.
#[derive(Debug, Serialize, Deserialize)]
pub struct Question {
    pub question: String,
}

/// What the server replies.
#[derive(Debug, Serialize, Deserialize)]
pub struct Reply {
    pub generated_text: String,
}

/// The blank a question ends in.
const BLANK: &str = "=___";

/// The api's question for k: "1+2+…+k=___", written out in full.
pub fn question(k: u64) -> String {
    let terms: Vec<String> = (1..=k).map(|i| i.to_string()).collect();
    format!("{}{BLANK}", terms.join("+"))
}

/// The JSON body the client POSTs for k.
pub fn request_body(k: u64) -> String {
    serde_json::json!({ "question": question(k) }).to_string()
}

/// 1+2+…+k, by formula: the known answer to [`question`]`(k)`.
pub fn expected_sum(k: u64) -> u128 {
    let k = k as u128;
    k * (k + 1) / 2
}

/// The reply the api gives to the question for k: "1+2+…+k=S".
pub fn generated_text(k: u64) -> String {
    let q = question(k);
    format!("{}={}", q.trim_end_matches(BLANK), expected_sum(k))
}

/// The api's per-question delay factor, between 0.5 and 1.4, so that replies to consecutive
/// questions finish out of order. It depends only on k mod 10, so it never overflows.
pub fn jitter(k: u128) -> f64 {
    0.5 + ((k % 10) * 37 % 10) as f64 / 10.0
}

/// Why the server refuses a question: the body of its 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("expected {{\"question\": \"1+2+…=___\"}}")]
    NotAQuestion,
    #[error("expected {{\"question\": \"1+2+…=___\"}}: the question does not end in \"=___\"")]
    NoBlank,
    #[error("expected {{\"question\": \"1+2+…=___\"}}: term {0:?} is not a whole number")]
    BadTerm(String),
    #[error("term {0} does not fit in 128 bits (the largest is 2^128 - 1)")]
    TermTooLarge(String),
    #[error("the sum does not fit in 128 bits (the largest is 2^128 - 1)")]
    SumOverflows,
}

/// A question the server can answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    /// The question with its blank filled in: "1+2+3=6".
    pub generated_text: String,
    /// The last term, which sets the reply's [`jitter`].
    pub k: u128,
}

impl Answered {
    /// The JSON body of the server's reply.
    pub fn reply_body(&self) -> String {
        serde_json::json!({ "generated_text": self.generated_text }).to_string()
    }
}

/// The server side: read a request body and answer the question in it.
pub fn answer_request(body: &[u8]) -> Result<Answered, Rejection> {
    let q: Question = serde_json::from_slice(body).map_err(|_| Rejection::NotAQuestion)?;
    answer(&q.question)
}

/// The server side: add up the terms of "a+b+…=___" without ever wrapping.
pub fn answer(question: &str) -> Result<Answered, Rejection> {
    let expr = question.strip_suffix(BLANK).ok_or(Rejection::NoBlank)?;
    let mut sum: u128 = 0;
    let mut k: u128 = 0;
    for term in expr.split('+').map(str::trim) {
        k = term
            .parse()
            .map_err(|e: std::num::ParseIntError| match e.kind() {
                IntErrorKind::PosOverflow => Rejection::TermTooLarge(term.to_string()),
                _ => Rejection::BadTerm(term.to_string()),
            })?;
        sum = sum.checked_add(k).ok_or(Rejection::SumOverflows)?;
    }
    Ok(Answered {
        generated_text: format!("{expr}={sum}"),
        k,
    })
}

/// The client side: the sum a reply body gives ("…=S" → "S"), or why it has none.
pub fn sum_in_reply(body: &str) -> Result<String, String> {
    let reply: Reply =
        serde_json::from_str(body).map_err(|e| format!("unreadable reply {body:?}: {e}"))?;
    reply
        .generated_text
        .rsplit_once('=')
        .map(|(_, sum)| sum.to_string())
        .ok_or_else(|| format!("no `=` in {:?}", reply.generated_text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_and_their_answers() {
        assert_eq!(question(2), "1+2=___");
        assert_eq!(generated_text(3), "1+2+3=6");
        for k in [1, 2, 3, 50, 2_001] {
            let answered = answer(&question(k)).unwrap();
            assert_eq!(answered.generated_text, generated_text(k), "k = {k}");
            assert_eq!(answered.k, k as u128);
            assert_eq!(
                sum_in_reply(&answered.reply_body()).unwrap(),
                expected_sum(k).to_string()
            );
        }
    }

    #[test]
    fn the_request_body_is_what_the_server_reads() {
        let answered = answer_request(request_body(4).as_bytes()).unwrap();
        assert_eq!(answered.generated_text, "1+2+3+4=10");
        // Any sum, with spaces around terms, not only 1+2+…+k.
        let answered = answer_request(br#"{"question": "7 + 5=___"}"#).unwrap();
        assert_eq!(answered.generated_text, "7 + 5=12");
        assert_eq!(answered.k, 5);
    }

    #[test]
    fn malformed_questions_are_rejected() {
        assert_eq!(answer_request(b"not json"), Err(Rejection::NotAQuestion));
        assert_eq!(
            answer_request(br#"{"q": "1=___"}"#),
            Err(Rejection::NotAQuestion)
        );
        assert_eq!(answer("1+2=3"), Err(Rejection::NoBlank));
        assert_eq!(answer("1++2=___"), Err(Rejection::BadTerm(String::new())));
        assert_eq!(answer("1+-2=___"), Err(Rejection::BadTerm("-2".into())));
        assert_eq!(answer("=___"), Err(Rejection::BadTerm(String::new())));
    }

    #[test]
    fn huge_terms_and_sums_are_rejected_not_wrapped() {
        let max = u128::MAX.to_string();
        // u64 would have wrapped here; u128 holds it.
        let big = format!("{}+{}=___", u64::MAX, u64::MAX);
        let expected = 2 * u64::MAX as u128;
        assert_eq!(
            answer(&big).unwrap().generated_text,
            format!("{}+{}={expected}", u64::MAX, u64::MAX)
        );
        assert_eq!(answer(&format!("{max}=___")).unwrap().k, u128::MAX);
        assert_eq!(
            answer(&format!("{max}+1=___")),
            Err(Rejection::SumOverflows)
        );
        let too_big = format!("{max}0");
        assert_eq!(
            answer(&format!("1+{too_big}=___")),
            Err(Rejection::TermTooLarge(too_big.clone()))
        );
        assert!(Rejection::SumOverflows.to_string().contains("128 bits"));
        assert!(Rejection::TermTooLarge(too_big)
            .to_string()
            .contains("128 bits"));
        // The delay factor of a huge k neither overflows nor changes the pattern.
        assert_eq!(jitter(u128::MAX), jitter(u128::MAX % 10));
    }

    #[test]
    fn jitter_is_the_old_formula_and_stays_in_range() {
        for k in 0..1_000u64 {
            let old = 0.5 + ((k * 37) % 10) as f64 / 10.0;
            assert_eq!(jitter(k as u128), old);
            assert!((0.5..=1.4).contains(&jitter(k as u128)));
        }
    }

    #[test]
    fn replies_without_a_sum_say_why() {
        assert!(sum_in_reply("nope")
            .unwrap_err()
            .starts_with("unreadable reply"));
        assert_eq!(
            sum_in_reply(r#"{"generated_text": "no sum"}"#).unwrap_err(),
            "no `=` in \"no sum\""
        );
    }
}
