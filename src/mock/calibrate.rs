//! How much the mock server can take, measured, so that a cell it limits is marked as bound
//! by the mock rather than blamed on its model.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use crate::error::{Error, Result};

/// The server's ceiling: requests per second it answers at zero delay. Three rounds of
/// `requests` requests to `/ping`, 256 in flight from a two-thread async client, best round
/// kept: an estimate of the most the server can do, so that a cell it marks as "bound by the
/// mock" really is.
pub fn ceiling(base_url: &str, requests: usize) -> Result<f64> {
    const IN_FLIGHT: usize = 256;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Mock(format!("cannot build a runtime: {e}")))?;
    let client = {
        let _inside = runtime.enter();
        crate::http::async_client().map_err(Error::Mock)?
    };
    let url = format!("{base_url}/ping");
    let round = || {
        runtime.block_on(async {
            let next = Arc::new(AtomicU64::new(0));
            let began = Instant::now();
            let mut senders = tokio::task::JoinSet::new();
            for _ in 0..IN_FLIGHT {
                let (client, url, next) = (client.clone(), url.clone(), Arc::clone(&next));
                senders.spawn(async move {
                    while next.fetch_add(1, Ordering::Relaxed) < requests as u64 {
                        crate::http::get_async(&client, &url, 5_000).await?;
                    }
                    Ok::<(), String>(())
                });
            }
            while let Some(joined) = senders.join_next().await {
                joined
                    .map_err(|e| Error::Mock(e.to_string()))?
                    .map_err(|e| Error::Mock(format!("{url}: {e}")))?;
            }
            Ok(requests as f64 / began.elapsed().as_secs_f64())
        })
    };
    let mut best: f64 = 0.0;
    for _ in 0..3 {
        best = best.max(round()?);
    }
    Ok(best)
}
