//! CSV dialects of real shop exports: the core's rules
//! (`cx::exports::dialect`), shared with the WebAssembly report page.

pub use cx::exports::dialect::*;
