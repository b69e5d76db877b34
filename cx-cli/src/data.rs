//! Data bundled with the command: the demo shop and the CDNOW summary.

/// Bundled demo shop (`cx demo-data --customers 1000 --seed 7`).
pub const DEMO: [(&str, &str); 4] = [
    ("orders.csv", include_str!("../data/demo/orders.csv")),
    ("feedback.csv", include_str!("../data/demo/feedback.csv")),
    ("contacts.csv", include_str!("../data/demo/contacts.csv")),
    ("deliveries.csv", include_str!("../data/demo/deliveries.csv")),
];

/// The CDNOW summary (Fader, Hardie & Lee 2005) as columns, weeks; see data/cdnow/README.md.
pub use cx::report::cdnow_summary;
