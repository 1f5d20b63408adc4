"""Twenty-eighth examiner: evaluation.py entries (the docstring lawyer)."""
from __future__ import annotations

import statistics


def distinct_n__right_statistics_error_for_bad_n(texts: list[str], n: int) -> float:
    """RIGHT: ``n < 1`` raises ``statistics.StatisticsError`` -- the standard library's error for a statistic that is undefined on its input, and a subclass of ``ValueError`` (``issubclass(statistics.StatisticsError, ValueError)`` is True), so ``except ValueError`` and ``pytest.raises(ValueError)`` catch it; it is checked first, also for ``distinct_n([], 0)``. Otherwise plain: ``str.split()`` per text, n-grams as tuples inside one text, a set of the distinct ones and a running total, ``0.0`` (a float) when there is none. Agrees with a plain version on: the worked examples (0.75 and 4/6), ``([], 3)``, ``([""], 1)``, ``(["a  b\\n a\\tb"], 2)`` (2/3), three identical texts ``n = 2`` (1/3), ``(["one"], 5)`` (0.0), ``(["The the THE the."], 1)`` (1.0) -- 8 inputs, equal floats; ``ValueError`` (as ``StatisticsError``) for ``n`` 0, -1 and ``([], 0)`` (checks/check_entries.log)."""
    if n < 1:
        raise statistics.StatisticsError(f"distinct-{n} is undefined: n must be at least 1")
    seen = set()
    total = 0
    for text in texts:
        words = text.split()
        for i in range(len(words) - n + 1):
            seen.add(tuple(words[i:i + n]))
            total += 1
    if total == 0:
        return 0.0
    return len(seen) / total
