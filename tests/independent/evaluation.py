"""Independent catalogue: submissions for exercises/evaluation.py.

Written from the docstrings of ``exercises/evaluation.py`` only.
"""
from __future__ import annotations

import re
import string
from collections import Counter


# ---------------------------------------------------------------------------------------
# exact_match
# ---------------------------------------------------------------------------------------


def exact_match__right_sliding_window(prediction: str, answer: str) -> bool:
    """RIGHT: normalises with a character loop and compares word lists with an explicit
    sliding window (no string padding)."""
    def words(text: str) -> list[str]:
        lowered = text.lower()
        return "".join(ch if ch.isalnum() else " " for ch in lowered).split()

    target = words(answer)
    if not target:
        return False
    candidate = words(prediction)
    n = len(target)
    for start in range(len(candidate) - n + 1):
        if candidate[start : start + n] == target:
            return True
    return False


def exact_match__right_padded_join_with_map(prediction: str, answer: str) -> bool:
    """RIGHT: the padding trick from the pitfall: both normalised word lists joined with
    single spaces and padded with one space on each side, then a substring test; the
    character mapping is done with ``str.translate``-free ``map``."""
    norm_answer = " ".join("".join(map(lambda c: c if c.isalnum() else " ", answer.lower())).split())
    if norm_answer == "":
        return False
    norm_pred = " ".join("".join(map(lambda c: c if c.isalnum() else " ", prediction.lower())).split())
    return f" {norm_answer} " in f" {norm_pred} "


def exact_match__wrong_substring_without_word_edges(prediction: str, answer: str) -> bool:
    """WRONG: normalises correctly but then tests ``answer in prediction`` on the joined
    strings without padding, so "rome" is found inside "romeo". Violates: "compared as
    *words*" / "``exact_match("Romeo and Juliet", "Rome")`` -> ``False``"."""
    def norm(text: str) -> str:
        return " ".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())

    a = norm(answer)
    if not a:
        return False
    return a in norm(prediction)


def exact_match__wrong_empty_answer_matches(prediction: str, answer: str) -> bool:
    """WRONG: the sliding window has no guard for an answer without words; a window of length
    0 always matches, so ``""`` and ``"?!"`` return True. Violates: "An ``answer`` with no
    words (``""``, ``"?!"``) never matches: return ``False``."""
    def words(text: str) -> list[str]:
        return "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()

    target, candidate = words(answer), words(prediction)
    for start in range(len(candidate) - len(target) + 1):
        if candidate[start : start + len(target)] == target:
            return True
    return False


def exact_match__wrong_ascii_punctuation_only(prediction: str, answer: str) -> bool:
    """WRONG: replaces only ``string.punctuation`` (ASCII) by spaces, so '東京。' or
    '«Paris»' keep their non-ASCII punctuation glued to the word. Passes every example of the
    docstring. Violates: "every character that is not a letter or a digit (``not
    ch.isalnum()``) — punctuation, symbols, whitespace — becomes a space"."""
    table = str.maketrans({ch: " " for ch in string.punctuation})
    target = answer.lower().translate(table).split()
    if not target:
        return False
    candidate = prediction.lower().translate(table).split()
    return f" {' '.join(target)} " in f" {' '.join(candidate)} "


def exact_match__wrong_casefold(prediction: str, answer: str) -> bool:
    """WRONG: uses ``str.casefold()`` instead of ``str.lower()`` ("more thorough"), so
    "STRASSE" matches "Straße" (casefold maps ß to ss; lower does not). Violates: "lowercase
    (``str.lower()``)"."""
    def words(text: str) -> list[str]:
        return "".join(ch if ch.isalnum() else " " for ch in text.casefold()).split()

    target = words(answer)
    if not target:
        return False
    return f" {' '.join(target)} " in f" {' '.join(words(prediction))} "


def exact_match__wrong_word_set_ignores_order(prediction: str, answer: str) -> bool:
    """WRONG: checks that every answer word occurs somewhere in the prediction (a set
    test), ignoring order and contiguity. Violates: "The prediction matches when the
    answer's words appear in the prediction's words as one contiguous run, in the same
    order." (``exact_match("Paris, France", "France Paris")`` -> ``False``)."""
    def words(text: str) -> list[str]:
        return "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()

    target = words(answer)
    if not target:
        return False
    return set(target) <= set(words(prediction))


def exact_match__wrong_letters_only(prediction: str, answer: str) -> bool:
    """WRONG: keeps only letters (``ch.isalpha()``), so digits become spaces and an answer
    like "1945" has no words left (never matches). Violates: "every character that is not a
    letter or a digit (``not ch.isalnum()``) ... becomes a space"."""
    def words(text: str) -> list[str]:
        return "".join(ch if ch.isalpha() else " " for ch in text.lower()).split()

    target = words(answer)
    if not target:
        return False
    return f" {' '.join(target)} " in f" {' '.join(words(prediction))} "


def exact_match__wrong_regex_word_chars(prediction: str, answer: str) -> bool:
    """WRONG: extracts words with ``re.findall(r"\\w+")``, which keeps the underscore as part
    of a word, so "tokyo_station" does not contain the word "tokyo". Violates: "every
    character that is not a letter or a digit (``not ch.isalnum()``) ... becomes a space"."""
    target = re.findall(r"\w+", answer.lower())
    if not target:
        return False
    candidate = re.findall(r"\w+", prediction.lower())
    return f" {' '.join(target)} " in f" {' '.join(candidate)} "


# ---------------------------------------------------------------------------------------
# distinct_n
# ---------------------------------------------------------------------------------------


def distinct_n__right_counter(texts: list[str], n: int) -> float:
    """RIGHT: a ``Counter`` of n-gram tuples: distinct = number of keys, total = sum of
    counts."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    counts: Counter = Counter()
    for text in texts:
        words = text.split()
        for i in range(len(words) - n + 1):
            counts[tuple(words[i : i + n])] += 1
    total = sum(counts.values())
    if total == 0:
        return 0.0
    return float(len(counts) / total)


def distinct_n__right_zip_shifted_space_keys(texts: list[str], n: int) -> float:
    """RIGHT: n-grams by zipping n shifted copies of the word list, stored as one string
    joined with a space (safe: ``str.split()`` words never contain whitespace)."""
    if not n >= 1:
        raise ValueError("n must be a positive integer")
    seen = set()
    total = 0
    for text in texts:
        words = text.split()
        grams = [" ".join(g) for g in zip(*(words[k:] for k in range(n)))]
        total += len(grams)
        seen.update(grams)
    return len(seen) / total if total else 0.0


def distinct_n__wrong_joins_texts(texts: list[str], n: int) -> float:
    """WRONG: joins all texts into one before cutting n-grams, inventing n-grams across the
    boundary. Violates: "n-grams never span two texts" / "Joining all texts before cutting
    n-grams invents n-grams across the boundary"."""
    if n < 1:
        raise ValueError("n must be >= 1")
    words = " ".join(texts).split()
    grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    if not grams:
        return 0.0
    return len(set(grams)) / len(grams)


def distinct_n__wrong_split_on_single_space(texts: list[str], n: int) -> float:
    """WRONG: ``text.split(" ")``, which keeps empty strings for double spaces (and turns
    "" into one empty word). Violates: "``text.split(" ")`` keeps empty strings for double
    spaces; ``text.split()`` does not."""
    if n < 1:
        raise ValueError("n must be >= 1")
    grams = []
    for text in texts:
        words = text.split(" ")
        grams.extend(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    if not grams:
        return 0.0
    return len(set(grams)) / len(grams)


def distinct_n__wrong_zero_division(texts: list[str], n: int) -> float:
    """WRONG: divides without checking that there is any n-gram: ``[]``, ``[""]`` or short
    texts raise ZeroDivisionError. Violates: "No n-grams at all (``[]``, ``[""]``, or texts
    shorter than ``n`` words) -> ``0.0``."""
    if n < 1:
        raise ValueError("n must be >= 1")
    grams = []
    for text in texts:
        words = text.split()
        grams.extend(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    return len(set(grams)) / len(grams)


def distinct_n__wrong_lowercases(texts: list[str], n: int) -> float:
    """WRONG: lowercases the words "so The and the count once". Violates: "Split each text
    into words with ``str.split()`` (case and punctuation are kept as they are)."""
    if n < 1:
        raise ValueError("n must be >= 1")
    grams = []
    for text in texts:
        words = text.lower().split()
        grams.extend(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    if not grams:
        return 0.0
    return len(set(grams)) / len(grams)


def distinct_n__wrong_no_check_on_n(texts: list[str], n: int) -> float:
    """WRONG: no validation of n: ``n = 0`` counts empty "0-grams" and returns a number.
    Violates: "``n < 1`` raises ``ValueError``."""
    grams = []
    for text in texts:
        words = text.split()
        grams.extend(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    if not grams:
        return 0.0
    return len(set(grams)) / len(grams)


def distinct_n__wrong_strips_punctuation(texts: list[str], n: int) -> float:
    """WRONG: strips punctuation from each word ("sat." and "sat" become one word).
    Violates: "(case and punctuation are kept as they are)"."""
    if n < 1:
        raise ValueError("n must be >= 1")
    grams = []
    for text in texts:
        words = [w.strip(string.punctuation) for w in text.split()]
        words = [w for w in words if w]
        grams.extend(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    if not grams:
        return 0.0
    return len(set(grams)) / len(grams)
