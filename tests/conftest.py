"""Project-test fixtures: a summary of how many catalogued wrong implementations are caught."""
from __future__ import annotations

from collections import defaultdict

import pytest

_WRONG_RESULTS: list[tuple[str, str, float, float]] = []


@pytest.fixture
def wrong_report() -> list[tuple[str, str, float, float]]:
    return _WRONG_RESULTS


def pytest_terminal_summary(terminalreporter) -> None:
    if not _WRONG_RESULTS:
        return
    per_exercise: dict[str, list[bool]] = defaultdict(list)
    for key, _name, score, max_score in _WRONG_RESULTS:
        per_exercise[key].append(score < max_score)
    terminalreporter.section("wrong implementations caught by the hidden suites")
    for key, caught in per_exercise.items():
        terminalreporter.write_line(f"{key:18} {sum(caught)}/{len(caught)} caught")
