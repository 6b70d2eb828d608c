//! The `organizations.sumologic.com` assembly (Organizations Management
//! API; feature `organizations-management`).

use std::num::NonZeroU32;

use futures::Stream;
use sumo_generated_client::organizations::{self as orgs, types as ot};

use crate::prelude::PagedExt;
use crate::{Error, call};

/// The `parentDeploymentId` of calls from `deployment`: its code in lower
/// case; for a custom endpoint, that of the assembly's own deployment (US2).
fn parent_deployment_id(deployment: &crate::Deployment) -> String {
    let deployment = if deployment.is_custom() {
        crate::Deployment::organizations_home()
    } else {
        deployment.clone()
    };
    deployment.code().to_ascii_lowercase()
}

/// The status of a child organization, to filter [`OrganizationsClient::list`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OrgStatus {
    Active,
    Inactive,
}

impl OrgStatus {
    /// The value Sumo takes (`Active`, `Inactive`).
    pub fn as_str(self) -> &'static str {
        match self {
            OrgStatus::Active => "Active",
            OrgStatus::Inactive => "Inactive",
        }
    }
}

/// A client for the `organizations.sumologic.com` assembly, from
/// [`SumoClient::organizations`](crate::SumoClient::organizations). Every call sends the
/// `parentDeploymentId` header: the caller's deployment, in lower case.
#[derive(Debug, Clone)]
pub struct OrganizationsClient {
    raw: orgs::Client,
    parent_deployment_id: String,
}

impl OrganizationsClient {
    /// A client whose calls name `deployment` as their parent.
    pub(crate) fn new(raw: orgs::Client, deployment: &crate::Deployment) -> Self {
        Self {
            raw,
            parent_deployment_id: parent_deployment_id(deployment),
        }
    }

    /// The generated client, for the operations not wrapped here (pass
    /// [`Self::parent_deployment_id`] yourself).
    pub fn raw(&self) -> &orgs::Client {
        &self.raw
    }

    /// The same client sending `deployment` as `parentDeploymentId`.
    pub fn with_parent_deployment(mut self, deployment: &crate::Deployment) -> Self {
        self.parent_deployment_id = parent_deployment_id(deployment);
        self
    }

    /// The `parentDeploymentId` sent with every call (`us2`).
    pub fn parent_deployment_id(&self) -> &str {
        &self.parent_deployment_id
    }

    /// Child organizations, optionally only those with `status`, as a
    /// stream.
    pub fn list(
        &self,
        status: Option<OrgStatus>,
        page_size: Option<NonZeroU32>,
    ) -> impl Stream<Item = Result<ot::ReadOrganizationResponse, Error>> + '_ {
        let mut request = self
            .raw
            .list_organizations()
            .parent_deployment_id(self.parent_deployment_id.as_str());
        if let Some(status) = status {
            request = request.status(status.as_str());
        }
        if let Some(limit) = page_size {
            request = request.limit(crate::pagination::limit(limit));
        }
        request.items()
    }

    /// One child organization.
    pub async fn get(&self, org_id: &str) -> Result<ot::ReadOrganizationResponse, Error> {
        let request = self
            .raw
            .get_organization()
            .org_id(org_id.to_string())
            .parent_deployment_id(self.parent_deployment_id.as_str());
        call("get_organization", request.send()).await
    }

    /// Credits usage of the given child organizations, as a stream.
    pub fn usages(
        &self,
        org_ids: &[&str],
    ) -> impl Stream<Item = Result<ot::BasicUsage, Error>> + '_ {
        let body: Vec<ot::ChildOrgId> = org_ids
            .iter()
            .map(|id| ot::ChildOrgId::from(id.to_string()))
            .collect();
        self.raw
            .get_usages()
            .parent_deployment_id(self.parent_deployment_id.as_str())
            .body(body)
            .items()
    }

    /// Credits usage of one child organization.
    pub async fn org_usage(&self, org_id: &str) -> Result<ot::DetailedUsage, Error> {
        let request = self
            .raw
            .get_org_usage()
            .org_id(org_id.to_string())
            .parent_deployment_id(self.parent_deployment_id.as_str());
        call("get_org_usage", request.send()).await
    }

    /// Deployments where child organizations can be created.
    pub async fn deployments(&self) -> Result<Vec<ot::Deployment>, Error> {
        let request = self
            .raw
            .get_deployments()
            .parent_deployment_id(self.parent_deployment_id.as_str());
        call("get_deployments", request.send()).await
    }

    /// The parent organization.
    pub async fn parent_org(&self) -> Result<ot::ParentOrgInfo, Error> {
        let request = self
            .raw
            .get_parent_org_info()
            .parent_deployment_id(self.parent_deployment_id.as_str());
        call("get_parent_org_info", request.send()).await
    }

    /// Usage of the parent organization.
    pub async fn parent_usage(&self) -> Result<ot::ParentUsage, Error> {
        let request = self
            .raw
            .get_parent_org_details()
            .parent_deployment_id(self.parent_deployment_id.as_str());
        call("get_parent_org_details", request.send()).await
    }

    /// Credits allocated to child organizations.
    pub async fn allocated_credits(&self) -> Result<ot::AllocatedCredits, Error> {
        let request = self
            .raw
            .get_allocated_credits()
            .parent_deployment_id(self.parent_deployment_id.as_str());
        call("get_allocated_credits", request.send()).await
    }
}
