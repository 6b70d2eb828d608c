//! Uploads a CSV file to a lookup table (a real multipart request), after
//! finding the account's deployment from a `301 moved` answer.
//!
//! ```sh
//! SUMO_ACCESS_ID=... SUMO_ACCESS_KEY=... SUMO_DEPLOYMENT=us2 \
//!     cargo run -p sumo-ext --example upload_lookup -- TABLE_ID FILE.csv
//! ```

use sumo_ext::{SumoClient, UploadOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(table_id), Some(file)) = (args.next(), args.next()) else {
        return Err("usage: upload_lookup TABLE_ID FILE.csv".into());
    };
    let csv = std::fs::read(&file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let client = SumoClient::from_env()?;
    let home = client.discover_deployment().await?;
    if &home != client.deployment() {
        eprintln!(
            "note: this account lives on {home}, not {}",
            client.deployment()
        );
    }
    let name = std::path::Path::new(&file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "upload.csv".into());
    let job = client
        .upload_lookup_csv(
            &table_id,
            &name,
            csv,
            UploadOptions {
                merge: Some(true),
                file_encoding: None,
            },
        )
        .await?;
    println!("upload job {}", job.id);
    Ok(())
}
