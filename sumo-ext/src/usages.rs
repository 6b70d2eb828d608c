//! The regional API's credits usage of child organizations (feature
//! `orgs-management`).

use chrono::NaiveDate;
use sumo_generated_client::regional::types::ChildUsageDetailsResponse;

use crate::{Error, SumoClient, call};

impl SumoClient {
    /// The child organizations, as the regional API sees them.
    pub fn child_orgs(&self) -> ChildOrgs<'_> {
        ChildOrgs { client: self }
    }

    /// Credits usage of the child organizations between two dates.
    #[deprecated(note = "use `client.child_orgs().usages(start, end)`")]
    pub async fn child_org_usages(
        &self,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<ChildUsageDetailsResponse, Error> {
        self.child_orgs().usages(start, end).await
    }
}

/// The regional API's child-organization calls: `client.child_orgs()`.
#[derive(Debug, Clone, Copy)]
pub struct ChildOrgs<'a> {
    client: &'a SumoClient,
}

impl ChildOrgs<'_> {
    /// Credits usage of the child organizations between two dates (both
    /// included), through the regional API (`POST /v1/organizations/usages`).
    pub async fn usages(
        &self,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<ChildUsageDetailsResponse, Error> {
        if end < start {
            return Err(Error::InvalidRequest {
                operation: "get_child_usages",
                message: format!("the end date {end} is before the start date {start}"),
            });
        }
        let request = self.client.raw.get_child_usages().body_map(|b| {
            b.start_date(Some(start.format("%Y-%m-%d").to_string()))
                .end_date(Some(end.format("%Y-%m-%d").to_string()))
        });
        call("get_child_usages", request.send()).await
    }
}
