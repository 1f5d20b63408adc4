"""Seventeenth examiner: distributions.py entries."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def next_token_logits__right_passes_attention_mask(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """RIGHT (written as WRONG by the examiner; the project decided otherwise, see the README): the model is called with an all-ones ``attention_mask`` besides the ids, the habit of Hugging Face examples. A mask of ones changes nothing, every model the exercise is given takes it (a transformers model, and the grader's toy ``BigramModel``, which takes the keywords a transformers model takes), and "Use only that" names attributes a toy model lacks, not keywords that leave the call as it was."""
    with torch.no_grad():
        out = model(input_ids=input_ids, attention_mask=torch.ones_like(input_ids))
    return out.logits[:, -1, :]


def softmax_with_temperature__right_python_fsum_rows(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: pure Python over ``tolist()``. The temperature is checked first: a ``str``/``bytes`` or anything ``float()`` rejects raises ``ValueError``, and so does a value that is not finite or not greater than 0; the message names the value and says it must be a finite number greater than 0 (an int temperature is a number and is accepted). Each row of ``logits.reshape(-1, vocab)`` is divided by ``T`` in float64 (Python floats; exact copies of float16/bfloat16/float32 values), its maximum subtracted, ``math.exp`` taken (a ``-inf`` logit gives exactly 0.0, nothing overflows) and the row divided by its ``math.fsum`` (exactly rounded sum). The nested list becomes ``torch.tensor(..., dtype=logits.dtype, device=logits.device)`` reshaped to ``logits.shape``: one rounding from float64 to the logits' dtype, which is more precise than the float32 route the docstring describes and within its allowance."""
    if isinstance(temperature, (str, bytes, bytearray)):
        raise ValueError(f"temperature must be a finite number greater than 0, got the string {temperature!r}")
    try:
        t = float(temperature)
    except (TypeError, ValueError):
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}") from None
    if not (math.isfinite(t) and t > 0):
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    shape = logits.shape
    vocab = shape[-1]
    out = []
    for row in logits.reshape(-1, vocab).tolist():
        scaled = [x / t for x in row]
        top = max(scaled)
        weights = [math.exp(z - top) for z in scaled]
        total = math.fsum(weights)
        out.append([w / total for w in weights])
    return torch.tensor(out, dtype=logits.dtype, device=logits.device).reshape(shape)
