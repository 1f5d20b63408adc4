"""Fifteenth examiner: distributions.py entries."""
from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING

import numpy as np
import torch

if TYPE_CHECKING:  # for the type hints only
    from transformers import PreTrainedModel


def next_token_logits__wrong_truncates_to_context_window(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """WRONG: "keeps the prompt inside the model's context", as GPT-2 tutorials do (GPT-2's learned positions end at 1024): feeds only the last ``model.config.max_position_embeddings`` ids. Mistral's rotary positions have no such end, so for a prompt longer than that the model's own prediction after the whole sequence is not what comes back; and a toy model with no ``config`` raises ``AttributeError``. Right for every prompt within the window (the worked example, every short batch), under ``torch.no_grad()``, at index ``-1``. Violates: "Return the model's logits for the token that comes after each sequence." (and "Use only that (not ``output_hidden_states`` or ``lm_head``, which a toy model does not have).") [witness: the tiny model (``max_position_embeddings = 512``) and ``tokenizer("The capital of Japan is Tokyo. " * 80, return_tensors="pt").input_ids`` (562 ids): the full forward's last row expected, a row up to about 0.55 away returned (same argmax there); any toy model without ``.config``: a row expected, ``AttributeError``]"""
    window = model.config.max_position_embeddings
    with torch.no_grad():
        output = model(input_ids=input_ids[:, -window:])
    return output.logits[:, -1]


def next_token_logits__right_moves_ids_to_model_device(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """RIGHT (written as WRONG by the examiner; the project decided otherwise, see the README): the habit of every transformers tutorial, ``input_ids.to(model.device)`` before the call. The docstring says the ids are "already on ``model.device``", so a model the exercise is given has ``.device`` (a transformers model does, and so does the grader's toy ``BigramModel``), and moving ids to where they already are changes nothing. The examiner's witness, a plain ``torch.nn.Module`` without ``.device``, is not a model this exercise is given."""
    with torch.no_grad():
        output = model(input_ids=input_ids.to(model.device))
    return output.logits[:, -1]


def next_token_logits__wrong_autocast_for_speed(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """WRONG: runs the forward pass under ``torch.autocast(device_type=input_ids.device.type)`` "for speed", as training scripts do. On a CPU (bfloat16 autocast) or a GPU (float16) every linear layer then computes in half precision, so a float32 model's logits come back as bfloat16/float16 and rounded: the shape, the device, the absence of a graph and the example's argmax (``▁Tokyo``) are right, the dtype and the values are not. Violates: "returns: ``(batch, vocab)`` logits, the model's dtype, on the model's device." [witness: the tiny model (float32) and the worked example's ids: float32 expected, ``torch.bfloat16`` returned, values up to about 0.07 from the float32 row]"""
    with torch.no_grad(), torch.autocast(device_type=input_ids.device.type):
        output = model(input_ids=input_ids)
    return output.logits[:, -1]


def softmax_with_temperature__right_numpy_float64_round_trip(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: the arithmetic is done in NumPy, in float64, on a detached CPU copy (converted to float64 by torch first, so bfloat16, which NumPy lacks, works too): divide by ``T``, subtract each row's maximum, ``np.exp``, divide by the row sums (``keepdims=True``); the result goes back with ``torch.from_numpy`` to the logits' dtype and device. More precise than float32 (the docstring allows float64 arithmetic), ``-inf`` gives exactly 0, float16 ``±1e4`` at ``T = 0.1`` stays finite. The temperature is checked first (a real number, not a bool, finite, > 0)."""
    if (
        isinstance(temperature, bool)
        or not isinstance(temperature, numbers.Real)
        or not math.isfinite(temperature)
        or temperature <= 0
    ):
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    scaled = logits.detach().to(device="cpu", dtype=torch.float64).numpy() / float(temperature)
    scaled = scaled - scaled.max(axis=-1, keepdims=True)
    weights = np.exp(scaled)
    probabilities = weights / weights.sum(axis=-1, keepdims=True)
    return torch.from_numpy(probabilities).to(device=logits.device, dtype=logits.dtype)
