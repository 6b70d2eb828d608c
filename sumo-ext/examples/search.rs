//! Runs a log search and prints what it finds, one JSON object per line
//! (NDJSON): the fields of each message, or of each record with
//! `--records`. A summary (state, count, warnings) goes to standard error;
//! the exit status is 1 on failure, 2 on bad arguments.
//!
//! ```sh
//! SUMO_ACCESS_ID=... SUMO_ACCESS_KEY=... SUMO_DEPLOYMENT=us2 \
//!     cargo run -p sumo-ext --example search -- 'error | count by _sourcecategory' \
//!     --from 2026-12-01T00:00:00Z --to 2026-12-01T01:00:00Z --records
//! ```
//!
//! `--from` and `--to` take RFC 3339 date-times or epoch milliseconds;
//! `--time-zone` an IANA name (UTC by default). `SUMO_ENDPOINT` takes any
//! API URL instead of `SUMO_DEPLOYMENT`.

use std::io::Write;
use std::process::ExitCode;

use futures::{StreamExt, TryStreamExt};
use sumo_ext::SumoClient;
use sumo_ext::search::SearchTime;

const USAGE: &str =
    "usage: search QUERY --from FROM --to TO [--records] [--time-zone TZ] [--by-receipt-time]";

struct Args {
    query: String,
    from: SearchTime,
    to: SearchTime,
    records: bool,
    time_zone: String,
    by_receipt_time: bool,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut query, mut from, mut to) = (None, None, None);
    let mut parsed = Args {
        query: String::new(),
        from: SearchTime::from(0),
        to: SearchTime::from(0),
        records: false,
        time_zone: "UTC".into(),
        by_receipt_time: false,
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--from" => from = Some(value("--from")?),
            "--to" => to = Some(value("--to")?),
            "--time-zone" => parsed.time_zone = value("--time-zone")?,
            "--records" => parsed.records = true,
            "--by-receipt-time" => parsed.by_receipt_time = true,
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ if query.is_none() => query = Some(arg),
            _ => return Err(format!("unexpected argument `{arg}`")),
        }
    }
    let time = |name: &str, value: Option<String>| -> Result<SearchTime, String> {
        let value = value.ok_or(format!("{name} is required"))?;
        SearchTime::parse(&value).map_err(|e| format!("{name}: {e}"))
    };
    parsed.query = query.ok_or("QUERY is required")?;
    parsed.from = time("--from", from)?;
    parsed.to = time("--to", to)?;
    Ok(parsed)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let client = SumoClient::from_env()?;
    let job = client
        .search(args.query)
        .from(args.from)
        .to(args.to)
        .time_zone(args.time_zone)
        .by_receipt_time(args.by_receipt_time)
        .start()
        .await?;
    let watch = job.watch();
    let rows = if args.records {
        job.records().boxed()
    } else {
        job.messages().boxed()
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut count = 0u64;
    let mut rows = std::pin::pin!(rows);
    while let Some(row) = rows.try_next().await? {
        serde_json::to_writer(&mut out, row.map())?;
        out.write_all(b"\n")?;
        count += 1;
    }
    out.flush()?;
    let progress = watch.progress();
    let kind = if args.records { "records" } else { "messages" };
    eprintln!(
        "state: {}, {count} {kind}, {} warning(s), {} error(s)",
        progress.state,
        progress.warnings.len(),
        progress.errors.len()
    );
    for warning in &progress.warnings {
        eprintln!("warning: {warning}");
    }
    for error in &progress.errors {
        eprintln!("search error: {error}");
    }
    Ok(())
}
