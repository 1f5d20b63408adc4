"""Sixteenth examiner: topk.py entries."""
from __future__ import annotations

import torch


def top_k_mask__wrong_view_flattens_leading_axes(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: handles "any number of leading axes" by flattening them with ``probs.view(-1, vocab)``, deciding each row against its k-th largest score (``topk`` of ``min(k, vocab)``, ties kept, ``k < 1`` rejected) and ``.view``-ing the mask back. ``view`` needs leading axes that can be merged without a copy: every contiguous input works, and so does a transposed 2-D batch (viewing ``(batch, vocab)`` as ``(batch, vocab)`` merges nothing), but a batch with two leading axes that is not laid out row after row raises ``RuntimeError`` ("view size is not compatible with input tensor's size and stride"). ``reshape`` (or working on ``dim=-1`` directly) would be right. Violates: "Any number of leading axes, contiguous or not." [witness: ``torch.rand(3, 2, 5, generator=torch.Generator().manual_seed(0)).transpose(0, 1)`` (shape ``(2, 3, 5)``), ``k = 2``: a mask of two (or more, with ties) ``True`` per row expected, ``RuntimeError``; the worked example, a ``(2, 4)`` batch and ``x.t()`` of a ``(vocab, batch)`` tensor are right]"""
    if k < 1:
        raise ValueError(f"k must be at least 1 (keeping no token leaves nothing to sample), got {k!r}")
    vocab = probs.shape[-1]
    rows = probs.view(-1, vocab)
    kth = torch.topk(rows, min(k, vocab), dim=-1).values[:, -1:]
    return (rows >= kth).view(probs.shape)


def top_k_mask__right_isin_row_loop(probs: torch.Tensor, k: int) -> torch.Tensor:
    """RIGHT: a Python loop over the rows (leading axes flattened with ``reshape``, which copies a non-contiguous input when it must): for each row, the ``min(k, vocab)`` largest VALUES from ``torch.topk``, then ``torch.isin(row, values)`` -- a token is kept when its score equals one of the top-k scores. Every score above the k-th largest is among them and every score equal to it is too, so this is exactly "at least the k-th largest" (ties and ``-inf`` included: ``-inf == -inf``). The mask is written into a preallocated ``torch.bool`` tensor on ``probs``' device and reshaped back."""
    if k < 1:
        raise ValueError(f"k must be 1 or more, got {k!r}")
    vocab = probs.shape[-1]
    keep = min(k, vocab)
    flat = probs.reshape(-1, vocab)
    mask = torch.empty(flat.shape, dtype=torch.bool, device=probs.device)
    for i in range(flat.shape[0]):
        row = flat[i]
        top_values = torch.topk(row, keep).values
        mask[i] = torch.isin(row, top_values)
    return mask.reshape(probs.shape)
