//! Every Rust name of tests/names.json exists: the last segment of the path
//! is declared public in the module the path names (a function, type or
//! trait method in that module's source files), and the module is public.
//! The same file is checked from Python and JS.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../cx-core/src")
}

/// The source text of the files below `dir`.
fn folder_text(dir: &Path, text: &mut String) {
    for e in fs::read_dir(dir).expect("module folder") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            folder_text(&p, text);
        } else if p.extension().is_some_and(|x| x == "rs") {
            text.push_str(&fs::read_to_string(&p).expect("source"));
        }
    }
}

/// The source text of module `m` (a file or a folder of files).
fn module_text(m: &str) -> String {
    let dir = src().join(m);
    let mut text = String::new();
    if dir.is_dir() {
        folder_text(&dir, &mut text);
    } else {
        text = fs::read_to_string(src().join(format!("{m}.rs"))).expect("module file");
    }
    text
}

#[test]
fn every_rust_name_exists() {
    let doc: Value = serde_json::from_str(
        &fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("names.json")).expect("names.json"),
    )
    .expect("json");
    let lib = fs::read_to_string(src().join("lib.rs")).expect("lib.rs");
    let names = doc["names"].as_array().expect("names");
    assert!(names.len() >= 30);
    for n in names {
        let path = n["rust"].as_str().expect("rust");
        let mut parts = path.split("::");
        let module = parts.next().expect("module");
        assert!(
            lib.contains(&format!("pub mod {module};")),
            "{path}: module `{module}` is not public"
        );
        let item = path.rsplit("::").next().expect("item");
        let text = module_text(module);
        let declared = ["pub fn ", "pub struct ", "pub enum ", "pub trait ", "    fn "]
            .iter()
            .any(|k| {
                text.contains(&format!("{k}{item}("))
                    || text.contains(&format!("{k}{item}<"))
                    || text.contains(&format!("{k}{item} "))
            });
        assert!(declared, "{path}: `{item}` is not declared in cx::{module}");
    }
}

#[test]
fn js_names_are_the_python_names_in_camel_case() {
    let doc: Value = serde_json::from_str(
        &fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("names.json")).expect("names.json"),
    )
    .expect("json");
    let camel = |s: &str| {
        let mut out = String::new();
        let mut up = false;
        for c in s.chars() {
            if c == '_' {
                up = true;
            } else if up {
                out.extend(c.to_uppercase());
                up = false;
            } else {
                out.push(c);
            }
        }
        out
    };
    for n in doc["names"].as_array().expect("names") {
        if n.get("differs").is_some() {
            continue;
        }
        let (py, js) = (
            n["python"].as_str().expect("python"),
            n["js"].as_str().expect("js"),
        );
        assert_eq!(
            camel(py),
            js,
            "{}: say in `differs` why the names differ",
            n["concept"]
        );
    }
}
