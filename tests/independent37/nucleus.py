"""Thirty-seventh examiner: nucleus.py entries (the learner who writes it in plain Python)."""
from __future__ import annotations

import math
import random

import torch


def _nucleus_rows(probs: torch.Tensor, p: float) -> list[list[bool]]:
    if not isinstance(p, (int, float)) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    keep_rows = []
    for row in probs.reshape(-1, probs.shape[-1]).tolist():
        ranked = sorted(range(len(row)), key=lambda i: row[i], reverse=True)
        keep = [False] * len(row)
        above = 0.0
        for rank, i in enumerate(ranked):
            if rank > 0 and above >= p:
                break
            keep[i] = True
            above += row[i]
        keep_rows.append(keep)
    return keep_rows


def sample_top_p__wrong_python_random_when_no_generator(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """WRONG: the nucleus in plain Python (``sorted`` ranking, a running total, the top token always kept, ``ValueError`` for ``p`` outside [0, 1] or ``nan``); with a generator it zeroes the rest and calls ``torch.multinomial(kept, 1, generator=generator)`` as the steps say, but with ``generator=None`` it draws with Python's ``random.choices(range(vocab), weights=...)`` ("no generator given: any randomness will do"). The draws stay inside the nucleus with the right odds, and seeded calls repeat, but ``torch.manual_seed`` no longer decides them. Violates: "generator: a ``torch.Generator`` on ``probs.device``, or None for torch's global one." [witness: ``[[0.1, 0.5, 0.15, 0.25]]``, ``p = 0.7``, ``generator=None`` after ``torch.manual_seed(s)``: 50 and 52 of 100 seeds (two runs) draw another id than plain; two runs of 20 draws after the same ``torch.manual_seed(0)`` give two different lists (e.g. ``[3, 1, 3, 1, 3, ...]`` then ``[1, 1, 1, 1, 1, ...]``; Python's ``random`` is unseeded, so the lists change from run to run), plain gives ``[1, 3, 1, 1, 1, ...]`` both times. Passes the worked example: only ids 1 and 3 (id 1 in 0.720 of 300 seeded draws, 0.643 of 300 unseeded), ``p = 0`` always ``tensor([1])``, seeded runs repeat, ``ValueError`` for 1.5, -0.1, nan (checks/check_entries.log).]"""
    keep_rows = _nucleus_rows(probs, p)
    if generator is not None:
        keep = torch.tensor(keep_rows, dtype=torch.bool, device=probs.device).reshape(probs.shape)
        kept = torch.where(keep, probs, 0)
        return torch.multinomial(kept, num_samples=1, generator=generator).squeeze(-1)
    # no generator given: plain Python randomness will do
    ids = []
    for row, keep in zip(probs.reshape(-1, probs.shape[-1]).tolist(), keep_rows):
        weights = [x if kept else 0.0 for x, kept in zip(row, keep)]
        ids.append(random.choices(range(len(row)), weights=weights)[0])
    return torch.tensor(ids, dtype=torch.int64, device=probs.device)


def sample_top_p__right_python_nucleus_list_back_to_tensor(
    probs: torch.Tensor, p: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """RIGHT: the nucleus in plain Python: every row to a list (``tolist()``, exact for every float dtype), ranked with ``sorted(range(vocab), key=row.__getitem__, reverse=True)`` (stable: ties lower id first, which the docstring allows), a running Python float64 total (the mass above each token) compared with ``p``, the first token always kept; the kept probabilities written into a nested list with 0.0 elsewhere and turned back with ``torch.tensor(..., dtype=probs.dtype, device=probs.device)`` -- the same values in the same dtype as ``torch.where(keep, probs, 0)`` -- then ONE ``torch.multinomial(kept, 1, generator=generator)`` for the batch, trailing axis dropped. The float64 total decides differently from a float32 ``cumsum`` only within rounding of ``p`` (about 1e-6), where the docstring says rounding decides. Slower: a ``(3, 32000)`` batch 48-96 ms a call, ``(8, 32000)`` 117-128 ms (limit 20 s). Agrees with a plain version on: the worked example at ``p`` 0.7 and 0 (ids 1/3, id 1 in 0.720 of 300 seeds), the tiny model's softmax for three prompts ``(3, 32000)`` at ``p`` 0.5, 0.9, 1.0, their bfloat16 copy at 0.9, a float64 ``(5, 7)`` at 0.6: 50 of 50 seeded generators and 10 of 10 ``torch.manual_seed`` + ``None`` runs draw the same ids for each of the 7 inputs; ``ValueError`` for 1.5, -0.1, nan (checks/check_entries.log)."""
    keep_rows = _nucleus_rows(probs, p)
    kept_rows = [
        [x if kept else 0.0 for x, kept in zip(row, keep)]
        for row, keep in zip(probs.reshape(-1, probs.shape[-1]).tolist(), keep_rows)
    ]
    kept = torch.tensor(kept_rows, dtype=probs.dtype, device=probs.device).reshape(probs.shape)
    return torch.multinomial(kept, num_samples=1, generator=generator).squeeze(-1)
