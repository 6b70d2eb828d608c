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
    let prepared = &run.spec;
    let spec = &prepared.spec;
    println!("{}: {}", run.api.name, display_relative(&spec.path, root));
    println!(
        "  spec       {} bytes, sha256 {}, {} operations, {} schemas (load {})",
        spec.size,
        &spec.sha256[..16.min(spec.sha256.len())],
        prepared.operations,
        prepared.schemas,
        ms(prepared.load_time)
    );
    println!(
        "  overlay    {} fix(es) applied, {} not applicable",
        prepared.overlay.applied.len(),
        prepared.overlay.not_applicable.len()
    );
    for reason in &prepared.overlay.applied {
        println!("    applied: {reason}");
    }
    for (reason, why) in &prepared.overlay.not_applicable {
        println!("    not applicable: {reason} ({why})");
    }
    println!("  spec passes ({})", ms(prepared.normalize_time));
    for pass in &prepared.passes {
        print_pass(
            pass.name,
            pass.report.changes,
            pass.summary,
            &pass.report.notes,
        );
    }
    println!("  progenitor and syntax passes ({})", ms(run.generate_time));
    for pass in &run.module.passes {
        let summary = format!("{} ({})", pass.summary, ms(pass.time));
        print_pass(pass.name, pass.report.changes, &summary, &pass.report.notes);
    }
    println!(
        "  generated  {}: {} lines in {} files; {} tag features, {} items behind a #[cfg] (split and print {})",
        run.api.module_path,
        run.module.lines(),
        run.module.parts.len() + 1,
        run.module.features.tags.len(),
        run.module.cfg_gated,
        ms(run.emit_time)
    );
}

fn print_pass(name: &str, changes: usize, summary: &str, notes: &[String]) {
    println!("    {name:<20} {changes:>5} change(s): {summary}");
    for note in notes {
        println!("      {note}");
    }
}
