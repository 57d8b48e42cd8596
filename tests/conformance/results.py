"""Replay results shared by the tests and the terminal summary (one replay per cassette per session)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .recordings import Cassette, load_selected
from .replay import Outcome, replay_cassette


@cache
def cassettes() -> dict[str, Cassette]:
    return {cassette.name: cassette for cassette in load_selected()}


REPLAYED: dict[str, list[Outcome]] = {}


def outcomes(name: str) -> list[Outcome]:
    if name not in REPLAYED:
        REPLAYED[name] = replay_cassette(cassettes()[name])
    return REPLAYED[name]


@dataclass(frozen=True)
class Rate:
    matched: int
    mismatched: int
    excluded: int
    cassettes: int

    @property
    def included(self) -> int:
        return self.matched + self.mismatched

    def line(self) -> str:
        share = 100.0 * self.matched / self.included if self.included else 0.0
        return (
            f"CMA conformance: {self.matched}/{self.included} recorded exchanges match ({share:.1f}%), "
            f"{self.mismatched} known mismatches, {self.excluded} excluded, {self.cassettes} cassettes replayed"
        )


def rate(names: list[str] | None = None) -> Rate:
    chosen = names if names is not None else list(REPLAYED)
    results = [outcome for name in chosen for outcome in REPLAYED.get(name, [])]
    return Rate(
        matched=sum(o.result == "match" for o in results),
        mismatched=sum(o.result == "mismatch" for o in results),
        excluded=sum(o.result == "excluded" for o in results),
        cassettes=len(chosen),
    )
