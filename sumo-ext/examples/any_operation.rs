//! Any operation the sumo-ext way (`sumo_ext::prelude`): lists the
//! dashboards through the generic page stream, exports a content item and
//! waits for the job, then makes a call that fails and prints what Sumo
//! said (status, codes, error id).
//!
//! ```sh
//! SUMO_ACCESS_ID=... SUMO_ACCESS_KEY=... SUMO_DEPLOYMENT=us2 \
//!     cargo run -p sumo-ext --features dashboard-management,content-management \
//!     --example any_operation -- CONTENT_ID
//! ```

use std::process::ExitCode;

use futures::TryStreamExt;
use sumo_ext::prelude::*;
use sumo_ext::{Error, SumoClient};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Error> {
    let client = SumoClient::from_env()?;
    let content_id = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "0000000000ABC123".into());

    // Any token-paged operation: one page in memory.
    let mut dashboards = std::pin::pin!(client.raw().list_dashboards().limit(50).items());
    let mut count = 0;
    while let Some(dashboard) = dashboards.try_next().await? {
        count += 1;
        println!(
            "dashboard {} {}",
            dashboard.id.as_deref().unwrap_or("-"),
            dashboard.title
        );
    }
    println!("{count} dashboard(s)");

    // Any asynchronous job: start, poll, typed result.
    let export = client
        .raw()
        .begin_async_export()
        .id(content_id.as_str())
        .wait(WaitOptions::default())
        .await?;
    let exported = serde_json::to_value(&export.result).unwrap_or_default();
    println!(
        "export job {} done: {} `{}`",
        export.job_id,
        exported["type"].as_str().unwrap_or("?"),
        exported["name"].as_str().unwrap_or("?")
    );

    // A call that fails (a page of 5,000 users is past Sumo's limit of 1,000).
    match client.raw().list_users().limit(5000).call().await {
        Ok(_) => println!("failed call: none (the server took a page of 5,000)"),
        Err(error) => {
            let api = error.api();
            println!(
                "failed call: {error}; status {}, codes [{}], error id {}",
                error.status().map_or(0, |s| s.as_u16()),
                api.map(|a| a.codes().join(", ")).unwrap_or_default(),
                api.and_then(|a| a.id.clone()).unwrap_or_else(|| "-".into())
            );
        }
    }
    Ok(())
}
