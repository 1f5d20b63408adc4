"""Twenty-sixth examiner: decoding.py entries (it works on the bundled model)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def greedy_generate__wrong_cache_gated_on_config_use_cache(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: does the KV-cache bonus "only where the model says it supports a cache": ``if model.config.use_cache:`` the prompt is run once with ``use_cache=True`` and then only the newest token is fed with ``cache=out.cache``; otherwise the whole sequence is run each step. Every step is the docstring's (last position, ``argmax``, append, stop after the eos). The tiny model's ``config.json`` says ``"use_cache": true``, so on it this is the bonus loop and gives the plain tokens; but ``use_cache`` is a config attribute only some models have: the graders' toy ``BigramModel`` answers every call a loop makes, ``cache=`` included, yet its ``config`` has no ``use_cache`` and reading it raises ``AttributeError``. Violates: "returns: ``(1, T + n)`` int64 on the same device: the prompt, unchanged, followed by the ``n`` new tokens (``n <= max_new_tokens``)." [witness: the toy ``BigramModel`` of 4 ids with rows ``[0, 3, 1, 1]``, ``[0, 0, 5, 1]``, ``[4, 1, 0, 2]``, ``[1, 1, 1, 6]``, prompt ``[[1]]``, ``max_new_tokens=5``, ``eos_token_id=0``: WRONG raises ``AttributeError: 'PreTrainedConfig' object has no attribute 'use_cache'``, plain returns ``[[1, 2, 0]]``. On the tiny model WRONG equals plain in 48 of 48 cases (4 prompts x ``max_new_tokens`` 0/1/5/12 x eos None/2/28723), and also on a copy whose ``config.use_cache`` is False.]"""
    use_cache = model.config.use_cache
    ids = input_ids
    with torch.no_grad():
        if use_cache:
            if max_new_tokens <= 0:
                return ids
            out = model(input_ids=ids, use_cache=True)
            for step in range(max_new_tokens):
                next_token = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
                ids = torch.cat([ids, next_token], dim=1)
                if eos_token_id is not None and next_token.item() == eos_token_id:
                    break
                if step + 1 < max_new_tokens:
                    out = model(input_ids=next_token, cache=out.cache, use_cache=True)
        else:
            for _ in range(max_new_tokens):
                next_token = model(input_ids=ids).logits[:, -1, :].argmax(dim=-1, keepdim=True)
                ids = torch.cat([ids, next_token], dim=1)
                if eos_token_id is not None and next_token.item() == eos_token_id:
                    break
    return ids


def greedy_generate__wrong_new_token_built_on_cpu(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: takes the next id as a Python int (``int(logits[0, -1].argmax())``, the lowest id among ties) and appends it as ``torch.tensor([[next_id]])`` -- a new tensor built with no ``device=``, so on the CPU. The tiny model runs on the CPU, where that is the prompt's device, and int64 is ``torch.tensor``'s default for ints, so every worked example and every CPU test passes. With a model on a GPU (the 4-bit Mistral-7B of the workshops) the prompt is on ``cuda:0`` and ``torch.cat`` of a CUDA and a CPU tensor raises ``RuntimeError`` at the first step. Witness needs CUDA. Violates: "returns: ``(1, T + n)`` int64 on the same device: the prompt, unchanged, followed by the ``n`` new tokens (``n <= max_new_tokens``)." [witness: needs CUDA, not run: this task drew no device machine. Measured here: ``torch.tensor([[5]]).device`` is ``cpu``, and on the CPU WRONG equals plain in 48 of 48 cases (4 prompts x ``max_new_tokens`` 0/1/5/12 x eos None/2/28723). Expected on a CUDA model (not measured): ``RuntimeError`` from ``torch.cat`` (tensors on two devices) at the first step, for any ``max_new_tokens >= 1``.]"""
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            next_id = int(model(input_ids=ids).logits[0, -1].argmax())
            ids = torch.cat([ids, torch.tensor([[next_id]])], dim=1)
            if eos_token_id is not None and next_id == eos_token_id:
                break
    return ids


def greedy_generate__right_first_max_via_amax_mask(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: no ``argmax`` of the logits and no new tensor from a Python list: each step marks the logits equal to the row maximum (``last == last.amax(-1, keepdim=True)``, exact in every dtype, so the ties a bfloat16 model produces are all marked), and the first marked id is ``mask.to(torch.uint8).argmax(-1)`` (the first of equal maxima, as ``torch.argmax`` documents). The new id is appended with ``ids.new_full((1, 1), next_id)``, which takes the prompt's dtype (int64) and device from ``ids`` itself, so it is portable to a GPU without naming a device. A grader that searches the loop for ``argmax(logits`` or ``torch.cat([ids, next_token])`` could mark it down. Agrees with a plain version on: the worked example (``(1, 7)`` ending in ``▁Tokyo``, 19887), ``max_new_tokens = 0``, eos as the first new token; 48 of 48 cases on the tiny model and 48 of 48 on a bfloat16 copy of it (prompts "The capital of Japan is" with and without ``<s>``, "Once upon a time,", "日本の首都は" x ``max_new_tokens`` 0/1/5/12 x eos None/2/28723), bit-equal; 45 of 45 cases on a toy ``BigramModel`` of 5 ids whose rows have tied maxima (lowest id chosen: from 0 it goes ``0, 1, 0, 1, ...``) in float32 and 45 of 45 with bfloat16 logits."""
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            last = model(input_ids=ids).logits[:, -1, :]
            at_max = last == last.amax(dim=-1, keepdim=True)
            next_id = int(at_max.to(torch.uint8).argmax(dim=-1)[0])
            ids = torch.cat([ids, ids.new_full((1, 1), next_id)], dim=1)
            if eos_token_id is not None and next_id == eos_token_id:
                break
    return ids
