//! `modsim serve`: the classroom in a browser. A local web application in the one binary:
//! pick a scenario, edit its policy, reform or scenario with the problems of `modsim check`
//! underlined, replay and read the verdicts, the explanation trees and the timeline, compare a
//! reform with the baseline, sweep, do an exercise graded on the server, and share a what-if as
//! a link.
//!
//! - [`library`]: what the server was given, read once at start; runs read nothing else.
//! - [`api`]: the routes (axum), what a request may carry and how it is answered.
//! - [`limits`]: the bounds on bodies, run time, concurrent runs and sweeps.
//! - [`views`]: the report with its prose and timeline, and located problems, as JSON.
//! - [`grade`]: exercises graded against keys that never leave the server.
//! - [`assets`]: the front end (`crates/cli/assets/`), embedded.
//!
//! It binds the loopback address unless `--listen` names another, and then says that anyone
//! on that network can use it.

mod api;
mod assets;
mod grade;
mod library;
mod limits;
mod views;

use std::net::SocketAddr;
use std::sync::Arc;

use crate::args::ServeArgs;

/// Runs the server until it is stopped (Ctrl-C).
pub fn serve(args: &ServeArgs) -> Result<(), String> {
    let library = library::Library::load(&args.paths, args.exercises.as_deref())?;
    let keys = match &args.answers_dir {
        Some(dir) => grade::Keys::read(dir, &library)?,
        None => grade::Keys::default(),
    };
    let address: SocketAddr = match &args.listen {
        Some(text) => parse_address(text)?,
        None => SocketAddr::from(([127, 0, 0, 1], args.port)),
    };
    let app = Arc::new(api::App {
        library,
        keys,
        turns: limits::Turns::default(),
    });
    if args.check {
        announce(&app, None, address);
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(limits::CONCURRENT_RUNS + limits::CONCURRENT_SWEEPS + 8)
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|e| format!("cannot listen on `{address}`: {e}"))?;
        let bound = listener
            .local_addr()
            .map_err(|e| format!("cannot listen on `{address}`: {e}"))?;
        announce(&app, Some(bound), bound);
        axum::serve(listener, api::router(app))
            .await
            .map_err(|e| format!("the server stopped: {e}"))
    })
}

/// Says what the server offers, where it is (`bound`, or where it would be with `--check`),
/// and who can reach it.
fn announce(app: &api::App, bound: Option<SocketAddr>, address: SocketAddr) {
    let l = &app.library;
    crate::output::eprint(&format!(
        "modsim serve: {} scenario{}, {} reform{}, {} exercise{} ({} with a key)\n",
        l.scenarios.len(),
        if l.scenarios.len() == 1 { "" } else { "s" },
        l.reforms.len(),
        if l.reforms.len() == 1 { "" } else { "s" },
        l.exercises.len(),
        if l.exercises.len() == 1 { "" } else { "s" },
        l.exercises.iter().filter(|e| app.keys.has(&e.id)).count(),
    ));
    let Some(bound) = bound else {
        let who = if address.ip().is_loopback() {
            "this machine only"
        } else {
            "anyone on that network could use it"
        };
        crate::output::eprint(&format!(
            "checked: nothing served (it would listen on http://{address}/, {who})\n"
        ));
        return;
    };
    if bound.ip().is_loopback() {
        crate::output::eprint(&format!(
            "open http://{bound}/ in a browser on this machine (Ctrl-C stops the server)\n"
        ));
    } else {
        crate::output::eprint(&format!(
            "listening on http://{bound}/: ANYONE ON THAT NETWORK CAN USE THIS SERVER (its scenarios, runs and exercises; never the answer keys). Ctrl-C stops it.\n"
        ));
    }
    // The one line a script waits for. A script that has gone away ends the server quietly
    // (`output::print` exits 0 on a closed pipe); any other failure is only reported.
    if let Err(e) = crate::output::print(&format!("http://{bound}/\n"), false) {
        crate::output::eprint(&format!("modsim serve: {e}\n"));
    }
}

/// `--listen ADDR`: an address with a port (`0.0.0.0:8080`, `[::]:8080`), or an address alone
/// (port 8017).
fn parse_address(text: &str) -> Result<SocketAddr, String> {
    if let Ok(a) = text.parse::<SocketAddr>() {
        return Ok(a);
    }
    text.trim_matches(['[', ']'])
        .parse::<std::net::IpAddr>()
        .map(|ip| SocketAddr::new(ip, DEFAULT_PORT))
        .map_err(|_| {
            format!("`--listen {text}` is not an address: write `0.0.0.0:8017` or `192.168.1.20`")
        })
}

/// The port when none is named.
pub const DEFAULT_PORT: u16 = 8017;
