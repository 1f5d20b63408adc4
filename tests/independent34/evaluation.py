"""Thirty-fourth examiner: evaluation.py entries (the learner who reaches for torch's less common tools)."""
from __future__ import annotations

import torch


def _words(text: str) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()


def _codes(words: list[str], table: dict[str, int]) -> torch.Tensor:
    return torch.tensor([table.setdefault(w, len(table)) for w in words], dtype=torch.long)


def exact_match__wrong_unfold_answer_longer_than_prediction(prediction: str, answer: str) -> bool:
    """WRONG: normalises exactly as the steps say (lowercase, every non-``isalnum`` character a space, split), returns ``False`` for an answer with no words, maps the words to integer codes and finds the run with ``Tensor.unfold``: ``pred.unfold(0, len(answer), 1)`` gives every window of ``len(answer)`` consecutive prediction words, compared with ``(windows == ans).all(-1).any()``. ``unfold`` refuses a window longer than the tensor, and nothing guards an answer with more words than the prediction (or a prediction with no words), so those calls raise ``RuntimeError`` instead of returning ``False``. The four worked examples all have answers no longer than their predictions, so they pass. Violates: "The prediction matches when the answer's words appear in the prediction's words as one contiguous run, in the same order." [witness: ``exact_match("Tokyo", "Tokyo Japan")`` raises ``RuntimeError: maximum size for tensor at dimension 0 is 1 but size is 2``, plain ``False``; ``("", "tokyo")`` and ``("?!", "Tokyo")`` raise (size 0), plain ``False``; ``("Paris", "Paris, France")`` raises, plain ``False``. Equal to plain: the four worked examples, ``("anything", "")`` and ``("anything", "?!")`` -> ``False``.]"""
    pred_words, ans_words = _words(prediction), _words(answer)
    if not ans_words:
        return False
    table: dict[str, int] = {}
    pred, ans = _codes(pred_words, table), _codes(ans_words, table)
    windows = pred.unfold(0, ans.shape[0], 1)  # every run of len(answer) consecutive words
    return bool((windows == ans).all(dim=-1).any())


def exact_match__right_unfold_word_codes(prediction: str, answer: str) -> bool:
    """RIGHT: the ``Tensor.unfold`` route done with its guard: normalised words (lowercase, non-``isalnum`` -> space, split) mapped to integer codes through one shared dict, ``False`` at once for an answer with no words or with more words than the prediction (no window of that length exists, and ``unfold`` would refuse it), then ``pred.unfold(0, len(ans), 1)`` and ``bool((windows == ans).all(-1).any())`` -- a Python ``bool``, not a tensor. Agrees with a plain version on: 16 pairs (8 ``True``): the four worked examples, ``""`` and ``"?!"`` answers, ``("Tokyo", "Tokyo Japan")``, ``("", "tokyo")``, ``("", "")``, a long reply, ``("the the the", "the the")``, ``("a b a b c", "a b c")``, ``("½ cup", "½")``, ``("İstanbul", "i̇stanbul")``, ``("x y", "y x")``, ``("Rome", "Rome")`` -- checks/check_entries.log."""
    pred_words, ans_words = _words(prediction), _words(answer)
    if not ans_words or len(ans_words) > len(pred_words):
        return False
    table: dict[str, int] = {}
    pred, ans = _codes(pred_words, table), _codes(ans_words, table)
    windows = pred.unfold(0, ans.shape[0], 1)
    return bool((windows == ans).all(dim=-1).any())


def distinct_n__right_torch_unfold_unique_rows(texts: list[str], n: int) -> float:
    """RIGHT: n-grams as rows of integer codes: ``n < 1`` raises ``ValueError`` first; each text is split with ``str.split()``, its words coded through one dict shared by all texts, and a text of at least ``n`` words gives ``codes.unfold(0, n, 1)`` (one row per n-gram, never across texts); the rows of all texts are concatenated and ``torch.unique(grams, dim=0)`` counts the distinct ones (``dim=0``: unique ROWS, not unique codes); no rows at all -> ``0.0``; the share is a Python ``float``. Agrees with a plain version on: the worked examples (0.75, 4/6), ``([], 2)``, ``([""], 1)``, ``(["a b"], 3)``, ``(["the cat sat", "the cat ran"], 3)``, double spaces and newlines, ``["x x x x"]`` at n 1 and 2, three repeated story pairs at n 2, a text list with an empty and a short text -- 9/9 equal, plus ``ValueError`` for ``([], 0)``, ``([], -1)``, ``(["a b"], 0)``."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    table: dict[str, int] = {}
    blocks = []
    for text in texts:
        words = text.split()
        if len(words) >= n:
            blocks.append(_codes(words, table).unfold(0, n, 1))  # (len - n + 1, n), one row per n-gram
    if not blocks:
        return 0.0
    grams = torch.cat(blocks)
    return float(torch.unique(grams, dim=0).shape[0] / grams.shape[0])
