//! The `concord` binary: everything lives in the library; this only hands
//! over the process's arguments and turns the outcome into an exit status.
fn main() -> std::process::ExitCode {
    concord::cli::run()
}
