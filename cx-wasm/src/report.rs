//! The report of `cx report` in the browser: the shop's four CSV exports in,
//! the same HTML page and JSON out. The files are read by the command's own
//! reader (`cx::exports`: dialects, encodings, bad rows by file and line)
//! and drawn by its renderer (`cx::report`), so the page is the command's
//! page for the same files. Nothing leaves the browser.

use cx::exports::{ExportFiles, ExportOptions, report_of_files};
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;

use crate::convert::{self, error, get};

#[wasm_bindgen]
extern "C" {
    /// The exports (declared below).
    #[wasm_bindgen(typescript_type = "ShopFiles")]
    pub type JsShopFiles;
    /// Options of the report.
    #[wasm_bindgen(typescript_type = "ReportOptions")]
    pub type JsReportOptions;
}

#[wasm_bindgen(typescript_custom_section)]
const REPORT_TYPES: &str = r#"
/** A shop export: the file's bytes (encoding recognised), its text, or either with its name. */
export type ShopFile = Uint8Array | string | { name: string; data: Uint8Array | string };
export interface ShopFiles { orders?: ShopFile; feedback?: ShopFile; contacts?: ShopFile; deliveries?: ShopFile }
export interface ReportOptions {
  asOf?: string; serviceLevelHours?: number; top?: number; calibrate?: boolean; skipBadRows?: boolean;
  delimiter?: "," | ";" | "\t" | "|"; decimal?: "." | ","; dateFormat?: string; encoding?: "utf-8" | "windows-1252" | "latin-1";
  /** Renamed columns: `{"orders.customer": "Kundennummer"}`. */
  columns?: Record<string, string>;
}
/** The page and the JSON of `cx report --json` for the same files. */
export interface ShopReport { html: string; json: string }
"#;

const TABLES: [&str; 4] = ["orders", "feedback", "contacts", "deliveries"];

/// One export: bytes (`Uint8Array`, encoding recognised) or text, alone or
/// as `{name, data}`.
fn file(table: &str, v: &JsValue) -> Result<(String, Vec<u8>), JsValue> {
    let (name, data) = match get(v, "data") {
        Some(d) => (get(v, "name").and_then(|n| n.as_string()), d),
        None => (None, v.clone()),
    };
    let name = name.unwrap_or_else(|| format!("{table}.csv"));
    if let Some(text) = data.as_string() {
        return Ok((name, text.into_bytes()));
    }
    data.dyn_ref::<Uint8Array>()
        .map(|b| (name, b.to_vec()))
        .ok_or_else(|| {
            convert::type_error(
                &format!("files.{table}"),
                "must be a Uint8Array, a string or {name, data}",
            )
        })
}

/// The report of `cx report` for the shop's exports `{orders?, feedback?,
/// contacts?, deliveries?}` (each a `Uint8Array` of the file, its text, or
/// `{name, data}`): `{html, json}`, the page and the JSON of `cx report
/// --json`. Options: `asOf`, `serviceLevelHours` (24), `top` (25),
/// `calibrate` (true), `skipBadRows`, `delimiter`, `decimal`,
/// `dateFormat`, `encoding`, `columns` (`{"orders.customer": "Kunde"}`).
/// A file that cannot be read throws a `CxError` with code `file`, its
/// message naming the file, line and column, and the fields `file`, `line`
/// (0 when no one row is at fault), `column`, `value` and `reason`.
#[wasm_bindgen(js_name = reportFromFiles, unchecked_return_type = "ShopReport")]
pub fn report_from_files(files: &JsShopFiles, options: Option<JsReportOptions>) -> Result<JsValue, JsValue> {
    let files: &JsValue = files.as_ref();
    if !files.is_object() {
        return Err(convert::type_error(
            "files",
            "must be an object of exports {orders?, feedback?, contacts?, deliveries?}",
        ));
    }
    // Keys of `columns` (`orders.customer`) have no capitals: unchanged by
    // the camelCase to snake_case renaming of option names.
    let json = convert::options(&options.map_or(JsValue::UNDEFINED, Into::into), &[])?;
    let o: ExportOptions = cx::options::from_json(json).map_err(error)?;
    let mut read = Vec::new();
    for t in TABLES {
        read.push(get(files, t).map(|v| file(t, &v)).transpose()?);
    }
    let at = |i: usize| read[i].as_ref().map(|(n, b)| (n.as_str(), b.as_slice()));
    let f = ExportFiles {
        orders: at(0),
        feedback: at(1),
        contacts: at(2),
        deliveries: at(3),
    };
    let report = report_of_files(&f, &o).map_err(error)?;
    let html = with_text_metrics(|| cx::report::render(&report, String::clone))?;
    // The report serializes without fail (string keys, finite numbers or null).
    let json = serde_json::to_string_pretty(&report).unwrap_or_default();
    let out = Object::new();
    let _ = Reflect::set(&out, &"html".into(), &html.into());
    let _ = Reflect::set(&out, &"json".into(), &json.into());
    Ok(out.into())
}

/// Runs `f` (the chart renderer) with the label sizes of `cx report`.
///
/// plotters 0.3.7 measures chart labels through the page's DOM on wasm32
/// (`style/font/web.rs`: a `<span>` appended to `document.body`), which a
/// Web Worker and Node do not have (plotters-rs/plotters#482); natively it
/// uses an estimate from the font size and the text's length
/// (`style/font/naive.rs`). Where there is no `document`, this stands in
/// for the few DOM calls plotters makes with that same estimate, so the
/// charts come out as `cx report` draws them, byte for byte; the stand-in
/// exists only while `f` runs (no other JavaScript runs meanwhile). In a
/// page's main thread plotters measures with the page's fonts instead: the
/// same numbers, labels spaced by the browser's metrics.
fn with_text_metrics<T>(f: impl FnOnce() -> T) -> Result<T, JsValue> {
    let global = js_sys::global();
    let names = ["Window", "HTMLElement", "document"];
    if Reflect::has(&global, &"document".into())? {
        return Ok(f());
    }
    let saved: Vec<JsValue> = names
        .iter()
        .map(|n| Reflect::get(&global, &(*n).into()))
        .collect::<Result<_, _>>()?;
    let had: Vec<bool> = names
        .iter()
        .map(|n| Reflect::has(&global, &(*n).into()))
        .collect::<Result<_, _>>()?;
    let mut keep: Vec<JsValue> = Vec::new();
    let install = (|| -> Result<(), JsValue> {
        // `globalThis instanceof Window` and `span instanceof HTMLElement`
        // are what web-sys checks before using them.
        let is_global = {
            let g: JsValue = global.clone().into();
            Closure::<dyn Fn(JsValue) -> bool>::new(move |o: JsValue| o == g)
        };
        let window = Object::new();
        Reflect::set(&window, &js_sys::Symbol::has_instance(), is_global.as_ref())?;
        let is_span = Closure::<dyn Fn(JsValue) -> bool>::new(|o: JsValue| {
            o.is_object() && Reflect::has(&o, &"__cxTextBox".into()).unwrap_or(false)
        });
        let element = Object::new();
        Reflect::set(&element, &js_sys::Symbol::has_instance(), is_span.as_ref())?;
        let create = Closure::<dyn Fn(JsValue) -> JsValue>::new(|_tag: JsValue| -> JsValue {
            let span = Object::new();
            let _ = Reflect::set(&span, &"__cxTextBox".into(), &JsValue::TRUE);
            let target = span.clone();
            let set_attribute =
                Closure::<dyn Fn(JsValue, JsValue)>::new(move |name: JsValue, value: JsValue| {
                    if name.as_string().as_deref() != Some("style") {
                        return;
                    }
                    let style = value.as_string().unwrap_or_default();
                    let text = Reflect::get(&target, &"textContent".into())
                        .ok()
                        .and_then(|t| t.as_string())
                        .unwrap_or_default();
                    let (w, h) = naive_box(font_size(&style), &text);
                    let _ = Reflect::set(&target, &"offsetWidth".into(), &w.into());
                    let _ = Reflect::set(&target, &"offsetHeight".into(), &h.into());
                });
            // Owned by the span from here: freed with it by JavaScript's collector.
            let _ = Reflect::set(&span, &"setAttribute".into(), &set_attribute.into_js_value());
            let remove = Closure::<dyn Fn()>::new(|| {});
            let _ = Reflect::set(&span, &"remove".into(), &remove.into_js_value());
            span.into()
        });
        let append = Closure::<dyn Fn(JsValue)>::new(|_child: JsValue| {});
        let body = Object::new();
        Reflect::set(&body, &"append".into(), append.as_ref())?;
        let document = Object::new();
        Reflect::set(&document, &"body".into(), &body)?;
        Reflect::set(&document, &"createElement".into(), create.as_ref())?;
        Reflect::set(&global, &"Window".into(), &window)?;
        Reflect::set(&global, &"HTMLElement".into(), &element)?;
        Reflect::set(&global, &"document".into(), &document)?;
        keep.extend([
            is_global.into_js_value(),
            is_span.into_js_value(),
            create.into_js_value(),
            append.into_js_value(),
        ]);
        Ok(())
    })();
    let out = install.map(|()| f());
    for ((n, v), had) in names.iter().zip(saved).zip(had) {
        if had {
            Reflect::set(&global, &(*n).into(), &v)?;
        } else {
            Reflect::delete_property(&global, &(*n).into())?;
        }
    }
    drop(keep);
    out
}

/// The font size of plotters' style attribute (`font-size: 12px`).
fn font_size(style: &str) -> f64 {
    style
        .split(';')
        .find_map(|d| d.trim().strip_prefix("font-size:"))
        .and_then(|v| v.trim().trim_end_matches("px").parse().ok())
        .unwrap_or(12.0)
}

/// plotters' native text estimate (`style/font/naive.rs`): the box of a
/// text of `text.len()` bytes at `size` pixels.
fn naive_box(size: f64, text: &str) -> (i32, i32) {
    let em = size / 1.24 / 1.24;
    let width = (em * 0.7 * text.len() as f64).round() as i32;
    let height = (em * 0.24).round() as i32 + em.round() as i32;
    (width, height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimate_is_plotters_native_one() {
        // naive.rs: ((0, -round(em)), (round(0.7·em·len), round(0.24·em))).
        let em: f64 = 12.0 / 1.24 / 1.24;
        assert_eq!(
            naive_box(12.0, "März"),
            (
                (em * 0.7 * 5.0).round() as i32,
                (em * 0.24).round() as i32 + em.round() as i32
            )
        );
        assert_eq!(
            font_size(
                "display: inline-block; font-family:sans-serif; font-style:normal; font-size: 12px; position: fixed; top: 100%"
            ),
            12.0
        );
    }
}
