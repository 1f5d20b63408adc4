"""Twenty-first examiner: distributions.py entries (shapes, dtypes, layouts and copies)."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def next_token_logits__right_time_axis_first_view(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """RIGHT: runs the model once under ``torch.no_grad()`` and, instead of indexing ``logits[:, -1, :]``, moves the time axis to the front (``logits.movedim(1, 0)``, a view) and takes its last entry: ``(batch, vocab)``, a view of the model's logits in the model's dtype and on its device, no copy and no cast. Agrees with a plain version on: (the plain version: ``model(input_ids=ids).logits[:, -1, :]``) the worked example (``(1, 32000)``, argmax ``▁Tokyo``), a batch of three prompts of equal length, a one-token prompt ``[[1]]``, the tiny model converted to bfloat16 and to float64 (dtype kept), and ``requires_grad`` False on the result: bit-for-bit equal, same shape, dtype, device (see README)."""
    with torch.no_grad():
        logits = model(input_ids=input_ids).logits
    return logits.movedim(1, 0)[-1]


def softmax_with_temperature__wrong_numpy_float64_no_bfloat16(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: checks the temperature (finite, > 0, with the reason), then does the arithmetic in NumPy float64 -- ``np.asarray(logits.detach().cpu(), dtype=np.float64)``, divide by ``T``, subtract the row maximum, ``np.exp``, divide by the row sum over the last axis -- and returns ``torch.from_numpy(...).to(dtype=logits.dtype, device=logits.device)``. Float64 is more than float32, so float32, float64 and float16 logits (``1e4`` at ``T = 0.1`` included) all come out right, in their own dtype. But NumPy has no bfloat16: converting a bfloat16 tensor raises ``TypeError: Got unsupported ScalarType BFloat16``, so the half-precision dtype that a 4-bit model on a GPU gives gets no probabilities at all. Violates: "Half-precision logits (``float16`` or ``bfloat16``: what a 4-bit model on a GPU gives) are computed in float32, as ``generate()`` does, and the probabilities are returned in the logits' own dtype." [witness: ``softmax_with_temperature(torch.tensor([2.0, 1.0, 0.0], dtype=torch.bfloat16), 1.0)``: plain returns bfloat16 ``[0.6641, 0.2451, 0.0898]``, this raises ``TypeError``]."""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    z = np.asarray(logits.detach().cpu(), dtype=np.float64) / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    out = e / e.sum(axis=-1, keepdims=True)
    return torch.from_numpy(out).to(dtype=logits.dtype, device=logits.device)


def softmax_with_temperature__right_float64_copy_into_empty_like(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: checks the temperature (a finite number > 0, else ``ValueError`` with the reason), computes the whole softmax in float64 (``logits.to(torch.float64)``, divide by ``T``, subtract ``amax`` of the last axis, ``exp``, divide by the row sum), and hands the result back by ``out = torch.empty_like(logits); out.copy_(probs)``: ``copy_`` does the cast to the logits' dtype (float16, bfloat16, float32, float64) and ``empty_like`` keeps the logits' device and memory layout (a transposed input gives a transposed result). A ``-inf`` logit gives ``exp(-inf) = 0`` exactly. Agrees with a plain version on: (the plain version: float32 for half, the logits' dtype otherwise, max subtracted, cast back with ``.to``) the worked example (``T`` 1 and 0.5), ``±1e4`` logits in float32 and float16 at ``T = 0.1``, a ``-inf`` logit (exactly 0), bad temperatures (0, -1, inf, nan raise ``ValueError``), and 300 random inputs (1 to 3 axes, transposed and sliced layouts, all four floating dtypes, vocab 2..32000, ``T`` 0.05..5): same shape and dtype, values within the docstring's rounding (relative to each probability: 4 float32 units of the largest ``|logit / T|`` plus 2 units of the result's dtype; the worst case used 0.36 of that), float32/float64 rows summing to 1 within 1e-5 (see README)."""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    work = logits.to(torch.float64) / temperature
    work = work - work.amax(dim=-1, keepdim=True)
    e = torch.exp(work)
    probs = e / e.sum(dim=-1, keepdim=True)
    out = torch.empty_like(logits)
    out.copy_(probs)
    return out
