"""Twenty-first examiner: nucleus.py entries (shapes, dtypes, layouts and copies)."""
from __future__ import annotations

import math

import numpy as np
import torch


def top_p_mask__wrong_writes_into_reshape_copy(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: checks ``p`` (range, ``nan``, non-numbers, with a message), makes the result with ``torch.zeros_like(probs, dtype=torch.bool)``, flattens the leading axes of BOTH tensors with ``reshape(-1, vocab)`` (not ``view``, "so non-contiguous inputs work"), sorts each row, keeps a token when the mass above it is below ``p`` (the first always), and scatters the decisions IN PLACE into the reshaped mask, expecting the writes to land in ``mask``. ``zeros_like`` copies the layout of ``probs``; where that layout cannot be flattened without a copy -- leading axes swapped with ``transpose`` -- ``mask.reshape(-1, vocab)`` IS a copy, the scatter fills the copy, and the function returns the untouched all-``False`` mask. 1-D rows, contiguous batches and a transposed 2-D batch (reshape to the same shape is a view) come out right. Violates: "probs: ``(..., vocab)`` probabilities, each row summing to 1; any leading axes, contiguous or not (a batch whose axes were swapped with ``transpose`` too)." [witness: ``probs = torch.softmax(torch.randn(2, 3, 4, generator=torch.Generator().manual_seed(0)), -1).transpose(0, 1)`` (shape ``(3, 2, 4)``), ``p = 0.7``: plain keeps 3, 3, 2, 2, 2, 2 tokens in the 6 rows, this returns all ``False`` (no token kept in any row)]."""
    if isinstance(p, bool) or not isinstance(p, (int, float)) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    vocab = probs.shape[-1]
    mask = torch.zeros_like(probs, dtype=torch.bool)
    rows = probs.reshape(-1, vocab)
    row_mask = mask.reshape(-1, vocab)
    ordered, order = torch.sort(rows, dim=-1, descending=True)
    above = torch.cumsum(ordered, dim=-1) - ordered
    keep_sorted = above < p
    keep_sorted[:, 0] = True
    row_mask.scatter_(1, order, keep_sorted)
    return mask


def top_p_mask__wrong_numpy_rows_no_bfloat16(probs: torch.Tensor, p: float) -> torch.Tensor:
    """WRONG: checks ``p`` and then decides the rows in NumPy: ``probs.detach().cpu().reshape(-1, vocab).numpy()``, a stable descending ``argsort`` per row, an exclusive running total in the row's own dtype, the first token forced, the decisions put back at ``order``; the mask goes back with ``torch.from_numpy(...).reshape(probs.shape).to(probs.device)``. Right for float32 and float64 (and float16, which NumPy has: for half rows only shape, dtype and device are graded). NumPy has no bfloat16, and ``Tensor.numpy()`` raises ``TypeError: Got unsupported ScalarType BFloat16``, so a bfloat16 row -- what a 4-bit model on a GPU gives -- gets no mask at all. Violates: "Half-precision rows (``float16``, ``bfloat16``) round far more coarsely (a row may add up to 0.999, running totals drift by 1e-3 and more): which tokens they keep near the cut, or at ``p = 1``, depends on the precision you add them up in, so for them only the mask's shape, dtype and device are graded." [witness: ``top_p_mask(torch.tensor([0.1, 0.5, 0.15, 0.25], dtype=torch.bfloat16), 0.7)``: plain returns a bool mask of shape ``(4,)`` (``[False, True, False, True]``), this raises ``TypeError``]."""
    if isinstance(p, bool) or not isinstance(p, (int, float)) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    vocab = probs.shape[-1]
    rows = probs.detach().cpu().reshape(-1, vocab).numpy()
    out = np.zeros(rows.shape, dtype=bool)
    for r in range(rows.shape[0]):
        row = rows[r]
        order = np.argsort(-row, kind="stable")
        ordered = row[order]
        above = np.cumsum(ordered) - ordered
        keep = above < p
        keep[0] = True
        out[r, order] = keep
    return torch.from_numpy(out).reshape(probs.shape).to(probs.device)


def top_p_mask__right_vocab_axis_first_float64(probs: torch.Tensor, p: float) -> torch.Tensor:
    """RIGHT: checks ``p`` (numbers only, ``nan`` and outside [0, 1] raise ``ValueError`` with the reason), then works with the vocabulary as the FIRST axis: ``probs.movedim(-1, 0)`` widened to float64, a stable descending sort along ``dim=0``, the mass above each ranked token as an inclusive ``cumsum`` minus the token, the first rank forced in, and the decisions put back with ``scatter(0, order, ...)`` into a fresh bool tensor, moved back with ``movedim(0, -1)`` (for two or more axes a non-contiguous view; same shape, bool, same device as ``probs``). Float64 running totals differ from float32 ones only within rounding of the cut, where the docstring says rounding decides. Agrees with a plain version on: (the plain version: float32 sort, cumsum, scatter along ``dim=-1``) the worked example (``p`` 0.7 and 0.8), ``p = 0`` (one token), the ``[0.5, 0.2, 0.1, 0.2]`` tie (keeps id 0 and one of 1, 3), and 400 random inputs (1 to 3 axes, batches of one, transposed and sliced layouts, float32/float64, vocab 2..32000, ``p`` 0, 1 or random): every decision equal wherever the mass above the token is more than 1e-5 from ``p``; for float16/bfloat16 inputs shape, dtype and device equal (see README)."""
    if isinstance(p, bool) or not isinstance(p, (int, float)) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1] (got {p!r})")
    columns = probs.movedim(-1, 0).to(torch.float64)
    ordered, order = torch.sort(columns, dim=0, descending=True, stable=True)
    above = torch.cumsum(ordered, dim=0) - ordered
    keep_sorted = above < p
    keep_sorted[0] = True
    keep = torch.zeros_like(keep_sorted).scatter(0, order, keep_sorted)
    return keep.movedim(0, -1)


def _sample_top_p__wrong_renormalises_probs_in_place_mask(probs: torch.Tensor, p: float) -> torch.Tensor:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or math.isnan(p) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    ordered, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(ordered, dim=-1) - ordered
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)


def sample_top_p__wrong_renormalises_probs_in_place(probs: torch.Tensor, p: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """WRONG: "makes sure the rows sum to 1" first with an in-place ``probs /= probs.sum(dim=-1, keepdim=True)`` on the caller's tensor, then follows the steps (nucleus mask, ``torch.where(keep, probs, 0)``, one ``torch.multinomial(..., generator=generator)`` for the batch, trailing axis dropped: int64 ``(batch,)``). The draws are those of the plain version (``multinomial`` renormalises anyway), and where a row already sums to exactly 1 in its dtype -- the worked example ``[0.1, 0.5, 0.15, 0.25]`` does, in float32 -- dividing by 1 changes no value. But a row that sums to 1 only up to rounding (any softmax output, almost) comes back with its values moved by a unit or two in the last place: the caller's ``probs`` is changed. Violates: "do not change ``probs`` itself" [witness: ``probs = torch.softmax(torch.randn(1, 10, generator=torch.Generator().manual_seed(0)), -1)`` (row sum 0.99999988 in float32), ``p = 0.9``, seed 0: plain leaves ``probs`` bit-for-bit as it was, this changes all 10 of its values (by at most 3e-8; the same id, 6, drawn)]."""
    probs /= probs.sum(dim=-1, keepdim=True)
    keep = _sample_top_p__wrong_renormalises_probs_in_place_mask(probs, p)
    kept = torch.where(keep, probs, 0)
    return torch.multinomial(kept, num_samples=1, generator=generator).squeeze(-1)
