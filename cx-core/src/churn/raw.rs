//! The serialized forms of the churn models, checked on the way in: a
//! model read from JSON (or any serde format) is built by its `new`, so an
//! invalid parameter is the same typed error as from code.

use serde::Deserialize;

use super::FitReport;
use crate::error::{CxError, Result};

macro_rules! checked {
    ($ty:ident, [$($p:ident),+]) => {
        /// The serialized form (fields as in JSON).
        #[derive(Deserialize)]
        pub(crate) struct $ty {
            $($p: f64,)+
            #[serde(default)]
            fit: Option<FitReport>,
        }

        impl TryFrom<$ty> for super::$ty {
            type Error = CxError;

            fn try_from(raw: $ty) -> Result<Self> {
                let mut m = super::$ty::new($(raw.$p),+)?;
                m.fit = raw.fit;
                Ok(m)
            }
        }

        impl super::$ty {
            $(
                #[doc = concat!("The parameter `", stringify!($p), "`.")]
                pub fn $p(&self) -> f64 {
                    self.$p
                }
            )+

            /// How the fit went, when the model was fitted.
            pub fn fit_report(&self) -> Option<&FitReport> {
                self.fit.as_ref()
            }
        }
    };
}

checked!(BetaGeo, [r, alpha, a, b]);
checked!(ModifiedBetaGeo, [r, alpha, a, b]);
checked!(ParetoNbd, [r, alpha, s, beta]);
checked!(GammaGamma, [p, q, v]);

/// Any model in its serialized form, tagged by `model`.
#[derive(Deserialize)]
#[serde(tag = "model", rename_all = "snake_case")]
pub(crate) enum AnyModel {
    BgNbd(BetaGeo),
    MbgNbd(ModifiedBetaGeo),
    ParetoNbd(ParetoNbd),
    GammaGamma(GammaGamma),
}

impl TryFrom<AnyModel> for super::AnyModel {
    type Error = CxError;

    fn try_from(raw: AnyModel) -> Result<Self> {
        Ok(match raw {
            AnyModel::BgNbd(m) => super::AnyModel::BgNbd(m.try_into()?),
            AnyModel::MbgNbd(m) => super::AnyModel::MbgNbd(m.try_into()?),
            AnyModel::ParetoNbd(m) => super::AnyModel::ParetoNbd(m.try_into()?),
            AnyModel::GammaGamma(m) => super::AnyModel::GammaGamma(m.try_into()?),
        })
    }
}

/// Reads JSON that must carry `"model": tag` into `T` (whose fields are
/// read strictly): how the models outside [`AnyModel`](super::AnyModel)
/// (sBG, BG/BB) are read.
///
/// # Errors
/// [`CxError::Decode`] naming `model` for malformed JSON, another tag or a
/// misspelt field.
pub(crate) fn tagged<T: serde::de::DeserializeOwned>(text: &str, tag: &str) -> Result<T> {
    let decode = |reason: String| CxError::Decode {
        argument: "model",
        reason,
    };
    let mut v: serde_json::Value = serde_json::from_str(text).map_err(|e| decode(e.to_string()))?;
    let found = v.as_object_mut().and_then(|o| o.remove("model"));
    if found.as_ref().and_then(|t| t.as_str()) != Some(tag) {
        return Err(decode(format!("expected \"model\": \"{tag}\", found {found:?}")));
    }
    serde_json::from_value(v).map_err(|e| decode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::super::{AnyModel, BetaGeo, GammaGamma};

    #[test]
    fn a_model_read_from_json_is_checked() {
        let ok: BetaGeo = serde_json::from_str(r#"{"r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.4}"#).unwrap();
        assert_eq!((ok.r(), ok.b(), ok.fit_report()), (0.24, 2.4, None));
        let e =
            serde_json::from_str::<BetaGeo>(r#"{"r": -1, "alpha": 4.4, "a": 0.79, "b": 2.4}"#).unwrap_err();
        assert!(e.to_string().contains("`r`"), "{e}");
        assert!(serde_json::from_str::<GammaGamma>(r#"{"p": 1, "q": 0, "v": 2}"#).is_err());
        // Through AnyModel the error keeps its type and names the parameter.
        let e = AnyModel::from_json(r#"{"model": "gamma_gamma", "p": 1, "q": 0, "v": 2}"#).unwrap_err();
        assert_eq!((e.code(), e.argument()), ("invalid_parameter", "q"));
        let e = AnyModel::from_json(r#"{"model": "bg_nbd", "r": 1}"#).unwrap_err();
        assert_eq!(e.code(), "decode");
    }
}
