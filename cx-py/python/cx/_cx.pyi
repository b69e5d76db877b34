# Type stub of the native extension (cx-py/src). The public, typed API is in
# the Python modules of this package; this file describes what they call.
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import numpy.typing as npt

__version__: str

def nps(scores: npt.NDArray[Any], weights: Optional[npt.NDArray[np.float64]] = None, options: Optional[Dict[str, Any]] = None) -> Dict[str, Any]: ...
def csat(scores: npt.NDArray[Any], weights: Optional[npt.NDArray[np.float64]] = None, options: Optional[Dict[str, Any]] = None) -> Dict[str, Any]: ...
def ces(scores: npt.NDArray[Any], weights: Optional[npt.NDArray[np.float64]] = None, options: Optional[Dict[str, Any]] = None) -> Dict[str, Any]: ...
def smiley(scores: npt.NDArray[Any], weights: Optional[npt.NDArray[np.float64]] = None, options: Optional[Dict[str, Any]] = None) -> Dict[str, Any]: ...
def compare(kind: str, a: Dict[str, Any], b: Dict[str, Any], level: float = 0.95) -> Dict[str, Any]: ...
def group_by(
    scale: Tuple[int, int],
    scores: npt.NDArray[Any],
    weights: Optional[npt.NDArray[np.float64]] = None,
    keys: Optional[npt.NDArray[np.int64]] = None,
    keys_missing_sentinel: bool = False,
    timestamps: Optional[npt.NDArray[np.int64]] = None,
    unit: str = "ns",
    bucket: str = "week",
) -> List[Tuple[Optional[int], Optional[int], _Distribution]]: ...
def retention(
    measure: str,
    customers: npt.NDArray[np.int64],
    timestamps: npt.NDArray[np.int64],
    unit: str,
    amounts: Optional[npt.NDArray[np.float64]] = None,
    options: Optional[Dict[str, Any]] = None,
    customers_missing_sentinel: bool = False,
) -> Any: ...
def parse_timestamps(texts: List[str]) -> npt.NDArray[np.int64]: ...

class _Distribution:
    def __init__(self, min: int, max: int) -> None: ...
    @staticmethod
    def from_scores(scale: Tuple[int, int], scores: npt.NDArray[Any], weights: Optional[npt.NDArray[np.float64]] = None) -> _Distribution: ...
    def push(self, score: float, weight: float) -> None: ...
    def extend(self, scores: npt.NDArray[Any], weights: Optional[npt.NDArray[np.float64]] = None) -> None: ...
    def merge(self, other: _Distribution) -> None: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(data: bytes) -> _Distribution: ...
    @property
    def scale(self) -> Tuple[int, int]: ...
    @property
    def n(self) -> int: ...
    @property
    def counts(self) -> List[int]: ...
    @property
    def weights(self) -> List[float]: ...
    @property
    def total_weight(self) -> float: ...
    @property
    def effective_n(self) -> float: ...
    def measure(self, kind: str, options: Optional[Dict[str, Any]] = None) -> Dict[str, Any]: ...
def churn_fit(
    model: str,
    frequency: Optional[npt.NDArray[np.float64]] = None,
    recency: Optional[npt.NDArray[np.float64]] = None,
    t: Optional[npt.NDArray[np.float64]] = None,
    monetary_value: Optional[npt.NDArray[np.float64]] = None,
    options: Optional[Dict[str, Any]] = None,
) -> str: ...
def churn_model(json: str) -> str: ...
def churn_predict(
    model: str,
    prediction: Dict[str, Any],
    frequency: Optional[npt.NDArray[np.float64]] = None,
    recency: Optional[npt.NDArray[np.float64]] = None,
    t: Optional[npt.NDArray[np.float64]] = None,
    monetary_value: Optional[npt.NDArray[np.float64]] = None,
) -> npt.NDArray[np.float64]: ...
def churn_clv(
    purchases: str,
    spend: str,
    frequency: npt.NDArray[np.float64],
    recency: npt.NDArray[np.float64],
    t: npt.NDArray[np.float64],
    monetary_value: npt.NDArray[np.float64],
    options: Optional[Dict[str, Any]] = None,
) -> npt.NDArray[np.float64]: ...
def churn_holdout(
    model: str,
    frequency: npt.NDArray[np.float64],
    recency: npt.NDArray[np.float64],
    t: npt.NDArray[np.float64],
    frequency_holdout: npt.NDArray[np.float64],
    duration_holdout: float,
    last_bin: int = 7,
) -> Dict[str, Any]: ...
def gaps(measure: str, args: Dict[str, Any]) -> Dict[str, Any]: ...
def signals(args: Dict[str, Any]) -> Dict[str, Any]: ...
def signals_columns(
    orders: Any = ..., feedback: Any = ..., contacts: Any = ..., deliveries: Any = ..., options: Optional[Dict[str, Any]] = ...
) -> Dict[str, Any]: ...
def gaps_delivery(
    promised: npt.NDArray[np.int64],
    delivered: npt.NDArray[np.int64],
    unit: str,
    grace_days: float,
    keys: Optional[npt.NDArray[np.int64]] = None,
    level: float = 0.95,
) -> Dict[str, Any]: ...
def gaps_answer_times(
    received: npt.NDArray[np.int64],
    answered: npt.NDArray[np.int64],
    unit: str,
    service_level_seconds: float,
    channels: Optional[npt.NDArray[np.int64]] = None,
    channel_levels: List[Tuple[int, float]] = ...,
    level: float = 0.95,
) -> Dict[str, Any]: ...
def gaps_fcr(
    cases: npt.NDArray[np.int64],
    timestamps: npt.NDArray[np.int64],
    resolved: npt.NDArray[np.bool_],
    channels: Optional[npt.NDArray[np.int64]] = None,
    level: float = 0.95,
) -> Dict[str, Any]: ...
def gaps_repeat_contacts(
    customers: npt.NDArray[np.int64],
    timestamps: npt.NDArray[np.int64],
    unit: str,
    channels: npt.NDArray[np.int64],
    cases: Optional[npt.NDArray[np.int64]] = None,
    window_days: float = 7.0,
    same_case: bool = False,
    level: float = 0.95,
) -> Dict[str, Any]: ...
