"""Twenty-seventh examiner: evaluation.py entries (the over-cautious learner)."""
from __future__ import annotations


def _exact_match__wrong_raw_length_shortcut_words(text: str) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()


def exact_match__wrong_raw_length_shortcut(prediction: str, answer: str) -> bool:
    """WRONG: a cheap guard first, "an answer longer than the reply cannot be in it": ``if len(answer) > len(prediction): return False`` on the RAW strings, before normalising. After it the check is right (lowercase, every non-``isalnum`` character a space, ``split()``, empty answer ``False``, contiguous run of words in order). Every worked example has a reply at least as long as its answer, so all of them pass; but normalising can make the answer shorter than the reply (its punctuation turns into separators that ``split`` drops), so an answer whose punctuation makes it the longer string is never found. Violates: "The prediction matches when the answer's words appear in the prediction's words as one contiguous run, in the same order." [witness: ``exact_match("Tokyo", "Tokyo!")``: WRONG ``False`` (6 characters > 5), plain ``True`` (both are the word ``["tokyo"]``); ``("Washington D C", "Washington, D.C.")`` and ``("U K", "U.K.")``: WRONG ``False``, plain ``True``. Equal to plain: the four worked examples, ``""`` and ``"?!"`` as answers.]"""
    if len(answer) > len(prediction):
        return False
    answer_words = _exact_match__wrong_raw_length_shortcut_words(answer)
    prediction_words = _exact_match__wrong_raw_length_shortcut_words(prediction)
    if not answer_words:
        return False
    n = len(answer_words)
    return any(prediction_words[i:i + n] == answer_words for i in range(len(prediction_words) - n + 1))


def _exact_match__right_type_checked_early_returns_words(text: str) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()


def exact_match__right_type_checked_early_returns(prediction: str, answer: str) -> bool:
    """RIGHT: guarded at every step: ``TypeError`` unless both arguments are ``str`` (the docstring promises ``str``, so it never fires); the words come from the docstring's three steps; then three early returns, each a plain ``False`` -- an answer with no words, a reply with no words, an answer with more WORDS than the reply (counted after normalising, unlike a raw-length shortcut) -- and an ``assert`` that the answer fits before the scan; the scan compares word windows and the result passes through ``bool()``. Agrees with a plain version on: the four worked examples, ``""`` and ``"?!"`` as answers, ``("Tokyo", "Tokyo!")``, ``("Washington D C", "Washington, D.C.")``, ``("", "x")``, ``("½ cup", "½")``, ``("İstanbul", "i̇stanbul")`` and 200 random pairs over a small alphabet of words and punctuation -- 211 of 211 the same ``bool`` as plain, 14 of them ``True`` (checks/check_entries.log)."""
    if not isinstance(prediction, str) or not isinstance(answer, str):
        raise TypeError("exact_match compares two strings")
    answer_words = _exact_match__right_type_checked_early_returns_words(answer)
    prediction_words = _exact_match__right_type_checked_early_returns_words(prediction)
    if not answer_words:
        return False
    if not prediction_words:
        return False
    if len(answer_words) > len(prediction_words):
        return False
    n = len(answer_words)
    assert n <= len(prediction_words)
    return bool(any(prediction_words[i:i + n] == answer_words for i in range(len(prediction_words) - n + 1)))


def distinct_n__wrong_rejects_n_beyond_longest_text(texts: list[str], n: int) -> float:
    """WRONG: validates ``n`` first (``ValueError`` for ``n < 1``, also with no texts), returns ``0.0`` when there are no words at all (``[]``, ``[""]``), and then adds a guard of its own: an ``n`` longer than every text "can only be a mistake" (asking for 5-grams of three-word texts), so it raises ``ValueError`` naming ``n`` and the longest text's length. Otherwise it is right (``str.split()``, n-grams within each text, pooled, ``unique / total``). Violates: "No n-grams at all (``[]``, ``[""]``, or texts shorter than ``n`` words) -> ``0.0``." [witness: ``distinct_n(["the cat sat", "the cat ran"], 5)``: ``ValueError: n = 5 is longer than every text (the longest has 3 words)``, plain ``0.0``; also ``(["hello"], 2)`` and ``(["a b", "c d e"], 4)``. Equal to plain: 0.75 and 0.666... for the worked example, ``[]`` and ``[""]`` -> ``0.0``, ``ValueError`` for ``n`` 0 (also with ``[]``) and -1, three identical runs -> 1/3.]"""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    word_lists = [text.split() for text in texts]
    longest = max((len(words) for words in word_lists), default=0)
    if longest == 0:
        return 0.0
    if n > longest:
        raise ValueError(f"n = {n} is longer than every text (the longest has {longest} words)")
    grams = [tuple(words[i:i + n]) for words in word_lists for i in range(len(words) - n + 1)]
    return len(set(grams)) / len(grams)
