"""Twentieth examiner: evaluation.py entries (metric-library conventions against this contract)."""
from __future__ import annotations


def exact_match__wrong_int_score_like_metrics(prediction: str, answer: str) -> bool:
    """WRONG: normalises and compares exactly as the contract says, but returns the match as a score, ``1`` or ``0`` (an ``int``), the way metric code does: Hugging Face ``evaluate``'s ``exact_match`` and the SQuAD/lm-eval scripts keep per-example scores as numbers so that they can be summed and averaged (``sum(scores) / len(scores)``). ``1 == True`` in Python, so a comparison with ``==`` (or ``assert result``) cannot tell; ``type(result) is bool`` or ``result is True`` can. Convention: HF ``evaluate`` ``exact_match`` / lm-eval-harness per-sample 0/1 scores. Violates: "prediction, answer: ``str``. Returns a ``bool``." [witness: ``exact_match("Tokyo.", "tokyo")`` -> ``True`` (a ``bool``) expected, ``1`` (an ``int``) returned; ``exact_match("", "")`` -> ``False`` expected, ``0`` returned]"""
    def words(text: str) -> list[str]:
        return "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()

    target = words(answer)
    if not target:
        return 0
    found = words(prediction)
    n = len(target)
    return int(any(found[i:i + n] == target for i in range(len(found) - n + 1)))
