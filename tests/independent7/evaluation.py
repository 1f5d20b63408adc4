"""Seventh examiner: evaluation.py entries."""
from __future__ import annotations

import re
from difflib import SequenceMatcher


def exact_match__wrong_checks_first_occurrence_only(prediction: str, answer: str) -> bool:
    """WRONG: finds the FIRST occurrence of the answer's first word with ``list.index`` and
    compares only the window that starts there, so an answer whose first word also occurs
    earlier in the prediction is missed. Violates: "The prediction matches when the answer's
    words appear in the prediction's words as one contiguous run, in the same order."
    [``("The capital of the United States is Washington", "the United States")``: False
    instead of True; ``("New York and New Jersey", "New Jersey")``: False; all four worked
    examples and the empty-answer cases are right]"""
    def _words(text: str) -> list[str]:
        return "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()

    wanted = _words(answer)
    words = _words(prediction)
    if not wanted or wanted[0] not in words:
        return False
    start = words.index(wanted[0])
    return words[start : start + len(wanted)] == wanted


def exact_match__right_difflib_longest_block(prediction: str, answer: str) -> bool:
    """RIGHT: normalises with a per-character ``isalnum`` map and asks ``difflib.SequenceMatcher`` (with
    ``autojunk=False``, so no word is ever treated as junk) for the longest block of words
    common to both lists: the answer occurs as a contiguous run exactly when that block is
    as long as the answer."""
    def _words(text: str) -> list[str]:
        return "".join(map(lambda ch: ch if ch.isalnum() else " ", text.lower())).split()

    wanted = _words(answer)
    if not wanted:
        return False
    words = _words(prediction)
    matcher = SequenceMatcher(None, words, wanted, autojunk=False)
    block = matcher.find_longest_match(0, len(words), 0, len(wanted))
    return block.size == len(wanted)


def distinct_n__wrong_guards_empty_list_only(texts: list[str], n: int) -> float:
    """WRONG: guards the empty case with ``if not texts: return 0.0`` — the empty LIST only;
    ``[""]`` or texts shorter than ``n`` words still reach ``0 / 0``. Violates: "No n-grams at
    all (``[]``, ``[""]``, or texts shorter than ``n`` words) -> ``0.0``." [``[""]``, n=1 and
    ``["one two"]``, n=3: ZeroDivisionError instead of 0.0; ``[]`` gives 0.0]"""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if not texts:
        return 0.0
    grams = []
    for text in texts:
        words = text.split()
        grams.extend(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    return len(set(grams)) / len(grams)


def distinct_n__right_regex_findall_nonspace(texts: list[str], n: int) -> float:
    """RIGHT: the words are found with ``re.findall(r"\\S+", text)`` instead of
    ``str.split()`` — the same words for every string (Python's ``\\s`` in a str pattern is
    exactly ``str.isspace``, checked over all of Unicode, and ``findall`` leaves no empty
    strings at the edges, unlike ``re.split``); n-grams counted in a dict keyed by tuples."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    seen: dict[tuple[str, ...], int] = {}
    total = 0
    for text in texts:
        words = re.findall(r"\S+", text)
        for i in range(len(words) - n + 1):
            gram = tuple(words[i : i + n])
            seen[gram] = seen.get(gram, 0) + 1
            total += 1
    if total == 0:
        return 0.0
    return float(len(seen)) / float(total)
