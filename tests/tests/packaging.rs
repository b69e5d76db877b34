//! The three packages carry one version and describe the whole library.

use serde_json::Value;

fn read(path: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn npm_package_version_is_the_workspace_version() {
    let pkg: Value = serde_json::from_str(&read("cx-wasm/package.json")).expect("package.json");
    assert_eq!(pkg["version"], env!("CARGO_PKG_VERSION"), "cx-wasm/package.json");
}

#[test]
fn python_package_takes_its_version_from_cargo() {
    // maturin reads the version of cx-py/Cargo.toml (the workspace's).
    let pyproject = read("cx-py/pyproject.toml");
    assert!(pyproject.contains("dynamic = [\"version\"]"), "{pyproject}");
    assert!(read("cx-py/Cargo.toml").contains("version.workspace = true"));
}

#[test]
fn descriptions_name_every_family() {
    let pkg: Value = serde_json::from_str(&read("cx-wasm/package.json")).expect("package.json");
    let texts = [
        pkg["description"].as_str().expect("description").to_owned(),
        read("cx-py/pyproject.toml"),
        read("cx-core/Cargo.toml"),
    ];
    for text in &texts {
        for family in ["NPS", "gaps", "retention", "churn", "signals"] {
            assert!(text.contains(family), "{family} missing from: {text:.200}");
        }
    }
}
