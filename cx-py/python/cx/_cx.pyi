# Type stub of the native extension (cx-py/src). The public, typed API is in
# the Python modules of this package; this file describes what they call.
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import numpy.typing as npt

__version__: str

def compare(kind: str, a: Dict[str, Any], b: Dict[str, Any], level: float = 0.95) -> Dict[str, Any]: ...
def group_by(
    scale: Tuple[int, int],
    scores: npt.NDArray[Any],
    weights: Optional[npt.NDArray[np.float64]] = None,
    args: Optional[Dict[str, Any]] = None,
    bucket: str = "week",
) -> List[Tuple[Any, Optional[int], _Distribution]]: ...
def retention(measure: str, args: Dict[str, Any]) -> Any: ...

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
    weights: Optional[npt.NDArray[np.float64]] = None,
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
def call(name: str, args: Dict[str, Any]) -> Any:
    """``cx::bind::run``: int64/float64/bool numpy arrays and ``(codes, labels)``
    tuples are read in place, anything else as JSON."""
    ...
def signals_columns(args: Dict[str, Any]) -> Dict[str, Any]: ...
