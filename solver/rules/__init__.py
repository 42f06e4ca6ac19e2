"""The planning rules, one module per family.

Rules a scenario file lists (`rules:`) form the tagged union `Rule`. Built-in rules
(decision in time, scope baseline, frozen releases, windows, the order of a split item's
parts) are made from items, policy and calendar by `solver.instance`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, Field

from solver.rules.base import Assignment, Posting, RuleBase
from solver.rules.baseline import Frozen, ScopeBaseline
from solver.rules.capacity import Capacity
from solver.rules.decision import DecisionInTime
from solver.rules.dependency import NeverTogether, Precedence, SameRelease
from solver.rules.placement import Fixed, Window
from solver.rules.uplift import AlignedUplift, UpliftCap

if TYPE_CHECKING:
    from solver.model import Scenario

Rule = Annotated[
    UpliftCap | AlignedUplift | Precedence | SameRelease | NeverTogether | Capacity | Fixed,
    Field(discriminator="rule"),
]
"""A rule written in a scenario file, told apart by its `rule:` key."""

RULE_MODELS: dict[str, type[BaseModel]] = {
    "uplift-cap": UpliftCap,
    "aligned-uplift": AlignedUplift,
    "precedence": Precedence,
    "same-release": SameRelease,
    "never-together": NeverTogether,
    "capacity": Capacity,
    "fixed": Fixed,
}


def precedence_cycle(scenario: Scenario) -> list[str]:
    """Item ids around a cycle of precedence rules (first repeated last), or []."""
    edges = [(r.before, r.after) for r in scenario.rules if isinstance(r, Precedence)]
    if not edges:
        return []
    import networkx as nx  # only when needed: it takes a fifth of a second to import

    graph: nx.DiGraph[str] = nx.DiGraph(edges)
    try:
        edges = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return []
    return [str(a) for a, _ in edges] + [str(edges[0][0])]


__all__ = [
    "RULE_MODELS",
    "AlignedUplift",
    "Assignment",
    "Capacity",
    "DecisionInTime",
    "Fixed",
    "Frozen",
    "NeverTogether",
    "Posting",
    "Precedence",
    "Rule",
    "RuleBase",
    "SameRelease",
    "ScopeBaseline",
    "UpliftCap",
    "Window",
    "precedence_cycle",
]
