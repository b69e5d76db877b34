"""The names lifetimes 0.11.3 gives the model methods, as mixins of the cx
model classes: a notebook written for lifetimes calls them unchanged. Each
forwards to the cx method it names; the numbers are cx's."""

from __future__ import annotations

from typing import Any, Union

import numpy as np

ArrayOrFloat = Union[np.ndarray, float]


class PurchaseNames:
    """lifetimes' names of the purchase-model methods."""

    def conditional_probability_alive(self, frequency: Any, recency: Any, T: Any) -> ArrayOrFloat:
        """lifetimes' name of :meth:`probability_alive`."""
        return self.probability_alive(frequency=frequency, recency=recency, T=T)

    def conditional_expected_number_of_purchases_up_to_time(
        self, t: float, frequency: Any, recency: Any, T: Any
    ) -> ArrayOrFloat:
        """lifetimes' name of :meth:`predict_purchases`."""
        return self.predict_purchases(t, frequency=frequency, recency=recency, T=T)

    def expected_number_of_purchases_up_to_time(self, t: Any) -> ArrayOrFloat:
        """lifetimes' name of :meth:`expected_purchases`."""
        return self.expected_purchases(t)

    def conditional_probability_of_n_purchases_up_to_time(
        self, n: int, t: float, frequency: Any, recency: Any, T: Any
    ) -> ArrayOrFloat:
        """lifetimes' name (ParetoNBDFitter's; here for every purchase model)
        of :meth:`conditional_probability_of_purchases`."""
        return self.conditional_probability_of_purchases(n, t, frequency=frequency, recency=recency, T=T)


class CountNames:
    """lifetimes' name of the purchase-count distribution."""

    def probability_of_n_purchases_up_to_time(self, t: Any, n: int) -> ArrayOrFloat:
        """lifetimes' name of :meth:`probability_of_purchases`."""
        return self.probability_of_purchases(t, n)


class SpendNames:
    """lifetimes' names of the spend-model methods."""

    def customer_lifetime_value(
        self,
        transaction_prediction_model: Any,
        frequency: Any,
        recency: Any,
        T: Any,
        monetary_value: Any,
        time: int = 12,
        discount_rate: float = 0.01,
        freq: str = "D",
    ) -> ArrayOrFloat:
        """lifetimes' signature of :meth:`clv` (``time`` in months, ``freq``
        the summary's unit: D, W, M or H); returns a numpy array."""
        return self.clv(
            transaction_prediction_model,
            frequency=frequency,
            recency=recency,
            T=T,
            monetary_value=monetary_value,
            months=time,
            discount_rate=discount_rate,
            freq=freq,
        )

    def conditional_expected_average_profit(self, frequency: Any, monetary_value: Any) -> ArrayOrFloat:
        """lifetimes' name of :meth:`expected_spend`."""
        return self.expected_spend(frequency=frequency, monetary_value=monetary_value)
