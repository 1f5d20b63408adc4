"""Forty-second examiner: distributions.py entries (the learner who learnt it all on GPT-2)."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def next_token_logits__wrong_pad_is_eos_attention_mask(model: PreTrainedModel, input_ids: torch.Tensor) -> torch.Tensor:
    """WRONG: the GPT-2 batching habit ``tokenizer.pad_token = tokenizer.eos_token``: "a batch of prompts is padded, and GPT-2 pads with its end-of-text token, so mask it out": the pad id is ``model.config.pad_token_id``, or, when that is ``None`` (GPT-2's, and Mistral's), ``model.config.eos_token_id``; the model is called with ``attention_mask = (input_ids != pad_id)`` under ``torch.no_grad()`` and the last position is returned. The tiny model's config has ``pad_token_id = null`` and ``eos_token_id = 2``, so every ``</s>`` in the ids is hidden from attention; the toy's config names no eos, so it gets no mask. No example holds a ``</s>``, so all pass; but a ``</s>`` inside a prompt is the text's own token (two documents packed ``<s> A </s><s> B``, a chat turn ended by ``</s>``), not padding, and the model's logits for that sequence read it. Violates: "your result is its last position" (of ``model(input_ids=ids).logits``; "Use only that") [witness: tiny model, ids of ``"Hello world"`` + ``[2]`` + ``"The capital of Japan is"`` (with the ``<s>`` of each) (ids ``[1, 22557, 1526, 2, 1, 415, 5565, 302, 4720, 349]``) -> last-position logits that differ from plain's by up to 1.026 (both argmaxes ▁Tokyo, 19887). Passes: the worked example ``(1, 32000)``, argmax ▁Tokyo, equal to plain; a ``(2, 6)`` batch without id 2; the float32 and bfloat16 toys (their configs have no eos); no grad graph (checks/check_entries.log).]"""
    cfg = getattr(model, "config", None)
    pad_id = getattr(cfg, "pad_token_id", None)
    if pad_id is None:
        pad_id = getattr(cfg, "eos_token_id", None)  # GPT-2: pad_token = eos_token
    kwargs = {}
    if isinstance(pad_id, int):
        kwargs["attention_mask"] = (input_ids != pad_id).long()
    with torch.no_grad():
        return model(input_ids=input_ids, **kwargs).logits[:, -1, :]


def softmax_with_temperature__right_makemore_backprop_ninja_steps(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """RIGHT: the softmax broken into the named steps of Karpathy's makemore part 4 ("becoming a backprop ninja"): ``logit_maxes = logits.max(-1, keepdim=True).values``, ``norm_logits = logits - logit_maxes``, ``counts = norm_logits.exp()``, ``counts_sum = counts.sum(-1, keepdim=True)``, ``counts_sum_inv = counts_sum**-1``, ``probs = counts * counts_sum_inv`` -- with the docstring's details added: the temperature checked first (a ``ValueError`` that says it must be a finite number greater than 0; a string or ``None`` refused with it), the logits widened to float32 (float64 kept) BEFORE dividing by ``T``, ``dim=-1`` for any leading axes (the lecture's ``1`` is only right for 2-D), the result cast back to the logits' dtype. A ``-inf`` logit becomes ``exp(-inf) = 0`` exactly; ``±1e4`` stays finite. Multiplying by the reciprocal differs from dividing by at most a unit in the last place. Agrees with a plain version on: ``[2.0, 1.0, 0.0]`` at T 1 and 0.5 (``0.6652, 0.2447, 0.0900``; ``0.8668``), ``±1e4`` float32 and float16 at T 0.1, a ``-inf`` logit, a ``(2, 3, 7)`` random batch, bfloat16 and float64 rows, the tiny model's 32000 logits at T 0.4/1.0/1.6, and 5 ``ValueError``s (checks/check_entries.log)."""
    if isinstance(temperature, (str, bytes)) or temperature is None:
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    t = float(temperature)
    if not (math.isfinite(t) and t > 0):
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r} (0 would be greedy: use argmax)")
    work = logits.double() if logits.dtype == torch.float64 else logits.float()
    work = work / t
    logit_maxes = work.max(-1, keepdim=True).values
    norm_logits = work - logit_maxes
    counts = norm_logits.exp()
    counts_sum = counts.sum(-1, keepdim=True)
    counts_sum_inv = counts_sum**-1
    probs = counts * counts_sum_inv
    return probs.to(logits.dtype)
