"""Independent catalogue, round 3: submissions for exercises/distributions.py.

Written from the docstrings of ``exercises/distributions.py`` only, avoiding every mistake
and every style already in rounds 1 and 2 (``tests/independent/distributions.py``,
``tests/independent2/distributions.py``).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


# ---------------------------------------------------------------------------------------
# next_token_logits
# ---------------------------------------------------------------------------------------


def next_token_logits__wrong_detach_after_forward(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """WRONG: runs the model with gradients enabled and ``.detach()``es the result: the
    returned tensor has no ``grad_fn``, but the whole graph (every activation of every
    layer) was built and kept during the forward pass. Violates: "Also run the model without
    building a graph for gradients (``torch.no_grad()``)." [a forward hook on any layer
    sees ``torch.is_grad_enabled() == True`` and an output with ``requires_grad``]"""
    logits = model(input_ids=input_ids).logits
    return logits[:, -1, :].detach()


def next_token_logits__wrong_trailing_eos_as_padding(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """WRONG: "handles padding": takes each row's last position that is NOT the eos id
    (``</s>``, often used as the pad token), so a sequence that really ends with ``</s>``
    gets the prediction made before it. Violates: "Return the model's logits for the token
    that comes after each sequence." / "The next token after the whole prompt is at index
    ``-1``." [``[[1, 415, 5565, 2]]``]"""
    eos = getattr(model.config, "eos_token_id", None)
    if isinstance(eos, (list, tuple)):
        eos = eos[0] if eos else None
    with torch.no_grad():
        logits = model(input_ids=input_ids).logits
    if eos is None:
        return logits[:, -1, :]
    real = input_ids != eos
    positions = torch.arange(input_ids.shape[1], device=input_ids.device).expand_as(input_ids)
    last = torch.where(real, positions, torch.zeros_like(positions)).amax(dim=1)
    return logits[torch.arange(input_ids.shape[0], device=logits.device), last]


def next_token_logits__right_grad_mode_index_select(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """RIGHT: ``torch.set_grad_enabled(False)`` as the context manager, and the last
    position taken with ``index_select`` on the time axis plus ``squeeze(1)`` (a copy, not a
    view of the full logits)."""
    with torch.set_grad_enabled(False):
        logits = model(input_ids=input_ids, use_cache=False).logits
        last = torch.tensor([logits.shape[1] - 1], device=logits.device)
        return logits.index_select(1, last).squeeze(1)


# ---------------------------------------------------------------------------------------
# softmax_with_temperature
# ---------------------------------------------------------------------------------------


def softmax_with_temperature__wrong_floors_small_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: rejects ``T <= 0`` correctly but then "protects against blow-ups" by using
    ``max(T, 0.01)``, so a small positive temperature is silently raised. Violates:
    "``p_i = exp(z_i / T) / sum_j exp(z_j / T)`` over the last axis." [``[0.01, 0.0]``,
    ``T = 0.001`` -> ``[0.99995, 0.0000454]``, not ``[0.731, 0.269]``]"""
    if not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    t = max(float(temperature), 0.01)
    z = logits / t
    z = z - z.amax(dim=-1, keepdim=True)
    e = z.exp()
    return e / e.sum(dim=-1, keepdim=True)


def softmax_with_temperature__wrong_none_temperature_typeerror(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: validates with comparisons only (``temperature <= 0 or temperature != temperature
    or temperature == inf``), which is right for every float but lets a value that is not a
    number at all, such as ``None`` or ``"hot"``, fail with ``TypeError`` instead of the
    ``ValueError`` the docstring promises. Violates: "A temperature that is not a finite
    number greater than 0 raises ``ValueError`` with a message that says why."
    [``temperature=None``]"""
    if temperature <= 0 or temperature != temperature or temperature == float("inf"):
        raise ValueError(f"temperature must be finite and > 0, got {temperature}")
    return torch.softmax(logits / temperature, dim=-1)


def softmax_with_temperature__wrong_sum_without_dim(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: subtracts each row's max (keepdim, right) but normalises with ``e.sum()`` --
    no ``dim`` -- so a batch is divided by the total of ALL rows. Violates: "every row (last
    axis) sums to 1" [shape ``(2, 3)``: each row sums to 0.5]"""
    if not (isinstance(temperature, (int, float)) and math.isfinite(temperature) and temperature > 0):
        raise ValueError("temperature must be a finite number greater than 0")
    z = logits / temperature
    e = torch.exp(z - z.max(dim=-1, keepdim=True).values)
    return e / e.sum()


def softmax_with_temperature__wrong_categorical_probs_takes_a_string(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG (written as RIGHT by the examiner, reclassified by the project: see README.md):
    ``float()`` turns the string ``'1.0'`` into a number, so a string is accepted. Violates: "A
    temperature that is not a finite number greater than 0 raises ``ValueError``" [``'1.0'``]

    The examiner's note. RIGHT: lets ``torch.distributions.Categorical(logits=z / T)`` do the normalising (it
    subtracts ``logsumexp``; ``.probs`` is the softmax); validation through ``float()`` so
    any real number type works."""
    try:
        t = float(temperature)
    except (TypeError, ValueError):
        raise ValueError(f"temperature must be a number, got {temperature!r}") from None
    if not math.isfinite(t) or t <= 0:
        raise ValueError(f"temperature must be finite and greater than 0 (0 is greedy: use argmax), got {t}")
    dist = torch.distributions.Categorical(logits=logits / t, validate_args=False)
    return dist.probs.to(logits.dtype)
