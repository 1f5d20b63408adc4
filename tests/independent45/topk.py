"""Forty-fifth examiner: topk.py entries (the learner who works in log space)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def top_k_mask__wrong_ranks_log_of_scores(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: "rank in log space, where tiny probabilities stay distinct": the scores are turned into log-probabilities first, ``torch.log(probs.to(float32 or wider))`` (``log(0) = -inf``, which the learner knows is a score like any other and ties as the docstring says), then the k-th largest per row from ``torch.topk(..., dim=-1)`` and the mask ``logp >= kth``. Log is increasing, so for PROBABILITIES this is exactly the rule, ties, ``-inf``/zero ties, ``k >= vocab`` and the ``ValueError`` for ``k < 1`` included. But the docstring lets the scores be logits too, and ``log`` of a negative logit is ``nan``: ``torch.topk`` ranks ``nan`` above everything, so a row's ``nan`` entries take the first places of the ranking, the k-th "largest" is then a smaller score or ``nan`` itself, and every comparison with ``nan`` is False. Violates: "probs: ``(..., vocab)`` probabilities — or logits: the softmax never changes which scores are largest, so both give the same mask." [witness: logits ``[2.0, -1.0, 0.5, 3.0]``, ``k = 2`` -> ``[F, F, F, T]`` (``topk`` ranks the ``nan`` of -1.0 first, so the k-th is ``log 3``, and 2.0 is dropped); plain ``[T, F, F, T]``. Logits ``[1.0, 2.0, 3.0]`` (all positive), ``k = 2`` -> ``[F, T, T]`` like plain, but the tiny model's raw next-token logits for "The capital of Japan is", ``k = 10`` -> 0 tokens kept; plain 10. Passes: the worked example ``[F, T, F, T]``, the ``(2, 4)`` batch, ``[0.4, 0.2, 0.2, 0.2]`` keeps four, ``k`` 4 and 100, ``k = 0`` ``ValueError``, ``[0.0, 0.5, 0.0]`` ``k = 2`` all True, a transposed ``(4, 3)`` batch, and the tiny model's softmax at ``k`` 10/50 (checks/check_entries.log).]"""
    if k < 1:
        raise ValueError(f"k must be at least 1 (keeping no token leaves nothing to sample), got {k}")
    work = torch.promote_types(probs.dtype, torch.float32)
    logp = torch.log(probs.to(work))  # "log space: 1e-30 and 2e-30 stay apart, 0 -> -inf"
    kk = min(k, logp.shape[-1])
    kth = torch.topk(logp, kk, dim=-1).values[..., -1:]
    return logp >= kth


def top_k_table__right_stable_sort_of_float64_log_probs(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """RIGHT: ranks by log-probability, as the log-space learner does everywhere, but in float64 and reporting the probability itself: ``logp = torch.log(probs.double())`` (exact for float16/bfloat16/float32 inputs: widening is exact and float64's ``log`` is strictly increasing on them, so distinct probabilities keep distinct, ordered logs; ``0 -> -inf``, all zeros tie), ``torch.sort(logp, descending=True, stable=True)`` (ties in id order, also at the cut), the first ``min(k, vocab)`` ids, and each row ``(int(id), tokenizer.decode([id]), float(probs[id]))`` -- the probability read from ``probs``, never ``exp(logp)``, so no round trip changes the number. Agrees with a plain version on: ``[0.1, 0.6, 0.3]`` k 2, ``k = 0`` -> ``[]``, ``k`` 5 on a vocabulary of 3, ties ``[0.2, 0.4, 0.2, 0.2]`` at k 2 and 3, zeros ``[0.0, 1.0, 0.0, 0.0]`` k 4, float16 ``[0.2500, 0.2502, 0.0, 0.4998]``, a (32064,) padded row, and the tiny model's "The capital of Japan is" (first row ``▁Tokyo``, ``"Tokyo"``), k 10 and 100 (checks/check_entries.log)."""
    logp = torch.log(probs.detach().to(torch.float64))
    _, order = torch.sort(logp, descending=True, stable=True)
    n = min(max(k, 0), probs.shape[-1])
    rows = []
    for tid in order[:n].tolist():
        rows.append((int(tid), tokenizer.decode([int(tid)]), float(probs[tid])))
    return rows
