//! The regional API's credits usage of child organizations (feature
//! `orgs-management`).

use chrono::NaiveDate;
use sumo_generated_client::regional::types::ChildUsageDetailsResponse;

use crate::{Error, SumoClient, call};

impl SumoClient {
    /// Credits usage of the child organizations between two dates (both
    /// included), through the regional API (`POST /v1/organizations/usages`).
    pub async fn child_org_usages(
        &self,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<ChildUsageDetailsResponse, Error> {
        if end < start {
            return Err(Error::InvalidRequest {
                operation: "get_child_usages".into(),
                message: format!("the end date {end} is before the start date {start}"),
            });
        }
        let request = self.raw.get_child_usages().body_map(|b| {
            b.start_date(Some(start.format("%Y-%m-%d").to_string()))
                .end_date(Some(end.format("%Y-%m-%d").to_string()))
        });
        call("get_child_usages", request.send()).await
    }
}
