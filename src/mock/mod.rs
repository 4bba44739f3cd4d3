//! The mock HTTP server IO workloads talk to: wiremock on 127.0.0.1, described by
//! `fixtures/io.json`, with a configurable delay and an injectable share of 5xx replies.
//!
//! - [`fixture`]: the endpoints of `fixtures/io.json` and the bodies they serve.
//! - [`server`]: [`MockServer`], wiremock in this process, and its responders.
//! - [`child`]: [`Server`], what runs use: a child `concur serve` process (or somebody else's,
//!   `--server`), so the server's sockets, memory and CPU are not counted as the client's.
//! - [`calibrate`](mod@calibrate): what the server can take: requests per second on
//!   kept-alive connections  and new connections per second
//!   ([`calibrate()`]).

pub mod calibrate;
pub mod child;
pub mod fixture;
pub mod server;

pub use calibrate::calibrate;
pub use child::Server;
pub use fixture::{body, endpoint, endpoints, Endpoint};
pub use server::{MockServer, MockSpec};
