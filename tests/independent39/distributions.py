"""Thirty-ninth examiner: distributions.py entries (the learner who writes for the GPU and Mistral-7B)."""
from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def next_token_logits__wrong_ids_to_first_parameter_device(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """WRONG: the device habit of ``device_map="auto"`` notebooks: ``input_ids.to(next(model.parameters()).device, non_blocking=True)`` ("the ids must sit where the weights are"), then ``torch.no_grad()`` and ``logits[:, -1, :]``. On the tiny model (and on Mistral-7B) it is right. The grader's toy ``BigramModel`` keeps its table as a buffer and has NO parameters (``list(toy.parameters()) == []``), so ``next(...)`` raises ``StopIteration`` before the model runs. Violates: "``model`` is a torch module (``torch.nn.Module``) whose call ``model(input_ids=ids)`` returns an output with ``.logits`` of shape ``(batch, T, vocab)``: a transformers model, or a toy model of the grader's. Calling it or its ``forward`` gives the same output. Use only that" [witness: ``BigramModel(torch.tensor([[0., 1., 2.], [2., 0., 1.], [1., 2., 0.]]))``, ids ``[[0, 1]]``: raises ``StopIteration()``; plain returns ``[[2.0, 0.0, 1.0]]``. Worked example: "The capital of Japan is" on the tiny model gives ``(1, 32000)``, argmax 19887 (``▁Tokyo``), equal to plain, no graph (checks/check_entries.log).]"""
    device = next(model.parameters()).device  # "where the 4-bit weights live (device_map='auto')"
    with torch.no_grad():
        out = model(input_ids=input_ids.to(device, non_blocking=True))
    return out.logits[:, -1, :]


def next_token_logits__right_device_from_buffers_and_model_dtype(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """RIGHT: the same device habit written so it survives any module: the device is that of the first parameter OR buffer (``itertools.chain(model.parameters(), model.buffers())``; the toy's table is a buffer), falling back to ``input_ids.device``; the ids moved there with ``non_blocking=True`` (a no-op where they already are, as the docstring promises); ``torch.no_grad()``; the last position cast with ``.to(dtype=model.dtype)``, which the docstring itself names as the result's dtype and which is the logits' own dtype on every model here (a no-op). Agrees with a plain version on: the tiny model with "The capital of Japan is" ``(1, 32000)``, a ``(2, 6)`` batch, the BOS alone ``[[1]]`` and a 24-token prompt; the parameterless float32 toy ``(1, 3)``; a bfloat16 toy ``(2, 7)`` (result bfloat16) -- 6 inputs, ``torch.equal`` and the same dtype, no graph (checks/check_entries.log)."""
    first = next(itertools.chain(model.parameters(), model.buffers()), None)
    device = first.device if first is not None else input_ids.device
    with torch.no_grad():
        out = model(input_ids=input_ids.to(device, non_blocking=True))
    return out.logits[:, -1, :].to(dtype=model.dtype)


def softmax_with_temperature__right_autocast_disabled_promoted(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: GPU-minded: a caller's notebook may run inside ``torch.autocast``, so the work is done in a block that turns autocast OFF (``torch.autocast(device_type=logits.device.type, enabled=False)``), on ``logits.to(torch.promote_types(logits.dtype, torch.float32))`` -- float16/bfloat16 widened to float32 exactly (as the docstring asks), float32 unchanged, float64 kept in float64 -- divided by ``T`` and passed to ``torch.softmax`` (which subtracts the row maximum itself), then cast back to the logits' dtype. The temperature check rejects non-numbers, ``bool``, 0, negatives, ``nan``, ``inf`` with the reason. Agrees with a plain version on: float32 ``(3, 4, 50)`` at T 0.7 (max diff 1.19e-07), float16 ``[[1e4, -1e4, 3], [0, 1, 2]]`` at T 0.1 (0), the tiny model's logits in bfloat16 at T 1.4 (1.19e-07) and float32 at T 1 (2.38e-07), float64 at T 0.2 (5.55e-17), ``-inf`` rows at T 3 (0), a transposed non-contiguous batch at T 2 (1.49e-08), and inside a caller's ``torch.autocast("cpu", dtype=torch.bfloat16)`` (float32 result, 2.38e-07); the worked examples ``[0.6652, 0.2447, 0.0900]`` and 0.866813 at T 0.5 (checks/check_entries.log)."""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    with torch.autocast(device_type=logits.device.type, enabled=False):
        work = logits.to(torch.promote_types(logits.dtype, torch.float32))
        probs = torch.softmax(work / temperature, dim=-1)
    return probs.to(logits.dtype)
