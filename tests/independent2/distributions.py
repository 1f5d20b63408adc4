"""Independent catalogue, round 2: submissions for exercises/distributions.py.

Written from the docstrings of ``exercises/distributions.py`` only, avoiding every mistake
and every style already in round 1 (``tests/independent/distributions.py``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


# ---------------------------------------------------------------------------------------
# next_token_logits
# ---------------------------------------------------------------------------------------


def next_token_logits__right_per_row_loop(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """RIGHT: runs the model on ONE sequence at a time (a batch of one each) and stacks the
    last-position rows; equal to the batched forward up to float rounding (another matrix
    shape), same dtype and device."""
    rows = []
    with torch.no_grad():
        for b in range(input_ids.shape[0]):
            logits = model(input_ids=input_ids[b : b + 1]).logits
            rows.append(logits[0, -1])
    return torch.stack(rows, dim=0)


def next_token_logits__right_decoder_then_lm_head(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """RIGHT: runs only the decoder body (``model.get_decoder()``), keeps the hidden state of
    the last position and applies the output layer (``model.get_output_embeddings()``) to
    that one vector per sequence -- the same numbers as the full logits' last row (up to
    float rounding), without the ``(batch, T, vocab)`` tensor."""
    with torch.no_grad():
        hidden = model.get_decoder()(input_ids=input_ids).last_hidden_state
        return model.get_output_embeddings()(hidden[:, -1, :])


def next_token_logits__wrong_first_sequence_only(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """WRONG: hard-codes the example's ``logits[0, -1]`` and restores the batch axis with
    ``unsqueeze(0)``: shape ``(1, vocab)`` always, so a batch of 2 gets only its first row.
    Passes the worked example. Violates: "returns: ``(batch, vocab)`` logits" ("the token
    that comes after each sequence")."""
    with torch.no_grad():
        logits = model(input_ids=input_ids).logits
    return logits[0, -1].unsqueeze(0)


def next_token_logits__wrong_returns_log_softmax(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """WRONG: returns ``log_softmax`` of the last position ("normalised logits"): same
    shape, dtype and argmax ("▁Tokyo"), but every value is shifted by the row's logsumexp.
    Violates: "Return the model's logits for the token that comes after each sequence." /
    "your result is its last position"."""
    with torch.no_grad():
        logits = model(input_ids=input_ids).logits
    return torch.log_softmax(logits[:, -1, :], dim=-1)


# ---------------------------------------------------------------------------------------
# softmax_with_temperature
# ---------------------------------------------------------------------------------------


def softmax_with_temperature__right_numpy_float64(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: numpy float64 (subtract the row maximum, ``np.exp``, divide by the row sum),
    converted back to a tensor of the input's shape, dtype and device; the temperature is
    checked with ``numbers.Real`` and ``math.isfinite``."""
    import math
    import numbers

    if isinstance(temperature, bool) or not isinstance(temperature, (numbers.Real, np.floating, np.integer)):
        raise ValueError(f"temperature must be a real number, got {temperature!r}")
    if not math.isfinite(float(temperature)) or temperature <= 0:
        raise ValueError(
            f"temperature must be a finite number greater than 0, got {temperature!r} "
            "(temperature 0 is greedy decoding: take the argmax instead)"
        )
    z = logits.detach().to("cpu", torch.float64).numpy() / float(temperature)
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    p = e / e.sum(axis=-1, keepdims=True)
    return torch.from_numpy(p).to(dtype=logits.dtype, device=logits.device)


def softmax_with_temperature__right_online_chunked(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: the "online softmax" of fused kernels: walks the vocabulary in chunks keeping a
    running maximum and a running sum rescaled whenever the maximum grows, then one last pass
    ``exp(z - max) / sum``; in at least float32, cast back."""
    import math

    if isinstance(temperature, (str, bytes)) or temperature is None:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    try:
        t = float(temperature)
    except (TypeError, ValueError):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}") from None
    if not (math.isfinite(t) and t > 0):
        raise ValueError(f"temperature must be finite and > 0 (0 would be greedy argmax), got {temperature!r}")
    wide = torch.promote_types(logits.dtype, torch.float32)
    z = logits.to(wide) / t
    vocab = z.shape[-1]
    running_max = torch.full(z.shape[:-1] + (1,), -math.inf, dtype=wide, device=z.device)
    running_sum = torch.zeros_like(running_max)
    chunk = 4096
    for start in range(0, vocab, chunk):
        block = z[..., start : start + chunk]
        new_max = torch.maximum(running_max, block.amax(dim=-1, keepdim=True))
        # while a row has seen only -inf so far, its maximum is -inf: shift by 0 there instead
        # (exp(-inf - 0) = 0), and never compute -inf - (-inf)
        unseen = new_max == -math.inf
        shift = torch.where(unseen, torch.zeros_like(new_max), new_max)
        scale = torch.where(running_max == -math.inf, torch.zeros_like(running_max), torch.exp(running_max - shift))
        running_sum = running_sum * scale + torch.exp(block - shift).sum(dim=-1, keepdim=True)
        running_max = new_max
    return (torch.exp(z - running_max) / running_sum).to(logits.dtype)


def softmax_with_temperature__wrong_rejects_int_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: validates with ``isinstance(temperature, float)``, so ``temperature=1`` or
    ``2`` (ints, finite numbers > 0) raise ``ValueError``. The docstring's examples pass
    ``1.0`` and ``0.5``. Violates: "A temperature that is not a finite number greater than 0
    raises ``ValueError``" (an int is a number: only a non-number or a bad value raises)."""
    import math

    if not isinstance(temperature, float) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite float > 0, got {temperature!r}")
    z = logits / temperature
    z = z - z.amax(dim=-1, keepdim=True)
    e = torch.exp(z)
    return e / e.sum(dim=-1, keepdim=True)


def softmax_with_temperature__wrong_power_of_probs(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: takes the ordinary softmax first and applies the temperature as a power,
    ``p ** (1 / T)`` renormalised -- the same formula on paper, but the T = 1 softmax has
    already rounded the tail to 0, so a high T cannot bring it back: logits ``[0, -200]`` at
    ``T = 100`` give ``[1, 0]`` instead of ``[0.881, 0.119]``. Both worked examples pass.
    Violates: "``p_i = exp(z_i / T) / sum_j exp(z_j / T)`` over the last axis" ("``T > 1``
    flattens the distribution, giving unlikely tokens a chance")."""
    import math

    if not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    p = torch.softmax(logits, dim=-1)
    q = p ** (1.0 / temperature)
    return q / q.sum(dim=-1, keepdim=True)


def softmax_with_temperature__wrong_max_without_keepdim(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: subtracts ``z.max(dim=-1).values`` WITHOUT ``keepdim``: fine for a 1-D row
    (a scalar broadcasts), a RuntimeError for a ``(2, 3)`` batch, and silently wrong for a
    square ``(V, V)`` one (column-wise shift). Violates: "logits: ``(..., vocab)`` floating
    point; any number of leading axes."."""
    import math

    if not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    z = logits / temperature
    z = z - z.max(dim=-1).values
    e = torch.exp(z)
    return e / e.sum(dim=-1, keepdim=True)
