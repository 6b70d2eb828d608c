//! The users API: all ten operations, find-by-email, and a stream of users.

use std::num::NonZeroU32;

use futures::Stream;
use sumo_generated_client::regional::types::{ListUserModelsResponse, UserModel};

use crate::prelude::{OperationExt, PagedExt};
use crate::{Error, SumoClient, call};

/// The users operations of a [`SumoClient`] (`client.users()`).
#[derive(Debug, Clone, Copy)]
pub struct Users<'a> {
    client: &'a SumoClient,
}

/// A new user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// Roles to give; at least one.
    pub role_ids: Vec<String>,
}

/// The new state of an existing user (Sumo replaces these fields).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserUpdate {
    pub first_name: String,
    pub last_name: String,
    pub is_active: bool,
    pub role_ids: Vec<String>,
}

impl From<&UserModel> for UserUpdate {
    /// The current state of `user`, to change a field and send back.
    fn from(user: &UserModel) -> Self {
        Self {
            first_name: user.first_name.as_str().to_string(),
            last_name: user.last_name.as_str().to_string(),
            is_active: user.is_active.unwrap_or(true),
            role_ids: user.role_ids.clone(),
        }
    }
}

/// What happens to the content of a deleted user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum DeleteContent {
    /// Transfer it to the caller (Sumo's default).
    #[default]
    TransferToCaller,
    /// Transfer it to the user with this id.
    TransferTo(String),
    /// Delete it, permanently.
    Delete,
}

/// The order of [`ListUsers`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserSort {
    FirstName,
    LastName,
    Email,
}

impl UserSort {
    fn as_str(self) -> &'static str {
        match self {
            UserSort::FirstName => "firstName",
            UserSort::LastName => "lastName",
            UserSort::Email => "email",
        }
    }
}

impl SumoClient {
    /// The users API.
    pub fn users(&self) -> Users<'_> {
        Users { client: self }
    }
}

impl<'a> Users<'a> {
    /// Lists users: set filters, then `.stream()`, `.pages()` or
    /// `.first_page()`.
    ///
    /// ```no_run
    /// # async fn example(client: sumo_ext::SumoClient) -> Result<(), sumo_ext::Error> {
    /// use futures::TryStreamExt;
    /// let admins: Vec<_> = client
    ///     .users()
    ///     .list()
    ///     .sort_by(sumo_ext::users::UserSort::Email)
    ///     .stream()
    ///     .try_collect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListUsers<'a> {
        ListUsers {
            client: self.client,
            email: None,
            sort_by: None,
            include_service_accounts: None,
            limit: None,
        }
    }

    /// The user with this id.
    pub async fn get(&self, id: &str) -> Result<UserModel, Error> {
        call("get_user", self.client.raw.get_user().id(id).send()).await
    }

    /// The user with this email address (compared without case), if any.
    pub async fn find_by_email(&self, email: &str) -> Result<Option<UserModel>, Error> {
        let page = self.list().email(email).first_page().await?;
        Ok(page
            .data
            .into_iter()
            .find(|u| u.email.trim().eq_ignore_ascii_case(email.trim())))
    }

    /// Creates a user.
    pub async fn create(&self, user: NewUser) -> Result<UserModel, Error> {
        let request = self.client.raw.create_user().body_map(|b| {
            b.first_name(user.first_name)
                .last_name(user.last_name)
                .email(user.email)
                .role_ids(user.role_ids)
        });
        call("create_user", request.send()).await
    }

    /// Replaces the names, roles and active flag of a user.
    pub async fn update(&self, id: &str, update: UserUpdate) -> Result<UserModel, Error> {
        let request = self.client.raw.update_user().id(id).body_map(|b| {
            b.first_name(update.first_name)
                .last_name(update.last_name)
                .is_active(Some(update.is_active))
                .role_ids(update.role_ids)
        });
        call("update_user", request.send()).await
    }

    /// Deletes a user, doing `content` with what they own.
    pub async fn delete(&self, id: &str, content: DeleteContent) -> Result<(), Error> {
        let request = self.client.raw.delete_user().id(id);
        let request = match content {
            DeleteContent::TransferToCaller => request,
            DeleteContent::TransferTo(user) => request.transfer_to(user).delete_content(false),
            DeleteContent::Delete => request.delete_content(true),
        };
        call("delete_user", request.send()).await
    }

    /// Unlocks a user locked out after failed logins.
    pub async fn unlock(&self, id: &str) -> Result<(), Error> {
        call("unlock_user", self.client.raw.unlock_user().id(id).send()).await
    }

    /// Resets the password of a user (Sumo emails them).
    pub async fn reset_password(&self, id: &str) -> Result<(), Error> {
        call(
            "reset_password",
            self.client.raw.reset_password().id(id).send(),
        )
        .await
    }

    /// Disables multi-factor authentication of a user, who confirms with
    /// their email and password.
    pub async fn disable_mfa(&self, id: &str, email: &str, password: &str) -> Result<(), Error> {
        let request = self
            .client
            .raw
            .disable_mfa()
            .id(id)
            .body_map(|b| b.email(email).password(password.to_string()));
        call("disable_mfa", request.send()).await
    }

    /// Sends an activation link to the user's new address.
    pub async fn request_email_change(&self, id: &str, new_email: &str) -> Result<(), Error> {
        let request = self
            .client
            .raw
            .request_change_email()
            .id(id)
            .body_map(|b| b.email(new_email));
        call("request_change_email", request.send()).await
    }

    /// Sends the welcome email again.
    pub async fn resend_welcome_email(&self, id: &str) -> Result<(), Error> {
        call(
            "resend_welcome_email",
            self.client.raw.resend_welcome_email().id(id).send(),
        )
        .await
    }
}

/// A users listing (from [`Users::list`]).
#[derive(Debug, Clone)]
pub struct ListUsers<'a> {
    client: &'a SumoClient,
    email: Option<String>,
    sort_by: Option<UserSort>,
    include_service_accounts: Option<bool>,
    limit: Option<NonZeroU32>,
}

impl<'a> ListUsers<'a> {
    /// Only the user with this email address.
    pub fn email(mut self, email: &str) -> Self {
        self.email = Some(email.to_string());
        self
    }

    /// The order.
    pub fn sort_by(mut self, sort: UserSort) -> Self {
        self.sort_by = Some(sort);
        self
    }

    /// Whether service accounts are listed too.
    pub fn include_service_accounts(mut self, include: bool) -> Self {
        self.include_service_accounts = Some(include);
        self
    }

    /// Users per page (Sumo's default: 100).
    pub fn page_size(mut self, size: NonZeroU32) -> Self {
        self.limit = Some(size);
        self
    }

    /// The generated request with the filters set.
    fn request(&self) -> sumo_generated_client::regional::builder::ListUsers<'a> {
        let mut request = self.client.raw.list_users();
        if let Some(email) = &self.email {
            request = request.email(email.as_str());
        }
        if let Some(sort) = self.sort_by {
            request = request.sort_by(sort.as_str());
        }
        if let Some(include) = self.include_service_accounts {
            request = request.include_service_accounts(include);
        }
        if let Some(limit) = self.limit {
            request = request.limit(crate::pagination::limit(limit));
        }
        request
    }

    /// The first page only.
    pub async fn first_page(&self) -> Result<ListUserModelsResponse, Error> {
        self.request().call().await
    }

    /// Every page, fetched as the stream is read.
    pub fn pages(self) -> impl Stream<Item = Result<ListUserModelsResponse, Error>> + 'a {
        self.request().pages()
    }

    /// Every user, one page in memory at a time.
    pub fn stream(self) -> impl Stream<Item = Result<UserModel, Error>> + 'a {
        self.request().items()
    }
}
