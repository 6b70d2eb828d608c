//! Child organizations and their credits usage (organizations.sumologic.com,
//! and the regional usages report for the last 30 days).
//!
//! ```sh
//! SUMO_ACCESS_ID=... SUMO_ACCESS_KEY=... SUMO_DEPLOYMENT=us2 \
//!     cargo run -p sumo-ext --example organizations
//! ```

use futures::TryStreamExt;
use sumo_ext::SumoClient;

#[tokio::main]
async fn main() -> Result<(), sumo_ext::Error> {
    let client = SumoClient::from_env()?;
    let orgs = client.organizations();
    let parent = orgs.parent_org().await?;
    println!("parent organization: {parent:?}");
    let mut children =
        std::pin::pin!(orgs.list(Some(sumo_ext::organizations::OrgStatus::Active), None));
    while let Some(org) = children.try_next().await? {
        println!(
            "{}\t{}",
            org.org_id.as_str(),
            org.organization_name.as_str()
        );
    }
    let end = chrono::Utc::now().date_naive();
    let start = end - chrono::Days::new(30);
    let usage = client.child_orgs().usages(start, end).await?;
    println!(
        "{} child usage records from {start} to {end}",
        usage.data.len()
    );
    Ok(())
}
