"""Uncertainty in a scenario, for Monte Carlo what-ifs (`secplan sweep`)."""

from __future__ import annotations

from solver.fields import Strict


class Uncertainty(Strict):
    """How uncertain the scenario's decisions, lead times and go-lives are."""
