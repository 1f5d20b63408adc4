"""Independent catalogue, round 3: submissions for exercises/topk.py.

Written from the docstrings of ``exercises/topk.py`` only, avoiding every mistake and every
style already in rounds 1 and 2 (``tests/independent/topk.py``, ``tests/independent2/topk.py``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


# ---------------------------------------------------------------------------------------
# top_k_mask
# ---------------------------------------------------------------------------------------


def top_k_mask__wrong_large_k_shortcut_one_row(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: the shortcut for ``k >= vocab`` builds ``torch.ones(vocab, dtype=torch.bool)``
    -- one row -- so a batch gets a ``(vocab,)`` mask instead of its own shape. Violates:
    "returns: a ``torch.bool`` tensor of the same shape" (with "``k`` at least the vocabulary
    size keeps every token.") [``(2, 4)`` probs, ``k = 4``]"""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    vocab = probs.shape[-1]
    if k >= vocab:
        return torch.ones(vocab, dtype=torch.bool, device=probs.device)
    kth = torch.topk(probs, k, dim=-1).values[..., k - 1 :]
    return probs >= kth


def top_k_mask__wrong_float32_threshold(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: casts the scores to float32 "to be safe" before comparing; float64 scores that
    differ by less than float32 can tell apart collapse into a tie, and the extra token is
    kept. Violates: "a token is kept when its score is at least the k-th largest score of
    its row" [float64 ``[0.3, 0.3 + 1e-12, 0.1]``, ``k = 1`` -> only token 1]"""
    if k < 1:
        raise ValueError("k must be >= 1 (k < 1 would keep nothing)")
    scores = probs.float()
    k = min(k, scores.shape[-1])
    kth = scores.topk(k, dim=-1).values[..., -1:]
    return scores >= kth


def top_k_mask__wrong_zero_then_nonzero(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: zeroes everything below the k-th largest score and returns ``!= 0`` ("the
    surviving probabilities"). That reads probabilities only: a kept score of 0 (a kept
    token of probability 0, or a logit of exactly 0) is dropped. Violates: "probs: ``(...,
    vocab)`` probabilities -- or logits: the softmax never changes which scores are largest,
    so both give the same mask." [logits ``[0.0, -1.0, -2.0]``, ``k = 1`` -> ``[True, False,
    False]``; probs ``[0.5, 0.5, 0.0, 0.0]``, ``k = 3`` -> all four]"""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    k = min(k, probs.shape[-1])
    kth = torch.topk(probs, k, dim=-1).values[..., -1:]
    survivors = torch.where(probs >= kth, probs, torch.zeros_like(probs))
    return survivors != 0


def top_k_mask__right_sorted_ascending_index(probs: torch.Tensor, k: int) -> torch.Tensor:
    """RIGHT: sorts each row ascending and reads the threshold at index ``-k`` (clamped to
    the row length) -- the k-th largest -- with ``narrow`` instead of ``topk``."""
    if k < 1:
        raise ValueError(f"k must be >= 1: keeping no token leaves nothing to sample (k={k!r})")
    vocab = probs.size(-1)
    ascending = torch.sort(probs, dim=-1).values
    threshold = ascending.narrow(-1, vocab - min(k, vocab), 1)
    return torch.ge(probs, threshold)


# ---------------------------------------------------------------------------------------
# top_k_table
# ---------------------------------------------------------------------------------------


def top_k_table__wrong_k_zero_means_all(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: ``k = k or len(probs)`` ("no k: list everything"), so ``k = 0`` lists the whole
    vocabulary instead of nothing. Violates: "returns: a list of ``min(k, vocab)`` tuples"
    [``k = 0`` -> ``[]``]"""
    k = k or probs.numel()
    values, ids = torch.sort(probs, descending=True, stable=True)
    n = min(k, probs.numel())
    return [(int(i), tokenizer.decode([int(i)]), float(v)) for v, i in zip(values[:n], ids[:n])]


def top_k_table__wrong_numpy_scalar_probability(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: converts to numpy and iterates, so each probability is a ``numpy.float32`` --
    equal to the float, printed like one, but not a Python ``float`` (``isinstance(p,
    float)`` is False; ``json.dumps`` refuses it). Violates: "with plain Python types
    ``int``, ``str``, ``float`` (not tensors)" [any float32 ``probs``]"""
    values, ids = torch.sort(probs, descending=True, stable=True)
    n = min(k, probs.shape[0])
    vals = values[:n].cpu().numpy()
    idx = ids[:n].tolist()
    return [(i, tokenizer.decode([i]), v) for i, v in zip(idx, vals)]


def top_k_table__right_python_sorted_reverse(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """RIGHT: Python's ``sorted(range(vocab), key=p.__getitem__, reverse=True)``: ``reverse``
    in Python keeps equal items in their original order (it does not flip the ties), so
    equal probabilities stay lower id first without a secondary key."""
    p = probs.tolist()
    order = sorted(range(len(p)), key=p.__getitem__, reverse=True)
    return [(i, tokenizer.decode([i]), p[i]) for i in order[: max(0, min(k, len(p)))]]
