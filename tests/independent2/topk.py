"""Independent catalogue, round 2: submissions for exercises/topk.py.

Written from the docstrings of ``exercises/topk.py`` only, avoiding every mistake and every
style already in round 1 (``tests/independent/topk.py``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


# ---------------------------------------------------------------------------------------
# top_k_mask
# ---------------------------------------------------------------------------------------


def top_k_mask__right_numpy_partition(probs: torch.Tensor, k: int) -> torch.Tensor:
    """RIGHT: numpy: ``np.partition`` puts the k-th largest of every row at index
    ``vocab - k`` (float64, exact for every float dtype, ties intact); every score at least
    that large is kept; the mask goes back to ``probs.device``."""
    if k < 1:
        raise ValueError(f"k must be >= 1: keeping no token leaves nothing to sample (got k={k})")
    vocab = probs.shape[-1]
    if k >= vocab:
        return torch.ones(probs.shape, dtype=torch.bool, device=probs.device)
    x = probs.detach().to("cpu", torch.float64).numpy()
    kth = np.partition(x, vocab - k, axis=-1)[..., vocab - k : vocab - k + 1]
    return torch.from_numpy(x >= kth).to(probs.device)


def top_k_mask__right_unsorted_topk_minimum(probs: torch.Tensor, k: int) -> torch.Tensor:
    """RIGHT: asks ``torch.topk`` for the k largest UNSORTED (``sorted=False``) and takes
    their minimum as the threshold: the minimum of the k largest is the k-th largest, whatever
    order topk returns them in."""
    if not k >= 1:
        raise ValueError("k must be at least 1 (k < 1 would keep no token)")
    k = min(int(k), probs.shape[-1])
    values = torch.topk(probs, k, dim=-1, largest=True, sorted=False).values
    threshold = values.amin(dim=-1, keepdim=True)
    return probs >= threshold


def top_k_mask__wrong_kth_distinct_value(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: reads "the k-th largest score" as the k-th largest DISTINCT value
    (``torch.unique``), so ties above the cut use up no places: ``[0.4, 0.4, 0.1, 0.1]``
    with ``k = 2`` keeps all four instead of the two 0.4s. Passes both docstring examples
    (including the tie example). Violates: "a token is kept when its score is at least the
    k-th largest score of its row"."""
    if k < 1:
        raise ValueError("k must be >= 1")
    vocab = probs.shape[-1]
    flat = probs.reshape(-1, vocab)
    mask = torch.zeros(flat.shape, dtype=torch.bool, device=probs.device)
    for r in range(flat.shape[0]):
        distinct = torch.unique(flat[r], sorted=True)  # ascending
        threshold = distinct[-k] if k <= distinct.numel() else distinct[0]
        mask[r] = flat[r] >= threshold
    return mask.reshape(probs.shape)


def top_k_mask__wrong_only_zero_rejected(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: rejects ``k == 0`` only; a negative k goes on to ``torch.topk`` and fails
    there with a ``RuntimeError``. Violates: "``k < 1`` raises ``ValueError`` (keeping no
    token leaves nothing to sample)."""
    if k == 0:
        raise ValueError("k must not be 0: that would keep no token")
    k = min(k, probs.shape[-1])
    kth = torch.topk(probs, k, dim=-1).values[..., -1:]
    return probs >= kth


def top_k_mask__wrong_large_k_float_ones(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: the shortcut for ``k >= vocab`` returns ``torch.ones_like(probs)`` -- a FLOAT
    tensor of 1.0 (the normal path returns bool). Violates: "returns: a ``torch.bool``
    tensor of the same shape" (with "``k`` at least the vocabulary size keeps every
    token.")."""
    if k < 1:
        raise ValueError("k must be >= 1")
    if k >= probs.shape[-1]:
        return torch.ones_like(probs)
    kth = torch.topk(probs, k, dim=-1).values[..., -1:]
    return probs >= kth


# ---------------------------------------------------------------------------------------
# top_k_table
# ---------------------------------------------------------------------------------------


def top_k_table__right_numpy_lexsort(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """RIGHT: ``np.lexsort((ids, -p))`` sorts by probability descending and, among equal
    probabilities, by id ascending in one call; numbers converted with ``int``/``float``."""
    p = probs.detach().to("cpu", torch.float64).numpy()
    ids = np.arange(p.shape[0])
    order = np.lexsort((ids, -p))
    n = max(0, min(k, p.shape[0]))
    return [(int(i), tokenizer.decode([int(i)]), float(p[i])) for i in order[:n]]


def top_k_table__right_heapq_nlargest(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """RIGHT: ``heapq.nlargest`` over ``(probability, -id)`` keys -- a partial selection in
    plain Python, no full sort; the ``-id`` makes the lower id win a tie."""
    import heapq

    values = probs.detach().cpu().tolist()
    n = max(0, min(k, len(values)))
    best = heapq.nlargest(n, range(len(values)), key=lambda i: (values[i], -i))
    table = []
    for token_id in best:
        table.append((token_id, tokenizer.decode([token_id]), float(values[token_id])))
    return table


def top_k_table__wrong_rounds_probability(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: rounds the probability to 4 decimals "for the table" (``round(p, 4)``): the
    example's 0.6 and 0.3 still look right, 0.123456 becomes 0.1235. Violates: "a list of
    ``min(k, vocab)`` tuples ``(token_id, text, probability)``" (the probability itself)."""
    values, order = torch.sort(probs, descending=True, stable=True)
    n = min(k, probs.shape[-1])
    return [(int(i), tokenizer.decode([int(i)]), round(float(v), 4)) for i, v in zip(order[:n], values[:n])]


def top_k_table__wrong_strips_text(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: ``tokenizer.decode([id]).strip()`` to tidy the labels, so the newline token
    (id 13, '<0x0A>') shows as '' instead of '\\n'. "Tokyo" is unaffected. Violates: "the
    table shows ``tokenizer.decode([id])``, the text a reader sees"."""
    values, order = torch.sort(probs, descending=True, stable=True)
    n = min(k, probs.shape[-1])
    return [(int(i), tokenizer.decode([int(i)]).strip(), float(v)) for i, v in zip(order[:n], values[:n])]


def top_k_table__wrong_drops_zero_probability(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: leaves out tokens of probability 0 ("they are not candidates"), so ``[0.5,
    0.5, 0.0]`` with ``k = 3`` gives two rows (and a top-k-filtered distribution never lists
    ``k`` rows past its survivors). Violates: "returns: a list of ``min(k, vocab)`` tuples"
    / "``k`` larger than the vocabulary lists every token."."""
    values, order = torch.sort(probs, descending=True, stable=True)
    table = []
    for i, v in zip(order.tolist(), values.tolist()):
        if len(table) >= k:
            break
        if v > 0:
            table.append((i, tokenizer.decode([i]), float(v)))
    return table
