//! Prints which of the typed operations the running kernel supports.
//!
//! Run: `cargo run --example probe_ops`.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let probe = io_urine::Probe::new()?;
    println!("kernel knows opcodes up to {}", probe.last_op());
    let mut missing = Vec::new();
    for &op in io_urine::ops::ALL_OPCODES {
        if !probe.is_supported(op) {
            missing.push(op);
        }
    }
    println!(
        "{} of {} typed operations supported; unsupported opcodes: {:?}",
        io_urine::ops::ALL_OPCODES.len() - missing.len(),
        io_urine::ops::ALL_OPCODES.len(),
        missing
    );
    Ok(())
}
