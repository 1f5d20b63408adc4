"""Twenty-first examiner: topk.py entries (shapes, dtypes, layouts and copies)."""
from __future__ import annotations

import torch


def top_k_mask__wrong_squeeze0_after_lifting_row(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: lifts a 1-D row to a batch of one ("so one code path serves rows and batches"), decides every row against its own k-th largest score (``torch.topk(..., dim=-1)``, ``k`` clamped to the vocabulary, ties with the k-th kept, ``k < 1`` rejected), and undoes the lift with an UNCONDITIONAL ``.squeeze(0)``. For a 1-D row and for a ``(2, 4)`` batch (the worked examples) that is right; for an input that is already a batch of ONE, ``(1, vocab)``, the batch axis is squeezed away too, and ``(1, 3, vocab)`` comes back as ``(3, vocab)``. Violates: "returns: a ``torch.bool`` tensor of the same shape" [witness: ``top_k_mask(torch.tensor([[0.1, 0.5, 0.15, 0.25]]), 2)``: plain returns ``tensor([[False, True, False, True]])`` of shape ``(1, 4)``, this ``tensor([False, True, False, True])`` of shape ``(4,)``]."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    rows = probs.unsqueeze(0) if probs.dim() == 1 else probs
    k = min(k, rows.shape[-1])
    kth = torch.topk(rows, k, dim=-1).values[..., -1:]
    return (rows >= kth).squeeze(0)


def top_k_mask__right_vocab_axis_first_topk_dim0(probs: torch.Tensor, k: int) -> torch.Tensor:
    """RIGHT: moves the vocabulary axis to the FRONT (``probs.movedim(-1, 0)``, a view, no copy), takes ``torch.topk(..., dim=0)`` there (``k`` clamped to the vocabulary; ``k < 1`` raises ``ValueError``), compares every score with the k-th largest of its column (``values[-1:]``, broadcast over the vocabulary axis) and moves the axis back with ``movedim(0, -1)``: the mask it returns is, for two or more axes, a NON-contiguous view (strides of the moved layout), which is the same shape, bool, in vocabulary order. Agrees with a plain version on: (the plain version: ``probs >= topk(probs, k, dim=-1).values[..., -1:]``) both worked examples and the ``[0.4, 0.2, 0.2, 0.2]`` tie, ``k`` = vocab and beyond, rows with ``-inf`` (a k-th largest of ``-inf``), and 400 random inputs (1 to 3 axes, batches of one included, transposed and sliced layouts, float32/float64/float16/bfloat16, ties made by rounding, ``k`` 1..vocab+2): every mask equal, shape equal, dtype bool (see README)."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    columns = probs.movedim(-1, 0)
    kk = min(k, columns.shape[0])
    kth = torch.topk(columns, kk, dim=0).values[-1:]
    return (columns >= kth).movedim(0, -1)
