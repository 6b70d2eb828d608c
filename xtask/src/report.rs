//! What a run prints.

use std::path::Path;
use std::time::Duration;

use crate::fsutil::display_relative;
use crate::pipeline::ApiRun;

fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

/// Prints one API's run: input, overlay, passes, output, times.
pub fn print_run(run: &ApiRun, root: &Path) {
    let spec = &run.spec;
    println!("{}: {}", run.api.name, display_relative(&spec.path, root));
    println!(
        "  spec       {} bytes, sha256 {}, {} operations, {} schemas (load {})",
        spec.size,
        &spec.sha256[..16.min(spec.sha256.len())],
        run.operations,
        run.schemas,
        ms(run.timings.load)
    );
    println!(
        "  overlay    {} fix(es) applied, {} not applicable",
        run.overlay.applied.len(),
        run.overlay.not_applicable.len()
    );
    for reason in &run.overlay.applied {
        println!("    applied: {reason}");
    }
    for (reason, why) in &run.overlay.not_applicable {
        println!("    not applicable: {reason} ({why})");
    }
    println!("  passes     ({})", ms(run.timings.normalize));
    for pass in &run.passes {
        println!(
            "    {:<18} {:>4} change(s): {}",
            pass.name, pass.report.changes, pass.summary
        );
        for note in &pass.report.notes {
            println!("      {note}");
        }
    }
    let lines = run.source.text.lines().count();
    println!(
        "  generated  {}: {lines} lines; {} enums opened, {} Page impls, {} types with JsonSchema behind `schemars` ({})",
        run.api.module_path,
        run.source.annotations.opened_enums,
        run.source.annotations.page_impls,
        run.source.annotations.schemars_gated,
        ms(run.timings.generate)
    );
    println!(
        "  features   {} tag features; {} items behind a #[cfg]",
        run.source.features.tags.len(),
        run.source.annotations.cfg_gated
    );
    let send_path = run.source.annotations.send_path;
    println!(
        "  send path  {} sends with their headers straight onto the request; {} response constructors moving the headers; {} path parameters encoded into the URL",
        send_path.static_headers, send_path.moved_headers, send_path.path_params
    );
}
