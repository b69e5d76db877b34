//! Conversions between JavaScript values and the core's types.
//!
//! Results cross as plain objects with camelCase keys; options arrive as
//! plain objects with camelCase keys and are read by the core's JSON options
//! reader; errors become real `Error` objects carrying the core's `code` and
//! fields.

use cx::CxError;
use js_sys::Date;
use js_sys::{
    Array, Float32Array, Float64Array, Int8Array, Int16Array, Int32Array, Object, Reflect, Uint8Array,
};
use js_sys::{Uint16Array, Uint32Array};
use serde::Serialize;
use serde_json::{Map, Value};
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

pub(crate) fn json_to_js(v: &Value) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))
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
        let json: Value = serde_wasm_bindgen::from_value(val)
            .map_err(|e| type_error("options", &format!("has an unreadable `{key}`: {e}")))?;
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

/// Timestamps from JS: epoch milliseconds (numbers or a typed array),
/// `Date` objects or ISO strings (parsed by the core's parser).
pub fn timestamps(v: &JsValue) -> Result<Vec<i64>, JsValue> {
    if js_sys::ArrayBuffer::is_view(v) {
        return numbers("timestamps", v)?
            .into_iter()
            .enumerate()
            .map(|(i, ms)| ms_to_i64(i, ms))
            .collect();
    }
    let Some(arr) = v.dyn_ref::<Array>() else {
        return Err(type_error(
            "timestamps",
            "must be an array of dates, ISO strings or epoch milliseconds",
        ));
    };
    let mut out = Vec::with_capacity(arr.length() as usize);
    for (i, x) in arr.iter().enumerate() {
        let ms = if let Some(f) = x.as_f64() {
            ms_to_i64(i, f)?
        } else if let Some(s) = x.as_string() {
            cx::time::parse_timestamps_ms("timestamps", &[s])
                .map_err(|e| match e {
                    CxError::Parse {
                        argument,
                        value,
                        expected,
                        ..
                    } => CxError::Parse {
                        argument,
                        index: i,
                        value,
                        expected,
                    },
                    other => other,
                })
                .map_err(error)?[0]
        } else if let Some(d) = x.dyn_ref::<Date>() {
            ms_to_i64(i, d.get_time())?
        } else if x.is_null() || x.is_undefined() {
            return Err(error(CxError::Missing {
                argument: "timestamps",
                index: i,
            }));
        } else {
            return Err(type_error("timestamps", &format!("[{i}] is not a date")));
        };
        out.push(ms);
    }
    Ok(out)
}

fn ms_to_i64(index: usize, ms: f64) -> Result<i64, JsValue> {
    if ms.is_finite() {
        Ok(ms.floor() as i64)
    } else {
        Err(error(CxError::Missing {
            argument: "timestamps",
            index,
        }))
    }
}

/// Group keys from JS: strings or integers (null is missing).
pub enum Keys {
    /// All strings.
    Text(Vec<String>),
    /// All integers.
    Int(Vec<i64>),
}

pub fn keys(argument: &'static str, v: &JsValue) -> Result<Keys, JsValue> {
    let Some(arr) = v.dyn_ref::<Array>() else {
        let n = numbers(argument, v)?;
        return Ok(Keys::Int(n.into_iter().map(|x| x as i64).collect()));
    };
    let text = arr.length() > 0 && arr.get(0).is_string();
    let mut strings = Vec::new();
    let mut ints = Vec::new();
    for (i, x) in arr.iter().enumerate() {
        if x.is_null() || x.is_undefined() {
            return Err(error(CxError::Missing { argument, index: i }));
        }
        match (text, x.as_string(), x.as_f64()) {
            (true, Some(s), _) => strings.push(s),
            (false, _, Some(f)) if f.fract() == 0.0 => ints.push(f as i64),
            _ => {
                return Err(type_error(
                    argument,
                    &format!("[{i}] must be all strings or all integers like the first key"),
                ));
            }
        }
    }
    Ok(if text {
        Keys::Text(strings)
    } else {
        Keys::Int(ints)
    })
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
