//! `cargo xtask spec-json`: a spec as JSON, read by our own loader (for
//! tools whose YAML parser fails on Sumo's specs, such as Prism on
//! `!!binary` scalars), with the API's overlay applied (our fixes of plain
//! upstream mistakes, so a mock server serves what the client was generated
//! from). The normalization passes are not applied: they reshape the spec for
//! progenitor, not for a server.

use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};

use crate::apis::{self, Api};
use crate::fsutil::{resolve, workspace_root, write_atomically};
use crate::spec::load::load_file;
use crate::spec::lock::Lock;
use crate::spec::overlay::Overlay;

#[derive(Debug, clap::Args)]
pub struct SpecJsonArgs {
    /// Where to write the JSON.
    #[arg(long)]
    pub out: PathBuf,
    /// The regional spec named in openapi/lock.toml (the default).
    #[arg(long, conflicts_with = "organizations")]
    pub regional: bool,
    /// The organizations spec named in openapi/lock.toml.
    #[arg(long)]
    pub organizations: bool,
    /// Convert this spec instead of the lock's.
    #[arg(long)]
    pub spec: Option<PathBuf>,
    /// Leave out the overlay (`openapi/overlays/<api>.yaml`).
    #[arg(long)]
    pub no_overlay: bool,
}

pub fn run(args: SpecJsonArgs) -> Result<()> {
    let api: Api = if args.organizations {
        apis::ORGANIZATIONS
    } else {
        apis::REGIONAL
    };
    let root = workspace_root();
    let source = match &args.spec {
        Some(path) => path.clone(),
        None => {
            let lock = Lock::read(&root.join("openapi/lock.toml"))?;
            let locked = lock
                .api
                .get(api.name)
                .ok_or_else(|| anyhow!("openapi/lock.toml names no {} spec", api.name))?;
            resolve(&locked.source, &root)
        }
    };
    let mut spec = load_file(&source)?;
    let overlay = if args.no_overlay {
        "no overlay".to_string()
    } else {
        let report = Overlay::load(&root.join(api.overlay))?.apply(&mut spec.document);
        format!(
            "{} overlay fix(es) applied, {} not applicable",
            report.applied.len(),
            report.not_applicable.len()
        )
    };
    let json = serde_json::to_string(&spec.document).context("cannot serialize the spec")?;
    write_atomically(&args.out, json.as_bytes())?;
    println!(
        "spec-json: {} ({} operations; {overlay}) -> {} ({} bytes)",
        source.display(),
        spec.operation_count(),
        args.out.display(),
        json.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_yaml_with_binary_scalars_to_json() {
        let dir = std::env::temp_dir().join(format!("xtask-spec-json-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let yaml = dir.join("spec.yaml");
        std::fs::write(
            &yaml,
            "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {responses: {'200': {description: ok}}}\ncomponents:\n  schemas:\n    A:\n      type: string\n      example: !!binary |-\n        aGVsbG8=\n    ParentOrgInfo:\n      properties:\n        planName: {type: String}\n",
        )
        .unwrap();
        let out = dir.join("spec.json");
        run(SpecJsonArgs {
            out: out.clone(),
            regional: false,
            organizations: true,
            spec: Some(yaml.clone()),
            no_overlay: false,
        })
        .unwrap();
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        assert_eq!(json["openapi"], "3.0.0");
        assert_eq!(json["components"]["schemas"]["A"]["example"], "aGVsbG8=");
        // The organizations overlay fixed `type: String`.
        let plan_name = "/components/schemas/ParentOrgInfo/properties/planName/type";
        assert_eq!(json.pointer(plan_name), Some(&serde_json::json!("string")));
        run(SpecJsonArgs {
            out: out.clone(),
            regional: false,
            organizations: true,
            spec: Some(yaml),
            no_overlay: true,
        })
        .unwrap();
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        assert_eq!(json.pointer(plan_name), Some(&serde_json::json!("String")));

        let err = run(SpecJsonArgs {
            out: dir.join("never.json"),
            regional: true,
            organizations: false,
            spec: Some(dir.join("missing.yaml")),
            no_overlay: false,
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("missing.yaml"), "{err}");
        assert!(!dir.join("never.json").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
