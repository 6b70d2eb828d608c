//! The APIs the workspace generates a client for.

/// One generated API: where its spec usually comes from, its overlay, and
/// the module it becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Api {
    /// Key in the lock and name of the command-line option.
    pub name: &'static str,
    /// Human title for reports and docs.
    pub title: &'static str,
    /// Our fixes to the upstream spec, relative to the workspace root.
    pub overlay: &'static str,
    /// The generated module, relative to the workspace root.
    pub module_path: &'static str,
    /// Rust module name.
    pub module: &'static str,
}

/// The regional API, served by every deployment.
pub const REGIONAL: Api = Api {
    name: "regional",
    title: "Sumo Logic API, regional: served by every deployment at `https://api.<deployment>.sumologic.com/api`",
    overlay: "openapi/overlays/regional.yaml",
    module_path: "generated-client/src/regional.rs",
    module: "regional",
};

/// The Organizations Management API of the organizations.sumologic.com
/// assembly.
pub const ORGANIZATIONS: Api = Api {
    name: "organizations",
    title: "Sumo Logic Organizations Management API, of the `organizations.sumologic.com` assembly",
    overlay: "openapi/overlays/organizations.yaml",
    module_path: "generated-client/src/organizations.rs",
    module: "organizations",
};

/// Every generated API, in module order.
pub const ALL: [Api; 2] = [REGIONAL, ORGANIZATIONS];

/// The crate root, generated with the modules.
pub const LIB_PATH: &str = "generated-client/src/lib.rs";
