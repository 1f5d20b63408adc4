"""Independent catalogue: submissions for exercises/distributions.py.

Written from the docstrings of ``exercises/distributions.py`` only.
"""
from __future__ import annotations

import math

import torch
from transformers import PreTrainedModel


# ---------------------------------------------------------------------------------------
# next_token_logits
# ---------------------------------------------------------------------------------------


def next_token_logits__right_inference_mode_narrow(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """RIGHT: runs under ``torch.inference_mode()`` with ``use_cache=False``, picks the last
    position with ``narrow`` and clones it OUTSIDE inference mode, so the caller gets an
    ordinary tensor it may modify in place."""
    with torch.inference_mode():
        logits = model(input_ids=input_ids, use_cache=False).logits
    last = logits.narrow(1, logits.shape[1] - 1, 1).squeeze(1)
    return last.clone()


def next_token_logits__right_logits_to_keep(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """RIGHT: asks the model to compute the LM head for the last position only
    (``logits_to_keep=1``) and indexes that single position. (Equal to the full forward's
    last row up to float rounding, about 3e-6 on the tiny model.)"""
    with torch.no_grad():
        out = model(input_ids=input_ids, logits_to_keep=1)
    return out.logits[:, -1, :]


def next_token_logits__wrong_first_position(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """WRONG: reads position 0, the prediction after the first token. Violates:
    "``logits[:, 0]`` is the prediction after the *first* token ... The next token after the
    whole prompt is at index ``-1``."""
    with torch.no_grad():
        logits = model(input_ids=input_ids).logits
    return logits[:, 0, :]


def next_token_logits__wrong_squeeze_batch_of_one(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """WRONG: ``.squeeze()`` after taking the last position: right for batch >= 2 but a batch
    of one comes back as ``(vocab,)``. Violates: "returns: ``(batch, vocab)``" (the example's
    ``(1, 32000)``)."""
    with torch.no_grad():
        logits = model(input_ids=input_ids).logits
    return logits[:, -1, :].squeeze()


def next_token_logits__wrong_keeps_time_axis(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """WRONG: slices ``logits[:, -1:, :]`` and so keeps a time axis of length 1:
    ``(batch, 1, vocab)``. Violates: "returns: ``(batch, vocab)`` logits"."""
    with torch.no_grad():
        logits = model(input_ids=input_ids).logits
    return logits[:, -1:, :]


def next_token_logits__wrong_builds_graph(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """WRONG: runs the model with gradients on; the result carries a graph
    (``requires_grad=True``). Violates: "Also run the model without building a graph for
    gradients (``torch.no_grad()``)."""
    logits = model(input_ids=input_ids).logits
    return logits[:, -1, :]


def next_token_logits__wrong_casts_to_float32(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """WRONG: adds ``.float()`` "so the softmax is stable later": a float16/bfloat16 model
    gets float32 logits back. Violates: "returns: ``(batch, vocab)`` logits, the model's
    dtype, on the model's device."""
    with torch.no_grad():
        logits = model(input_ids=input_ids).logits
    return logits[:, -1, :].float()


# ---------------------------------------------------------------------------------------
# softmax_with_temperature
# ---------------------------------------------------------------------------------------


def softmax_with_temperature__right_logsumexp(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: ``exp(z - logsumexp(z))`` with ``z = logits / T`` instead of subtracting the
    maximum, computed in at least float32 and renormalised once more (in float32 the
    logsumexp of logits near 1e4 is off by up to ~5e-4, so without that last division rows
    would not sum to 1); cast back to the input dtype."""
    if isinstance(temperature, (str, bytes)):
        raise ValueError(f"temperature must be a number, got {temperature!r}")
    try:
        t = float(temperature)
    except (TypeError, ValueError):
        raise ValueError(f"temperature must be a number, got {temperature!r}") from None
    if not math.isfinite(t) or t <= 0:
        raise ValueError(
            f"temperature must be a finite number > 0, got {temperature!r} "
            "(temperature 0 is greedy decoding: use argmax)"
        )
    wide = torch.promote_types(logits.dtype, torch.float32)
    z = logits.to(wide) / t
    p = torch.exp(z - torch.logsumexp(z, dim=-1, keepdim=True))
    p = p / p.sum(dim=-1, keepdim=True)
    return p.to(logits.dtype)


def softmax_with_temperature__right_float64_cast_back(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: computes in float64 (subtract max, exp, divide by the row sum) and casts the
    probabilities back to the input dtype, which also keeps float16 logits / small T
    finite."""
    if isinstance(temperature, (str, bytes)):
        raise ValueError(f"temperature must be a number, got the string {temperature!r}")
    try:
        t = float(temperature)
    except (TypeError, ValueError):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}") from None
    if t != t or t == math.inf or t <= 0:
        raise ValueError(f"temperature must be a finite number > 0 (0 means greedy), got {temperature!r}")
    z = logits.to(torch.float64) / t
    z = z - z.amax(dim=-1, keepdim=True)
    e = torch.exp(z)
    return (e / e.sum(dim=-1, keepdim=True)).to(logits.dtype)


def softmax_with_temperature__wrong_multiplies(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: multiplies the logits by T. Same at T = 1, opposite effect elsewhere.
    Violates: "And divide by ``T``; multiplying does the opposite of what you want."""
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError("temperature must be a finite number > 0")
    z = logits * temperature
    z = z - z.amax(dim=-1, keepdim=True)
    e = torch.exp(z)
    return e / e.sum(dim=-1, keepdim=True)


def softmax_with_temperature__wrong_no_max_shift(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: plain ``exp(z) / sum(exp(z))`` without subtracting the maximum: ``1e4``
    overflows to ``inf`` and the row turns into ``nan``. Violates: "Logits as large as
    ``±1e4`` must give no ``nan`` or ``inf``."""
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError("temperature must be a finite number > 0")
    e = torch.exp(logits / temperature)
    return e / e.sum(dim=-1, keepdim=True)


def softmax_with_temperature__wrong_zero_temperature_allowed(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: only rejects NEGATIVE temperatures; T = 0 divides by zero and returns ``nan``
    instead of raising. Violates: "A temperature that is not a finite number greater than 0
    raises ``ValueError``"."""
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    z = logits / temperature
    z = z - z.amax(dim=-1, keepdim=True)
    e = torch.exp(z)
    return e / e.sum(dim=-1, keepdim=True)


def softmax_with_temperature__wrong_nan_inf_temperature_accepted(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: checks ``temperature <= 0`` only: ``nan`` slips through (``nan <= 0`` is False)
    and returns ``nan``s, ``inf`` returns a uniform row. Violates: "A temperature that is not
    a finite number greater than 0 raises ``ValueError``"."""
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    z = logits / temperature
    z = z - z.amax(dim=-1, keepdim=True)
    e = torch.exp(z)
    return e / e.sum(dim=-1, keepdim=True)


def softmax_with_temperature__wrong_softmax_dim0(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: ``torch.softmax(z, dim=0)``: identical for a 1-D vector (the worked example),
    but normalises over the batch axis for ``(batch, vocab)``. Violates: "over the last
    axis" / "every row (last axis) sums to 1"."""
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError("temperature must be a finite number > 0")
    return torch.softmax(logits / temperature, dim=0)


def softmax_with_temperature__wrong_global_max(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: subtracts the maximum of the WHOLE tensor instead of each row's: a row far
    below the global maximum underflows to all zeros and becomes ``0/0 = nan``.
    Violates: "Subtract each row's maximum before ``exp``"."""
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError("temperature must be a finite number > 0")
    z = logits / temperature
    e = torch.exp(z - z.max())
    return e / e.sum(dim=-1, keepdim=True)


def softmax_with_temperature__wrong_logsumexp_float32(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: ``exp(z - logsumexp(z))`` with ``z = logits / T`` in the logits' own dtype.
    Written by the independent author as WRONG (for logits around ±1e4 a row sums to
    1 ± 5e-4); reclassified RIGHT by the project, since float32 cannot represent 1e4 more
    finely than ~1e-3 (the rounding rule of grading/harness/compare.py's softmax tolerance);
    and WRONG again once the docstring said that half-precision logits are computed in
    float32: float16 logits of ±1e4 at T = 0.1 divide to inf, and the result is nan.
    Violates: "Logits as large as ±1e4 must give no nan or inf, float16 ones at T = 0.1
    included". Its check of the temperature was completed (non-numbers raise ValueError)
    while it was RIGHT."""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError("temperature must be a finite number > 0")
    z = logits / temperature
    return torch.exp(z - torch.logsumexp(z, dim=-1, keepdim=True))
