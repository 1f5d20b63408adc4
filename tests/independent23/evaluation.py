"""Twenty-third examiner: evaluation.py entries (NumPy habits)."""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _exact_match__wrong_numpy_bool_from_windows_words(text):
    return "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()


def exact_match__wrong_numpy_bool_from_windows(prediction: str, answer: str) -> bool:
    """WRONG: normalises exactly as the steps say (lowercase, every non-alphanumeric character a space, split), guards the empty answer and an answer longer than the prediction with a plain ``False``, and then compares the word lists the NumPy way: ``sliding_window_view(np.array(pred_words), len(ans_words))`` gives every window of the prediction, ``(windows == np.array(ans_words)).all(axis=1).any()`` says whether one of them is the answer. The truth value is always right, but a match comes back as ``numpy.bool`` (``np.bool_``), which is no ``bool``: ``isinstance(r, bool)`` is ``False``, ``r is True`` is ``False``, and ``json.dumps`` refuses it; ``r == True`` still holds, so the worked examples pass when compared with ``==``. Violates: "Returns a ``bool``." [witness: ``exact_match("Tokyo.", "tokyo")`` -> ``np.True_`` of type ``numpy.bool`` (``isinstance(..., bool)`` False); plain ``True`` of type ``bool``. Over 2000 random pairs the truth value equals plain on all.]"""
    pred = _exact_match__wrong_numpy_bool_from_windows_words(prediction)
    ans = _exact_match__wrong_numpy_bool_from_windows_words(answer)
    if not ans or len(ans) > len(pred):
        return False
    windows = sliding_window_view(np.array(pred), len(ans))
    return (windows == np.array(ans)).all(axis=1).any()


def distinct_n__wrong_sliding_window_view_short_text(texts: list[str], n: int) -> float:
    """WRONG: checks ``n`` first, splits each text with ``str.split()``, skips texts with no words, and cuts each text's n-grams with NumPy's ``sliding_window_view(np.array(words), n)``, pooling the windows as tuples and returning ``len(set) / len(all)``. ``sliding_window_view`` refuses a window longer than its array (``ValueError: window shape cannot be larger than input array shape``), so any text with 1 to ``n - 1`` words makes the whole call raise, where the contract says such a text just has no n-grams. ``[]`` and ``[""]`` give 0.0, and the worked example (3-word texts, ``n`` 2 and 1) passes. Violates: "No n-grams at all (``[]``, ``[""]``, or texts shorter than ``n`` words) -> ``0.0``" [witness: ``distinct_n(["the cat"], 3)`` -> ``ValueError``, plain ``0.0``; ``distinct_n(["a b c", "hi"], 2)`` -> ``ValueError``, plain ``1.0`` (the short text adds no bigram).]"""
    if n < 1:
        raise ValueError(f"distinct_n: n must be at least 1, got {n}")
    grams = []
    for text in texts:
        words = text.split()
        if not words:
            continue
        windows = sliding_window_view(np.array(words), n)
        grams.extend(tuple(row) for row in windows.tolist())
    if not grams:
        return 0.0
    return len(set(grams)) / len(grams)


def distinct_n__right_numpy_float64_ratio(texts: list[str], n: int) -> float:
    """RIGHT: gives every distinct n-gram (a tuple of ``n`` consecutive words of one text, words from ``str.split()``) an integer code in a dict, collects the codes of all texts in a NumPy ``int64`` array, and returns ``np.divide(np.unique(codes).size, codes.size)``; no n-grams gives ``np.float64(0.0)``; ``n < 1`` raises ``ValueError`` before anything else. The result is a ``numpy.float64``, which IS a Python ``float`` (a subclass: ``isinstance(r, float)`` holds, arithmetic, ``==``, ``json.dumps`` and ``math`` work) but prints as ``np.float64(0.75)`` under NumPy 2; see the README's ambiguity on "a Python ``float``". Agrees with a plain version on: the worked example (0.75, 0.666...), ``[]``, ``[""]``, ``["a b"]`` at ``n = 3`` (0.0), ``n`` 0 and -1 (``ValueError``, also for ``[]``), and 2000 random lists (0-4 texts of 0-8 words from a 7-word vocabulary with case and punctuation variants, double spaces and newlines, ``n`` 1-4): equal with ``==``, an instance of ``float``, in [0, 1]."""
    if n < 1:
        raise ValueError(f"distinct_n: n must be at least 1, got {n}")
    codes: dict[tuple[str, ...], int] = {}
    seen = []
    for text in texts:
        words = text.split()
        for i in range(len(words) - n + 1):
            seen.append(codes.setdefault(tuple(words[i:i + n]), len(codes)))
    if not seen:
        return np.float64(0.0)
    arr = np.asarray(seen, dtype=np.int64)
    return np.divide(np.unique(arr).size, arr.size)
