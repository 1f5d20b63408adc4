"""Twenty-seventh examiner: topk.py entries (the over-cautious learner)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def top_k_mask__wrong_validates_probability_rows(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: takes the parameter's name at its word and checks that ``probs`` really holds probabilities before anything else: ``ValueError`` when any entry is negative or a row does not sum to 1 (``torch.allclose(probs.float().sum(-1), 1, atol=1e-3)``, loose enough for float16 rows). Then it is correct: ``k < 1`` raises ``ValueError``, ``k`` at least the vocabulary keeps every token, each row is compared with its own k-th largest value (``torch.topk(..., dim=-1)``), ties with it kept, vocabulary order. Every worked example is a probability row, so all of them pass. But the docstring also allows logits, and a row of logits (any negative score, or a ``-inf`` of a token masked before) is refused. Violates: "probs: ``(..., vocab)`` probabilities — or logits: the softmax never changes which scores are largest, so both give the same mask." [witness: the tiny model's last logits for "The capital of Japan is" (shape ``(1, 32000)``, range -12.57 .. 14.97), ``k = 10``: ``ValueError: top_k_mask expects probabilities ...``; plain keeps 10 tokens, the same mask WRONG gives for the softmax of those logits. ``torch.tensor([-inf, 0.5, -inf])`` with ``k = 2`` (the docstring's ``-inf`` tie rule): ``ValueError``; plain ``[True, True, True]``. Equal to plain: ``[F, T, F, T]`` for the worked example, the ``(2, 4)`` batch, ``[0.4, 0.2, 0.2, 0.2]`` keeps all four, ``k = 4`` and ``k = 100`` all True, ``k = 0`` ``ValueError``.]"""
    if (probs < 0).any() or not torch.allclose(
        probs.float().sum(dim=-1), torch.ones(probs.shape[:-1], device=probs.device), atol=1e-3
    ):
        raise ValueError("top_k_mask expects probabilities: non-negative rows that sum to 1")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if k >= probs.shape[-1]:
        return torch.ones_like(probs, dtype=torch.bool)
    kth = torch.topk(probs, k, dim=-1).values[..., -1:]
    return probs >= kth


def top_k_table__right_guarded_float64_sort(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """RIGHT: defensive at every step: ``k <= 0`` returns ``[]`` at once; an ``assert`` that ``probs`` is 1-D (never fires on the ``(vocab,)`` the docstring promises); the distribution is detached, moved to the CPU and widened to float64 "so the sort never sees half-precision rounding" (a widening cast is exact, so the order and the values are those of ``probs`` itself); ``torch.sort(..., descending=True, stable=True)`` (ties lower id first, also at the cut); ``min(k, len(x))`` rows; each row built with ``int``, ``tokenizer.decode([int])`` and ``float``, and checked by ``assert isinstance(...)``. Agrees with a plain version on: the worked example ``[0.1, 0.6, 0.3]`` ``k = 2``; the tiny model's softmax for "The capital of Japan is" in float32 (``k`` 10), bfloat16 (``k`` 25), float16 (``k`` 10); ``k = 0``; ``k = 40000`` (32000 rows); ties at the cut ``[0.2, 0.2, 0.2, 0.4]`` ``k = 2`` -- all equal element for element (checks/check_entries.log)."""
    if k <= 0:
        return []
    assert probs.dim() == 1, "top_k_table expects ONE distribution of shape (vocab,)"
    x = probs.detach().to("cpu", torch.float64)
    values, order = torch.sort(x, descending=True, stable=True)
    n = min(k, x.shape[0])
    rows = []
    for value, token_id in zip(values[:n].tolist(), order[:n].tolist()):
        row = (int(token_id), tokenizer.decode([int(token_id)]), float(value))
        assert isinstance(row[0], int) and isinstance(row[1], str) and isinstance(row[2], float)
        rows.append(row)
    return rows
