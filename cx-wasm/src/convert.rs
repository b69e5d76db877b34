//! Conversions between JavaScript values and the core's types.
//!
//! Results cross as plain objects with camelCase keys; options arrive as
//! plain objects with camelCase keys and are read by the core's JSON options
//! reader; errors become real `Error` objects carrying the core's `code` and
//! fields.

use cx::CxError;
use js_sys::{
    Array, Float32Array, Float64Array, Int8Array, Int16Array, Int32Array, Object, Reflect, Uint8Array,
};
use js_sys::{Date, Uint16Array, Uint32Array};
use serde::Serialize;
use serde_json::{Map, Number, Value};
use wasm_bindgen::{JsCast, JsValue};

/// Answers as they come from JS, kept in the narrowest native type.
pub enum Answers {
    /// From a `Uint8Array` (the fast histogram path).
    Bytes(Vec<u8>),
    /// From any other integer typed array.
    Ints(Vec<i64>),
    /// From a float typed array or a plain array (missing entries are NaN).
    Floats(Vec<f64>),
}

/// Runs `$body` with `$s` bound to the answers as a typed slice.
macro_rules! with_answers {
    ($answers:expr, |$s:ident| $body:expr) => {
        match &$answers {
            $crate::convert::Answers::Bytes(v) => {
                let $s = &v[..];
                $body
            }
            $crate::convert::Answers::Ints(v) => {
                let $s = &v[..];
                $body
            }
            $crate::convert::Answers::Floats(v) => {
                let $s = &v[..];
                $body
            }
        }
    };
}
pub(crate) use with_answers;

/// A `TypeError`-like `Error` for input of an unusable type.
pub fn type_error(argument: &str, message: &str) -> JsValue {
    let e = js_sys::Error::new(&format!("`{argument}` {message}"));
    e.set_name("CxError");
    set(&e, "code", &"input_type".into());
    set(&e, "argument", &argument.into());
    e.into()
}

/// What `value.method()` returns when `value` is a cx object of class
/// `class`, else the typed `input_type` error naming `argument`. Exports take
/// other cx objects this way rather than as wasm-bindgen class arguments,
/// whose check throws a plain `Error` and whose conversion would consume the
/// caller's object.
pub fn call_own(argument: &str, value: &JsValue, method: &str, class: &str) -> Result<JsValue, JsValue> {
    let wrong = || type_error(argument, &format!("must be a {class}"));
    if !value.is_object() {
        return Err(wrong());
    }
    let f = Reflect::get(value, &method.into()).map_err(|_| wrong())?;
    let f = f.dyn_into::<js_sys::Function>().map_err(|_| wrong())?;
    // A freed object or a foreign `method` throws: the same typed error.
    f.call0(value).map_err(|_| wrong())
}

/// The bytes of `value.toBytes()` when `value` is a cx object of class
/// `class` (which stays usable), else the typed `input_type` error.
pub fn own_bytes(argument: &str, value: &JsValue, class: &str) -> Result<Vec<u8>, JsValue> {
    call_own(argument, value, "toBytes", class)?
        .dyn_ref::<js_sys::Uint8Array>()
        .map(js_sys::Uint8Array::to_vec)
        .ok_or_else(|| type_error(argument, &format!("must be a {class}")))
}

/// The bytes of a `Uint8Array` argument (from `toBytes`); anything else is
/// the typed `input_type` error, never a trap.
pub fn byte_array(bytes: &JsValue) -> Result<Vec<u8>, JsValue> {
    bytes
        .dyn_ref::<js_sys::Uint8Array>()
        .map(js_sys::Uint8Array::to_vec)
        .ok_or_else(|| type_error("bytes", "must be a Uint8Array (from toBytes)"))
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a property on a fresh Error or Object cannot fail.
    let _ = Reflect::set(target, &key.into(), value);
}

/// Reads a column of answers: a typed array or an array of numbers, where
/// `null`/`undefined` are missing (NaN, reported by the core with their row).
pub fn answers(argument: &str, v: &JsValue) -> Result<Answers, JsValue> {
    if let Some(a) = v.dyn_ref::<Uint8Array>() {
        return Ok(Answers::Bytes(a.to_vec()));
    }
    macro_rules! ints {
        ($($t:ty),*) => {$(
            if let Some(a) = v.dyn_ref::<$t>() {
                return Ok(Answers::Ints(a.to_vec().into_iter().map(i64::from).collect()));
            }
        )*};
    }
    ints!(Int8Array, Int16Array, Int32Array, Uint16Array, Uint32Array);
    if let Some(a) = v.dyn_ref::<Float64Array>() {
        return Ok(Answers::Floats(a.to_vec()));
    }
    if let Some(a) = v.dyn_ref::<Float32Array>() {
        return Ok(Answers::Floats(a.to_vec().into_iter().map(f64::from).collect()));
    }
    Ok(Answers::Floats(numbers(argument, v)?))
}

/// What a column holds, for [`column`].
#[cfg(feature = "full")]
#[derive(Clone, Copy)]
pub enum Holds {
    /// Numbers (`NaN` missing).
    Numbers,
    /// Keys: whole numbers (or text, in a plain array).
    Keys,
    /// Times in epoch milliseconds (`NaN` missing).
    Times,
}

/// The named column as the binding layer reads it. A typed array is copied
/// once into a buffer (no JSON value per row, which cost more than the
/// computation on a million rows); anything else, and typed arrays whose
/// values a buffer cannot hold as they are (fractional keys or times, a
/// missing key), goes through JSON, so the same typed errors follow.
#[cfg(feature = "full")]
pub fn column(argument: &str, v: &JsValue, holds: Holds) -> Result<cx::bind::Column<'static>, JsValue> {
    use cx::bind::Column;
    let floats = if let Some(a) = v.dyn_ref::<Float64Array>() {
        Some(a.to_vec())
    } else if let Some(a) = v.dyn_ref::<Float32Array>() {
        Some(a.to_vec().into_iter().map(f64::from).collect())
    } else if let Some(a) = v.dyn_ref::<Int32Array>() {
        Some(a.to_vec().into_iter().map(f64::from).collect())
    } else {
        v.dyn_ref::<Uint32Array>()
            .map(|a| a.to_vec().into_iter().map(f64::from).collect())
    };
    let whole = |f: f64| f.fract() == 0.0 && f.abs() < 9.0e15;
    match (floats, holds) {
        (Some(f), Holds::Numbers) => Ok(Column::Floats(f.into())),
        (Some(f), Holds::Keys) if f.iter().all(|&x| whole(x)) => Ok(Column::Ints(
            f.into_iter().map(|x| x as i64).collect::<Vec<_>>().into(),
        )),
        (Some(f), Holds::Times) if f.iter().all(|&x| x.is_nan() || whole(x)) => Ok(Column::Ints(
            f.into_iter()
                .map(|x| if x.is_nan() { i64::MIN } else { x as i64 })
                .collect::<Vec<_>>()
                .into(),
        )),
        _ => Ok(Column::Json(to_json(argument, v)?)),
    }
}

/// Reads a plain array (or a typed array) of numbers; `null` and
/// `undefined` become NaN.
pub fn numbers(argument: &str, v: &JsValue) -> Result<Vec<f64>, JsValue> {
    if let Some(a) = v.dyn_ref::<Float64Array>() {
        return Ok(a.to_vec());
    }
    if js_sys::ArrayBuffer::is_view(v) {
        return Ok(Float64Array::new(v).to_vec());
    }
    let Some(arr) = v.dyn_ref::<Array>() else {
        return Err(type_error(
            argument,
            "must be an array or a typed array of numbers",
        ));
    };
    let mut out = Vec::with_capacity(arr.length() as usize);
    for (i, x) in arr.iter().enumerate() {
        if let Some(f) = x.as_f64() {
            out.push(f);
        } else if x.is_null() || x.is_undefined() {
            out.push(f64::NAN);
        } else {
            return Err(type_error(argument, &format!("[{i}] is not a number")));
        }
    }
    Ok(out)
}

/// The core error as a JS `Error` with `name = "CxError"`, the stable `code`
/// and every field of the variant (camelCase).
pub fn error(err: CxError) -> JsValue {
    let e = js_sys::Error::new(&err.to_string());
    e.set_name("CxError");
    // Every error names its argument (a covariate error: "covariates").
    set(&e, "argument", &JsValue::from_str(err.argument()));
    if let Ok(Value::Object(fields)) = serde_json::to_value(&err) {
        for (k, v) in fields {
            if let Ok(js) = json_to_js(&v) {
                set(&e, &camel(&k), &js);
            }
        }
    }
    e.into()
}

/// `snake_case` → `camelCase`.
pub fn camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
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
}

/// `camelCase` → `snake_case`.
pub fn snake(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

pub(crate) fn rename_keys(v: Value, f: &dyn Fn(&str) -> String) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (f(&k), rename_keys(v, f)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(|v| rename_keys(v, f)).collect()),
        other => other,
    }
}

/// A JSON value as the plain JS value it describes. A long array of
/// numbers (a result's column) crosses as one `Float64Array` made into an
/// array by `Array.from`, instead of one boundary call per number: the
/// customer summary of 100,000 customers came back in 120 ms, now in a
/// fraction of it. Everything else as `serde_wasm_bindgen` writes JSON.
pub(crate) fn json_to_js(v: &Value) -> Result<JsValue, JsValue> {
    match v {
        Value::Array(a) if a.len() >= 32 && a.iter().all(Value::is_number) => {
            let f: Vec<f64> = a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect();
            Ok(Array::from(&Float64Array::from(&f[..]).into()).into())
        }
        Value::Array(a) => {
            let out = Array::new_with_length(a.len() as u32);
            for (i, x) in a.iter().enumerate() {
                out.set(i as u32, json_to_js(x)?);
            }
            Ok(out.into())
        }
        Value::Object(m) => {
            let out = Object::new();
            for (k, x) in m {
                let value = json_to_js(x)?;
                if k == "__proto__" {
                    // A key from the data (a group label) stays a key, not the prototype.
                    let d = Object::new();
                    for (name, v) in [
                        ("value", &value),
                        ("enumerable", &JsValue::TRUE),
                        ("writable", &JsValue::TRUE),
                        ("configurable", &JsValue::TRUE),
                    ] {
                        Reflect::set(&d, &name.into(), v)?;
                    }
                    Object::define_property(&out, &k.into(), &d);
                } else {
                    Reflect::set(&out, &k.into(), &value)?;
                }
            }
            Ok(out.into())
        }
        leaf => leaf
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string()))),
    }
}

/// A core result as a plain JS object with camelCase keys.
pub fn result<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let v = serde_json::to_value(value).map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))?;
    json_to_js(&rename_keys(v, &camel))
}

/// A JS options object (camelCase keys, also in nested objects) as JSON
/// with snake_case keys.
/// `undefined` and `null` are no options. Keys listed in `skip` (inputs
/// that travel in the options object, like `weights`) are left out.
pub fn options(v: &JsValue, skip: &[&str]) -> Result<Value, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(Value::Null);
    }
    if !v.is_object() {
        return Err(type_error("options", "must be an object"));
    }
    let obj = Object::from(v.clone());
    let mut map = Map::new();
    for entry in Object::entries(&obj).iter() {
        let pair = Array::from(&entry);
        let key = pair.get(0).as_string().unwrap_or_default();
        if skip.contains(&key.as_str()) {
            continue;
        }
        let val = pair.get(1);
        if val.is_undefined() {
            continue;
        }
        let json = to_json(&format!("options.{key}"), &val)?;
        map.insert(snake(&key), rename_keys(json, &snake));
    }
    Ok(Value::Object(map))
}

/// A property of an options object, `None` when absent, null or undefined.
pub fn get(obj: &JsValue, key: &str) -> Option<JsValue> {
    if !obj.is_object() {
        return None;
    }
    Reflect::get(obj, &key.into())
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

/// A JS value as JSON, keys unchanged: `Date` → epoch ms, typed arrays →
/// numbers, `NaN`/`undefined` → null (no answer). Infinite numbers are an
/// error naming `argument`, and so is nesting deeper than [`MAX_DEPTH`]
/// (a deeper value would exhaust WebAssembly's stack: a trap, not an error).
pub fn to_json(argument: &str, v: &JsValue) -> Result<Value, JsValue> {
    to_json_at(argument, v, 0)
}

/// How deep arrays and objects may nest in an argument: far more than any
/// cx input has (a matrix is two levels), far less than the stack allows.
pub const MAX_DEPTH: usize = 64;

fn to_json_at(argument: &str, v: &JsValue, depth: usize) -> Result<Value, JsValue> {
    if depth > MAX_DEPTH {
        return Err(type_error(
            argument,
            &format!("is nested more than {MAX_DEPTH} levels deep"),
        ));
    }
    if v.is_null() || v.is_undefined() {
        return Ok(Value::Null);
    }
    if let Some(b) = v.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(f) = v.as_f64() {
        return number(argument, f);
    }
    if let Some(s) = v.as_string() {
        return Ok(Value::String(s));
    }
    if let Some(d) = v.dyn_ref::<Date>() {
        return number(argument, d.get_time());
    }
    if js_sys::ArrayBuffer::is_view(v) {
        return numbers(argument, v)?
            .into_iter()
            .map(|f| number(argument, f))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    if let Some(a) = v.dyn_ref::<Array>() {
        return a
            .iter()
            .map(|x| to_json_at(argument, &x, depth + 1))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    if v.is_object() {
        let mut m = Map::new();
        for entry in Object::entries(&Object::from(v.clone())).iter() {
            let pair = Array::from(&entry);
            m.insert(
                pair.get(0).as_string().unwrap_or_default(),
                to_json_at(argument, &pair.get(1), depth + 1)?,
            );
        }
        return Ok(Value::Object(m));
    }
    Err(type_error(
        argument,
        "holds a value that is not a number, string, date, array or object",
    ))
}

fn number(argument: &str, f: f64) -> Result<Value, JsValue> {
    if f.is_nan() {
        return Ok(Value::Null);
    }
    // Whole numbers as integers: item indices and answer codes are read as such.
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        return Ok(Value::Number(Number::from(f as i64)));
    }
    // JSON has no infinities: the core's readers take these texts for them
    // and report a non-finite value with its row, as from a buffer.
    let _ = argument;
    Ok(Number::from_f64(f).map_or_else(
        || Value::String(if f > 0.0 { "Infinity" } else { "-Infinity" }.into()),
        Value::Number,
    ))
}

/// Runs `cx::bind` call `name` on one object of a shop's tables (camelCase
/// keys, also of the options) and returns the JSON result.
#[cfg(feature = "full")]
pub fn tables_call(name: &str, args: &JsValue) -> Result<Value, JsValue> {
    if !args.is_object() {
        return Err(type_error(
            "arguments",
            "must be an object of tables (orders, feedback, contacts, deliveries) and options",
        ));
    }
    let v = rename_keys(to_json("arguments", args)?, &snake);
    cx::bind::call(name, v).map_err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_conversion_round_trips() {
        assert_eq!(camel("p_value"), "pValue");
        assert_eq!(camel("n_eff"), "nEff");
        assert_eq!(snake("easyThreshold"), "easy_threshold");
        assert_eq!(snake(&camel("ci_high")), "ci_high");
    }
}
