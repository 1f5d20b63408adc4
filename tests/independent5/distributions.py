"""Independent catalogue, fifth examiner: submissions for exercises/distributions.py.

Written from the docstrings of ``exercises/distributions.py`` only, avoiding every mistake
and every style already in rounds 1 to 4 (``tests/independent*/distributions.py``).
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


def next_token_logits__wrong_generate_one_step_logits(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """WRONG: asks ``model.generate`` for one greedy step with ``output_logits=True`` and
    returns that step's logits. ``generate`` hands them back converted to float32 (and needs a
    model with ``generate`` and a ``generation_config``). Violates: "returns: ``(batch, vocab)``
    logits, the model's dtype, on the model's device." [the tiny model cast to bfloat16:
    float32 comes back]"""
    with torch.no_grad():
        out = model.generate(
            input_ids,
            attention_mask=torch.ones_like(input_ids),
            max_new_tokens=1,
            do_sample=False,
            output_logits=True,
            return_dict_in_generate=True,
            pad_token_id=0,
        )
    return out.logits[0]


# ---------------------------------------------------------------------------------------
# softmax_with_temperature
# ---------------------------------------------------------------------------------------


def softmax_with_temperature__wrong_upcasts_float16_only(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """WRONG: knows that float16 overflows (``1e4 / 0.1``) and converts only ``float16`` to
    float32; ``bfloat16`` has float32's range, so it is divided and soft-maxed in bfloat16,
    and ``z / T`` is rounded to 8 bits of mantissa before ``exp``. Violates: "Half-precision
    logits (``float16`` or ``bfloat16``: ...) are computed in float32, as ``generate()``
    does" [bfloat16 ``[10, 0, 3, 9.7]``, T = 0.3: ``[0.7305, ..., 0.2695]`` instead of
    ``[0.7383, ..., 0.2617]``]"""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    work = logits.to(torch.float32) if logits.dtype == torch.float16 else logits
    scaled = work / temperature
    scaled = scaled - scaled.amax(dim=-1, keepdim=True)
    e = torch.exp(scaled)
    return (e / e.sum(dim=-1, keepdim=True)).to(logits.dtype)
