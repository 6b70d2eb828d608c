//! Lists every user of the account, one page in memory at a time.
//!
//! ```sh
//! SUMO_ACCESS_ID=... SUMO_ACCESS_KEY=... SUMO_DEPLOYMENT=us2 \
//!     cargo run -p sumo-ext --example list_users [EMAIL]
//! ```

use futures::TryStreamExt;
use sumo_ext::SumoClient;

#[tokio::main]
async fn main() -> Result<(), sumo_ext::Error> {
    let client = SumoClient::from_env()?;
    if let Some(email) = std::env::args().nth(1) {
        match client.users().find_by_email(&email).await? {
            Some(user) => println!(
                "{} {} {}",
                user.id,
                user.email.as_str(),
                user.last_name.as_str()
            ),
            None => println!("no user with email {email}"),
        }
        return Ok(());
    }
    let mut users = std::pin::pin!(client.users().list().stream());
    let mut count = 0;
    while let Some(user) = users.try_next().await? {
        count += 1;
        println!(
            "{}\t{}\t{} {}",
            user.id,
            user.email.as_str(),
            user.first_name.as_str(),
            user.last_name.as_str()
        );
    }
    eprintln!("{count} users on {}", client.deployment());
    Ok(())
}
