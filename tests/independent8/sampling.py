"""Eighth examiner: sampling.py entries."""
from __future__ import annotations

import math
import numbers

import torch


def _sample_generate__right_probability_space_renormalise_nucleus(probs: torch.Tensor, p: float) -> torch.Tensor:
    ranked, order = torch.sort(probs, dim=-1, descending=True)
    keep_ranked = (torch.cumsum(ranked, dim=-1) - ranked) < p
    keep_ranked[..., 0] = True
    return torch.zeros_like(keep_ranked).scatter(-1, order, keep_ranked)


def _sample_generate__wrong_eos_from_config_nucleus(probs: torch.Tensor, p: float) -> torch.Tensor:
    ranked, order = torch.sort(probs, dim=-1, descending=True)
    keep_ranked = (torch.cumsum(ranked, dim=-1) - ranked) < p
    keep_ranked[..., 0] = True
    return torch.zeros_like(keep_ranked).scatter(-1, order, keep_ranked)


def _sample_generate__wrong_none_makes_fresh_generator_nucleus(probs: torch.Tensor, p: float) -> torch.Tensor:
    ranked, order = torch.sort(probs, dim=-1, descending=True)
    keep_ranked = (torch.cumsum(ranked, dim=-1) - ranked) < p
    keep_ranked[..., 0] = True
    return torch.zeros_like(keep_ranked).scatter(-1, order, keep_ranked)


def _sample_generate__wrong_eos_from_config_check(temperature, top_k, top_p) -> None:
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) \
            or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if isinstance(top_p, bool) or not isinstance(top_p, numbers.Real) or math.isnan(top_p) \
            or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")


def _sample_generate__wrong_none_makes_fresh_generator_check(temperature, top_k, top_p) -> None:
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) \
            or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if isinstance(top_p, bool) or not isinstance(top_p, numbers.Real) or math.isnan(top_p) \
            or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")


def sample_generate__right_probability_space_renormalise(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: after the float32 cast and the temperature it leaves logit space at once: one
    softmax, then top-k ZEROES the probabilities of the logits below the k-th largest (the
    decision is taken on the logits, ties kept) and renormalises by the row sum, top-p is
    decided on those renormalised probabilities and zeroes the rest, and ``multinomial`` draws
    from the zeroed (not re-softmaxed) row — the docstring's "Zeroing the probabilities ...
    draws the same tokens, up to rounding in the last bit"; tokens are collected in a Python
    list and joined once at the end."""
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) \
            or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if isinstance(top_p, bool) or not isinstance(top_p, numbers.Real) or math.isnan(top_p) \
            or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")
    pieces = [input_ids]
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            probs = torch.softmax(logits, dim=-1)
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[..., -1:]
                probs = torch.where(logits >= kth, probs, torch.zeros_like(probs))
                probs = probs / probs.sum(dim=-1, keepdim=True)
            if top_p != 1.0:
                keep = _sample_generate__right_probability_space_renormalise_nucleus(probs, top_p)
                probs = torch.where(keep, probs, torch.zeros_like(probs))
            token = torch.multinomial(probs, num_samples=1, generator=generator)
            pieces.append(token)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and token.item() == eos_token_id:
                break
    return torch.cat(pieces, dim=-1)


def sample_generate__wrong_eos_from_config(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: "like generate", ``eos_token_id=None`` falls back to
    ``model.generation_config.eos_token_id``, so it stops at the model's ``</s>`` although
    no stop was asked for. Every run given an explicit ``eos_token_id``, and every run whose
    tokens never hit the configured eos, is exactly right. Violates: "``eos_token_id=None``
    means no early stop; as in the greedy exercise, nothing is read from the model's
    configuration (``generate`` would fall back to it)." [tiny model (its
    ``generation_config.eos_token_id`` is 2), "The capital of Japan is", 30 new tokens,
    ``temperature=0.2``, seed 0, ``eos_token_id=None``: stops right after the first ``</s>``;
    the reference goes on to 30 tokens]"""
    _sample_generate__wrong_eos_from_config_check(temperature, top_k, top_p)
    if eos_token_id is None:
        eos_token_id = getattr(getattr(model, "generation_config", None), "eos_token_id", None)
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            if top_p != 1.0:
                keep = _sample_generate__wrong_eos_from_config_nucleus(torch.softmax(logits, dim=-1), top_p)
                logits = logits.masked_fill(~keep, float("-inf"))
            token = torch.multinomial(torch.softmax(logits, dim=-1), num_samples=1, generator=generator)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and token.item() == eos_token_id:
                break
    return ids


def sample_generate__wrong_none_makes_fresh_generator(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: "to always have a generator" it replaces ``None`` with a fresh
    ``torch.Generator(device=input_ids.device)``. A fresh generator starts from torch's fixed
    default seed, so with ``generator=None`` every call draws the same tokens whatever
    ``torch.manual_seed`` said, and the global RNG is never used. Every call given a
    generator is exactly right. Violates: "generator: a ``torch.Generator`` on the model's
    device, or None for the global one." [``torch.manual_seed(s)`` then
    ``sample_generate(model, ids, 10)`` for "Once upon a time,": the reference's tokens
    differ between ``s = 1`` and ``s = 2`` and equal this one's for neither in general;
    this version returns the same ids for every ``s``]"""
    _sample_generate__wrong_none_makes_fresh_generator_check(temperature, top_k, top_p)
    if generator is None:
        generator = torch.Generator(device=input_ids.device)
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            if top_p != 1.0:
                keep = _sample_generate__wrong_none_makes_fresh_generator_nucleus(
                    torch.softmax(logits, dim=-1), top_p
                )
                logits = logits.masked_fill(~keep, float("-inf"))
            token = torch.multinomial(torch.softmax(logits, dim=-1), num_samples=1, generator=generator)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and token.item() == eos_token_id:
                break
    return ids
