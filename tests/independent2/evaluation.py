"""Independent catalogue, round 2: submissions for exercises/evaluation.py.

Written from the docstrings of ``exercises/evaluation.py`` only, avoiding every mistake and
every style already in round 1 (``tests/independent/evaluation.py``). The exercise module
imports nothing, so neither does this one at the top: standard-library modules are
imported inside the functions.
"""
from __future__ import annotations


# ---------------------------------------------------------------------------------------
# exact_match
# ---------------------------------------------------------------------------------------


def exact_match__right_regex_lookarounds(prediction: str, answer: str) -> bool:
    """RIGHT: normalises both strings to single-spaced words, then searches the answer with
    ``re.escape`` between ``(?<!\\S)`` and ``(?!\\S)`` lookarounds (a word edge = start,
    end or a space) and converts the match to ``bool``."""
    import re

    def normalise(text: str) -> str:
        return " ".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())

    needle = normalise(answer)
    if not needle:
        return False
    return re.search(r"(?<!\S)" + re.escape(needle) + r"(?!\S)", normalise(prediction)) is not None


def exact_match__right_kmp_over_words(prediction: str, answer: str) -> bool:
    """RIGHT: Knuth-Morris-Pratt over word lists (failure table on the answer's words), so
    the contiguous-run test is linear; normalisation with ``str.translate`` on a table
    built for the characters actually present."""
    def words(text: str) -> list[str]:
        lowered = text.lower()
        table = {ord(ch): " " for ch in set(lowered) if not ch.isalnum()}
        return lowered.translate(table).split()

    pattern = words(answer)
    if len(pattern) == 0:
        return False
    failure = [0] * len(pattern)
    k = 0
    for i in range(1, len(pattern)):
        while k > 0 and pattern[i] != pattern[k]:
            k = failure[k - 1]
        if pattern[i] == pattern[k]:
            k += 1
        failure[i] = k
    k = 0
    for word in words(prediction):
        while k > 0 and word != pattern[k]:
            k = failure[k - 1]
        if word == pattern[k]:
            k += 1
            if k == len(pattern):
                return True
    return False


def exact_match__wrong_pads_right_side_only(prediction: str, answer: str) -> bool:
    """WRONG: pads only the END of both normalised strings before the substring test
    (``f"{a} " in f"{p} "``), so the answer may start in the middle of a word:
    ``exact_match("Kyoto", "oto")`` is True. All four docstring examples pass ("rome " is not
    in "romeo and juliet "). Violates: "compared as *words*" / "the answer's words appear in
    the prediction's words as one contiguous run"."""
    def normalise(text: str) -> str:
        return " ".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())

    a = normalise(answer)
    if not a:
        return False
    return f"{a} " in f"{normalise(prediction)} "


def exact_match__wrong_squad_drops_articles(prediction: str, answer: str) -> bool:
    """WRONG: borrows SQuAD's normalisation and also removes the articles "a", "an", "the",
    so ``exact_match("a capital", "the capital")`` is True. Violates: "The prediction
    matches when the answer's words appear in the prediction's words as one contiguous run,
    in the same order." (the three normalisation steps remove no word)."""
    def words(text: str) -> list[str]:
        mapped = "".join(ch if ch.isalnum() else " " for ch in text.lower())
        return [w for w in mapped.split() if w not in ("a", "an", "the")]

    target = words(answer)
    if not target:
        return False
    candidate = words(prediction)
    return any(candidate[i : i + len(target)] == target for i in range(len(candidate) - len(target) + 1))


def exact_match__wrong_maps_before_lowering(prediction: str, answer: str) -> bool:
    """WRONG: replaces the non-alphanumeric characters FIRST and lowercases afterwards.
    ``'İ'.lower()`` is 'i' + U+0307 (a combining dot, not alphanumeric), which the stated
    order turns into a space and this order keeps inside the word:
    ``exact_match("İstanbul", "stanbul")`` is True by the docstring's steps, False here.
    Violates: "1. lowercase (``str.lower()``); 2. every character that is not a letter or a
    digit ... becomes a space" (in that order)."""
    def words(text: str) -> list[str]:
        return "".join(ch if ch.isalnum() else " " for ch in text).lower().split()

    target = words(answer)
    if not target:
        return False
    candidate = words(prediction)
    return any(candidate[i : i + len(target)] == target for i in range(len(candidate) - len(target) + 1))


# ---------------------------------------------------------------------------------------
# distinct_n
# ---------------------------------------------------------------------------------------


def distinct_n__right_sort_and_count_runs(texts: list[str], n: int) -> float:
    """RIGHT: no set or dict: all n-gram tuples in one list, sorted, and the distinct ones
    counted as the places where a tuple differs from the one before it."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    grams = []
    for text in texts:
        words = text.split()
        for start in range(0, len(words) - n + 1):
            grams.append(tuple(words[start : start + n]))
    if not grams:
        return 0.0
    grams.sort()
    distinct = 1 + sum(1 for a, b in zip(grams, grams[1:]) if a != b)
    return float(distinct) / float(len(grams))


def distinct_n__right_deque_rolling_window(texts: list[str], n: int) -> float:
    """RIGHT: streams each text's words through a ``collections.deque(maxlen=n)``; every
    time the window is full it is one n-gram (a fresh deque per text, so no n-gram spans two
    texts); distinct ones counted in a dict of counts; ``fractions.Fraction`` for an exact
    ratio, returned as ``float``."""
    from collections import deque
    from fractions import Fraction

    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    counts: dict[tuple[str, ...], int] = {}
    total = 0
    for text in texts:
        window: deque[str] = deque(maxlen=n)
        for word in text.split():
            window.append(word)
            if len(window) == n:
                key = tuple(window)
                counts[key] = counts.get(key, 0) + 1
                total += 1
    if total == 0:
        return 0.0
    return float(Fraction(len(counts), total))


def distinct_n__wrong_joined_without_separator(texts: list[str], n: int) -> float:
    """WRONG: stores each n-gram as ``"".join(words)`` (no separator), so different n-grams
    can collide: ("ab", "c") and ("a", "bc") both become "abc". The worked example has no
    collision (0.75 and 0.666...). Violates: "An n-gram is ``n`` consecutive words of one
    text" ("unique n-grams / total n-grams")."""
    if n < 1:
        raise ValueError("n must be >= 1")
    grams = []
    for text in texts:
        words = text.split()
        grams.extend("".join(words[i : i + n]) for i in range(len(words) - n + 1))
    if not grams:
        return 0.0
    return len(set(grams)) / len(grams)


def distinct_n__wrong_dedupes_texts(texts: list[str], n: int) -> float:
    """WRONG: drops duplicate texts first (``set(texts)``, "the same run twice should not
    count twice"), so three identical greedy runs score like one. Both worked examples have
    distinct texts and pass. Violates: "Pool the n-grams of all texts" / "Three greedy runs
    of the same prompt repeat every n-gram three times (distinct-2 is at most 1/3)"."""
    if n < 1:
        raise ValueError("n must be >= 1")
    grams = []
    for text in set(texts):
        words = text.split()
        grams.extend(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    if not grams:
        return 0.0
    return len(set(grams)) / len(grams)


def distinct_n__wrong_rounds_result(texts: list[str], n: int) -> float:
    """WRONG: returns ``round(ratio, 3)`` "because nobody needs more digits": 0.75 survives,
    the example's 0.666... becomes 0.667. Violates: "return ``unique n-grams / total
    n-grams``" ("With ``n=1``: 6 words, 4 different -> ``0.666…``")."""
    if n < 1:
        raise ValueError("n must be >= 1")
    grams = []
    for text in texts:
        words = text.split()
        grams.extend(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    if not grams:
        return 0.0
    return round(len(set(grams)) / len(grams), 3)
