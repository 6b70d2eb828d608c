//! progenitor, run once per API: the normalized spec in, the generated
//! module out as one syntax tree, with the typed httpmock mocks of its
//! operations (`Generator::httpmock`) as a second.

use std::panic::{AssertUnwindSafe, catch_unwind};

use anyhow::{Context, Result, anyhow};
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use serde::Deserialize;
use serde_json::Value;

/// What progenitor generates for one spec.
pub struct Generated {
    /// The client module (`src/<module>.rs`).
    pub client: syn::File,
    /// The mocks of its operations: `operations::{Op}When`/`{Op}Then` and
    /// `MockServerExt`, naming the client's types through `crate::<module>`.
    pub mocks: syn::File,
}

/// Generates the client module `module` for one normalized spec, and its
/// mocks. A panic inside progenitor or typify is an error, and its default
/// report is silenced.
pub fn generate(document: &Value, module: &str) -> Result<Generated> {
    let spec = openapiv3::OpenAPI::deserialize(document)
        .context("the normalized spec does not match the OpenAPI 3.0 model")?;
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_derive("schemars::JsonSchema")
        // Every `Client` holds a `crate::Hooks` (generated-client/src/
        // transport.rs), whose `ClientHooks` impl sends each request through
        // an optional `crate::Transport`: sumo-ext adds retries, its limiter
        // and tracing there, for every operation.
        .with_inner_type(quote::quote!(crate::Hooks))
        .with_hooks(HooksMode::Expected);
    // One generator for both: the mocks name the types the client's run
    // registered.
    let mut generator = Generator::new(&settings);
    let tokens = quietly(|| generator.generate_tokens(&spec))
        .and_then(|result| result.map_err(|e| anyhow!("{e}")))
        .context("progenitor rejected the spec")?;
    let client = syn::parse2(tokens).context("progenitor produced code that does not parse")?;
    let crate_path = format!("crate::{module}");
    let tokens = quietly(|| generator.httpmock(&spec, &crate_path))
        .and_then(|result| result.map_err(|e| anyhow!("{e}")))
        .context("progenitor's httpmock generator rejected the spec")?;
    let mocks = syn::parse2(tokens).context("progenitor produced mocks that do not parse")?;
    Ok(Generated { client, mocks })
}

/// Runs `f` with the default panic report silenced, turning a panic into an
/// error whose message is the panic's.
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    result.map_err(|payload| anyhow!("{}", panic_message(&*payload)))
}

/// The message of a caught panic.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "no message".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_progenitor_rejects_is_an_error() {
        let not_openapi = serde_json::json!({"openapi": 3});
        let Err(error) = generate(&not_openapi, "regional") else {
            panic!("not a spec")
        };
        assert!(
            format!("{error:#}").contains("does not match the OpenAPI 3.0 model"),
            "{error:#}"
        );
        assert_eq!(
            quietly(|| -> u8 { panic!("boom") })
                .unwrap_err()
                .to_string(),
            "boom"
        );
    }
}
