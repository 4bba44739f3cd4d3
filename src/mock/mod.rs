//! The mock HTTP server IO workloads talk to: our own small HTTP/1.1 server (hyper) on
//! 127.0.0.1, described by `fixtures/io.json`, with a configurable delay and an injectable
//! share of 503 replies. Not wiremock: it keeps a copy of every request it matched, so a long
//! run grew without bound (see [`server`]).
//!
//! - [`fixture`]: the endpoints of `fixtures/io.json` and the bodies they serve.
//! - [`server`]: [`MockServer`], the server in this process on a thread of its own.
//! - `routes`: what it answers (a page, the api's sum, a 503, a 404 or a 400); `faults`: which
//!   replies `--fail-rate` fails, counted per endpoint; `accept`: the accept loop, which
//!   nothing a client or the OS does can stop.
//! - [`child`]: [`Server`], what runs use: a child `concur serve` process (or somebody else's,
//!   `--server`), so the server's sockets, memory and CPU are not counted as the client's.
//! - [`calibrate`](mod@calibrate): what the server can take: requests per second on
//!   kept-alive connections and new connections per second ([`calibrate()`]).

mod accept;
pub mod calibrate;
pub mod child;
mod faults;
pub mod fixture;
mod routes;
pub mod server;

pub use calibrate::calibrate;
pub use child::Server;
pub use fixture::{body, endpoint, endpoints, Endpoint};
pub use server::{MockServer, MockSpec};
