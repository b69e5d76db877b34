//! One file per subcommand of `cx`.

pub mod backtest;
pub mod demo;
pub mod fit;
pub mod nps;
pub mod report;
pub mod rfm;
pub mod signals;
