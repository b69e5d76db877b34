"""Result types: frozen dataclasses with attributes, ``to_dict()`` and a
readable ``repr``. Field names are those of the Rust structs."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple


class _Result:
    def to_dict(self) -> Dict[str, Any]:
        """The result as a plain dict (nested results as dicts)."""
        return dataclasses.asdict(self)  # type: ignore[call-overload]

    @classmethod
    def _from_core(cls, d: Dict[str, Any]) -> Any:
        kwargs = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            v = d[f.name]
            sub = _NESTED.get((cls.__name__, f.name))
            if sub is not None:
                v = sub._from_core(v)
            elif f.name == "scale" and isinstance(v, dict):
                v = (v["min"], v["max"])
            elif isinstance(v, list):
                v = tuple(v)
            kwargs[f.name] = v
        return cls(**kwargs)

    def _repr_html_(self) -> str:
        """A compact two-column table in Jupyter: numbers to four significant
        digits, nested results inline, long sequences summarised."""
        import html

        def cell(v: Any) -> str:
            if isinstance(v, float):
                return f"{v:.4g}"
            if isinstance(v, _Result):
                return ", ".join(f"{f.name} {cell(getattr(v, f.name))}" for f in dataclasses.fields(v))  # type: ignore[arg-type]
            if isinstance(v, (tuple, list)):
                if len(v) > 6:
                    return f"{len(v)} items: {', '.join(cell(x) for x in v[:3])}, …"
                return ", ".join(cell(x) for x in v)
            return html.escape(str(v))

        rows = "".join(
            f"<tr><th style='text-align:left'>{f.name}</th><td style='text-align:right'>{cell(getattr(self, f.name))}</td></tr>"
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
        )
        return f"<table><caption style='text-align:left'><b>{type(self).__name__}</b></caption>{rows}</table>"

    def _to_core(self) -> Dict[str, Any]:
        d = self.to_dict()
        for k, v in list(d.items()):
            if k == "scale":
                d[k] = {"min": v[0], "max": v[1]}
        return d


@dataclass(frozen=True)
class Proportion(_Result):
    """A share with a Wilson score interval (n = Kish effective size)."""

    successes: int
    n: int
    n_eff: float
    share: float
    ci_low: float
    ci_high: float
    level: float


@dataclass(frozen=True)
class Mean(_Result):
    """A mean with a Student t interval; spread fields are None when n_eff <= 1."""

    n: int
    n_eff: float
    mean: float
    sd: Optional[float]
    se: Optional[float]
    ci_low: Optional[float]
    ci_high: Optional[float]
    level: float


@dataclass(frozen=True)
class Nps(_Result):
    """Net Promoter Score in points (-100..100) with its interval."""

    n: int
    n_eff: float
    promoters: int
    passives: int
    detractors: int
    promoter_share: float
    passive_share: float
    detractor_share: float
    score: float
    se: float
    ci_center: float
    ci_low: float
    ci_high: float
    level: float
    interval: str


@dataclass(frozen=True)
class Csat(_Result):
    """CSAT: share of answers >= threshold (headline) and mean."""

    scale: Tuple[int, int]
    threshold: int
    n: int
    satisfied: Proportion
    mean: Mean


@dataclass(frozen=True)
class Ces(_Result):
    """CES: mean answer and share of easy answers."""

    polarity: str
    scale: Tuple[int, int]
    easy_threshold: int
    n: int
    mean: Mean
    easy: Proportion


@dataclass(frozen=True)
class Smiley(_Result):
    """Smiley terminal: positive share and 0-100 index."""

    n: int
    counts: Tuple[int, int, int, int]
    positive: Proportion
    index: Mean


@dataclass(frozen=True)
class Comparison(_Result):
    """Difference b - a of two independent samples with z test and interval."""

    a: float
    b: float
    difference: float
    se: float
    z: Optional[float]
    p_value: float
    ci_low: float
    ci_high: float
    level: float


_NESTED = {
    ("Csat", "satisfied"): Proportion,
    ("Csat", "mean"): Mean,
    ("Ces", "mean"): Mean,
    ("Ces", "easy"): Proportion,
    ("Smiley", "positive"): Proportion,
    ("Smiley", "index"): Mean,
}
