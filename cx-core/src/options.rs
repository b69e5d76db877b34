//! Reading options from JSON-like values, as the Python and JavaScript
//! bindings receive them (a dict, an object), with the same typed errors in
//! every language.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{CxError, Result};
use crate::stats;
use crate::survey::{CesPolarity, NpsInterval, Scale};
use crate::time::{TimeBucket, date_of_day, parse_timestamp_ms};

/// Builds an options struct ([`crate::survey::NpsOptions`],
/// [`crate::retention::RetentionOptions`], …) from a JSON object; `null` gives the defaults and `null` fields keep
/// their default.
///
/// `scale` may be `{"min": a, "max": b}` or `[a, b]`; dates
/// (`observation_end`, `calibration_end`, `as_of`) may be ISO dates or
/// timestamps (their UTC day counts).
///
/// # Errors
/// [`CxError::InvalidParameter`] naming the option for an invalid scale,
/// interval, polarity or level, an unknown option, or a value of the wrong
/// type.
///
/// # Examples
/// ```
/// use cx::options::from_json as options_from_json;
/// use cx::survey::CsatOptions;
/// let o: CsatOptions = options_from_json(serde_json::json!({"scale": [1, 7], "threshold": 6}))?;
/// assert_eq!(o.scale.max(), 7);
/// let e = options_from_json::<CsatOptions>(serde_json::json!({"scale": [5, 1]})).unwrap_err();
/// assert_eq!(e.argument(), "scale");
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn from_json<T: DeserializeOwned + Default>(value: Value) -> Result<T> {
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
    for key in ["period", "bucket"] {
        if let Some(v) = map.get(key) {
            text(key, v)?
                .parse::<TimeBucket>()
                .map_err(|_| CxError::invalid(key, v, "\"day\", \"week\" or \"month\""))?;
        }
    }
    if let Some(v) = map.get("multiplier")
        && !v.as_f64().is_some_and(|m| m.is_finite() && m > 0.0)
    {
        return Err(CxError::invalid("multiplier", v, "a positive number"));
    }
    if let Some(v) = map.get("within")
        && v.as_i64().is_none_or(|w| w < 0)
    {
        return Err(CxError::invalid("within", v, "a whole number of periods >= 0"));
    }
    for key in ["observation_end", "calibration_end", "as_of"] {
        if let Some(v) = map.get(key) {
            let day = text(key, v)
                .ok()
                .and_then(parse_timestamp_ms)
                .map(|ms| ms.div_euclid(86_400_000))
                .and_then(date_of_day)
                .ok_or_else(|| CxError::invalid(key, v, crate::time::ACCEPTED_FORMS))?;
            map.insert(key.into(), Value::String(day.to_string()));
        }
    }
    if let Some(v) = map.get("freq")
        && !matches!(v.as_str(), Some("D" | "W" | "M" | "H"))
    {
        return Err(CxError::invalid(
            "freq",
            v,
            "\"D\", \"W\", \"M\" or \"H\" (the summary's time unit)",
        ));
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
