//! Reading measure options from JSON-like values, as the Python and
//! JavaScript bindings receive them (a dict, an object), with the same typed
//! errors in every language.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{CesPolarity, NpsInterval, Scale};
use crate::error::{CxError, Result};
use crate::stats;

/// Builds an options struct ([`super::NpsOptions`], [`super::CsatOptions`],
/// …) from a JSON object; `null` gives the defaults and `null` fields keep
/// their default.
///
/// `scale` may be `{"min": a, "max": b}` or `[a, b]`.
///
/// # Errors
/// [`CxError::InvalidParameter`] naming the option for an invalid scale,
/// interval, polarity or level, an unknown option, or a value of the wrong
/// type.
///
/// # Examples
/// ```
/// use cx::survey::{options_from_json, CsatOptions};
/// let o: CsatOptions = options_from_json(serde_json::json!({"scale": [1, 7], "threshold": 6}))?;
/// assert_eq!(o.scale.max(), 7);
/// let e = options_from_json::<CsatOptions>(serde_json::json!({"scale": [5, 1]})).unwrap_err();
/// assert_eq!(e.argument(), "scale");
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn options_from_json<T: DeserializeOwned + Default>(value: Value) -> Result<T> {
    let mut map = match value {
        Value::Null => return Ok(T::default()),
        Value::Object(map) => map,
        other => return Err(CxError::invalid("options", other, "an object of named options")),
    };
    map.retain(|_, v| !v.is_null());
    check_fields(&mut map)?;
    serde_json::from_value(Value::Object(map)).map_err(|e| {
        CxError::invalid(
            "options",
            e,
            "options of this measure with values of the right type",
        )
    })
}

fn check_fields(map: &mut Map<String, Value>) -> Result<()> {
    if let Some(s) = map.get("scale") {
        let bounds = match s {
            Value::Array(a) if a.len() == 2 => (a[0].as_i64(), a[1].as_i64()),
            Value::Object(o) => (
                o.get("min").and_then(Value::as_i64),
                o.get("max").and_then(Value::as_i64),
            ),
            _ => (None, None),
        };
        let scale = match bounds {
            (Some(min), Some(max)) => match (i32::try_from(min), i32::try_from(max)) {
                (Ok(min), Ok(max)) => Scale::new(min, max)?,
                _ => return Err(CxError::invalid("scale", s, "two integers (min, max)")),
            },
            _ => return Err(CxError::invalid("scale", s, "two integers (min, max)")),
        };
        map.insert(
            "scale".into(),
            serde_json::json!({"min": scale.min(), "max": scale.max()}),
        );
    }
    if let Some(v) = map.get("interval") {
        text("interval", v)?.parse::<NpsInterval>()?;
    }
    if let Some(v) = map.get("polarity") {
        text("polarity", v)?.parse::<CesPolarity>()?;
    }
    if let Some(v) = map.get("level") {
        let level = v
            .as_f64()
            .ok_or_else(|| CxError::invalid("level", v, "a number strictly between 0 and 1"))?;
        stats::check_level(level)?;
    }
    for key in ["threshold", "easy_threshold"] {
        if let Some(v) = map.get(key)
            && v.as_i64().and_then(|x| i32::try_from(x).ok()).is_none()
        {
            return Err(CxError::invalid(key, v, "an integer point of the scale"));
        }
    }
    Ok(())
}

fn text<'a>(argument: &'static str, v: &'a Value) -> Result<&'a str> {
    v.as_str()
        .ok_or_else(|| CxError::invalid(argument, v, "a string"))
}
