"""cx: customer-experience scores.

Survey scores (NPS, CSAT, CES, smiley terminals) with honest confidence
intervals, survey weights, comparisons and mergeable accumulators; repeat
purchase and retention from raw orders; and the buy-till-you-die churn
models (BG/NBD, MBG/NBD, Pareto/NBD, gamma-gamma CLV). Computed by a Rust
core that gives the same numbers in Rust, Python and JavaScript.

>>> import cx
>>> r = cx.nps([10, 9, 9, 8, 7, 6])
>>> round(r.score, 1), r.promoters, r.detractors
(33.3, 3, 1)
"""

from ._cx import __version__
from ._errors import (
    CxError,
    DecodeError,
    NotConvergedError,
    EmptyInputError,
    IncompatibleError,
    InputTypeError,
    InvalidParameterError,
    LengthMismatchError,
    MissingValueError,
    NegativeWeightError,
    NotFiniteError,
    NotIntegerError,
    OutOfRangeError,
    ParseError,
    ZeroWeightError,
)
from .churn import (
    BetaGeo,
    BootstrapIntervals,
    FitReport,
    GammaGamma,
    HoldoutCheck,
    ModifiedBetaGeo,
    ParetoNbd,
    load_model,
)
from .tracking import expected_cumulative_transactions
from .discrete import BetaGeoBetaBinom, ShiftedBetaGeometric
from .gaps import (
    GapReport,
    answer_times,
    cronbach_alpha,
    delivery,
    first_contact_resolution,
    ipa,
    kano,
    repeat_contacts,
    servqual,
)
from .scorecard import Scorecard, scorecard
from .signals import Backtest, RiskCalibration, SignalReport, backtest, signals
from .retention import (
    RowReport,
    SecondPurchase,
    StoreSummary,
    cadence,
    calibration_holdout,
    cohort_retention,
    customer_summary,
    returning_customers,
    rfm,
    store_summary,
    time_to_second_purchase,
)
from .survey import (
    Ces,
    Comparison,
    Csat,
    Distribution,
    Mean,
    Nps,
    Proportion,
    Smiley,
    ces,
    ces_by,
    compare,
    compare_proportions,
    csat,
    csat_by,
    group_by,
    nps,
    nps_by,
    smiley,
    smiley_by,
)
from . import plot

__all__ = [
    "__version__",
    "SignalReport",
    "Scorecard",
    "scorecard",
    "plot",
    "signals",
    "backtest",
    "Backtest",
    "RiskCalibration",
    "CxError",
    "DecodeError",
    "NotConvergedError",
    "EmptyInputError",
    "IncompatibleError",
    "InputTypeError",
    "InvalidParameterError",
    "LengthMismatchError",
    "MissingValueError",
    "NegativeWeightError",
    "NotFiniteError",
    "NotIntegerError",
    "OutOfRangeError",
    "ParseError",
    "ZeroWeightError",
    "Ces",
    "Comparison",
    "Csat",
    "Distribution",
    "Mean",
    "Nps",
    "Proportion",
    "Smiley",
    "ces",
    "ces_by",
    "compare",
    "compare_proportions",
    "csat",
    "csat_by",
    "group_by",
    "nps",
    "nps_by",
    "smiley",
    "smiley_by",
    "RowReport",
    "SecondPurchase",
    "StoreSummary",
    "cadence",
    "calibration_holdout",
    "cohort_retention",
    "customer_summary",
    "returning_customers",
    "rfm",
    "store_summary",
    "time_to_second_purchase",
    "BetaGeo",
    "FitReport",
    "GammaGamma",
    "HoldoutCheck",
    "ModifiedBetaGeo",
    "ParetoNbd",
    "load_model",
    "BootstrapIntervals",
    "expected_cumulative_transactions",
    "ShiftedBetaGeometric",
    "BetaGeoBetaBinom",
    "GapReport",
    "answer_times",
    "cronbach_alpha",
    "delivery",
    "first_contact_resolution",
    "ipa",
    "kano",
    "repeat_contacts",
    "servqual",
]
