//! `cx`: a shop's customer-experience scorecard, explainable churn signals
//! and an offline HTML report, from CSV exports of orders, survey answers,
//! support contacts and deliveries.

use std::process::ExitCode;

use clap::Parser;

use cx_cli::args::{Cli, Command};
use cx_cli::cmd;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Report(a) => cmd::report::run(a),
        Command::Signals(a) => cmd::signals::run(a),
        Command::Backtest(a) => cmd::backtest::run(a),
        Command::Nps(a) => cmd::nps::run(a),
        Command::Rfm(a) => cmd::rfm::run(a),
        Command::Fit(a) => cmd::fit::run(a),
        Command::DemoData(a) => cmd::demo::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cx: error: {e}");
            ExitCode::from(1)
        }
    }
}
