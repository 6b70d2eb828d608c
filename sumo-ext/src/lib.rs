//! Hand-written extensions over the generated Sumo Logic client.
pub use sumo_generated_client as raw;
