"""Independent catalogue: submissions for exercises/sampling.py.

Written from the docstring of ``exercises/sampling.py`` only. Every version is self-contained
(the docstring says the module must stand alone).
"""
from __future__ import annotations

import math
import numbers

import torch
from transformers import DynamicCache


def sample_generate__right_kv_cache(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: the optional KV-cache route: a ``DynamicCache`` built up front, the prompt
    once, then one new token per step; validation up front (also rejects nan/inf and
    non-numbers); filtering with ``masked_fill`` on the float32 logits."""
    if isinstance(temperature, (str, bytes)):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    try:
        t = float(temperature)
    except (TypeError, ValueError):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}") from None
    if not math.isfinite(t) or t <= 0:
        raise ValueError(f"temperature must be a finite number > 0 (0 is greedy: use argmax), got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be >= 1 or None, got {top_k!r}")
    if isinstance(top_p, (str, bytes)):
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")
    try:
        tp = float(top_p)
    except (TypeError, ValueError):
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}") from None
    if not (0.0 <= tp <= 1.0):
        raise ValueError(f"top_p must be in [0, 1], got {top_p!r}")

    sequence = input_ids
    cache = DynamicCache(config=model.config)
    step_input = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            out = model(input_ids=step_input, cache=cache, use_cache=True)
            logits = out.logits[:, -1, :].float()
            logits = logits / t
            if top_k is not None and top_k < logits.shape[-1]:
                kth = torch.topk(logits, top_k, dim=-1).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            if tp != 1.0:
                sorted_logits, order = torch.sort(logits, dim=-1, descending=True)
                sorted_probs = torch.softmax(sorted_logits, dim=-1)
                above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
                drop_sorted = above >= tp
                drop_sorted[..., 0] = False
                drop = torch.zeros_like(drop_sorted).scatter(-1, order, drop_sorted)
                logits = logits.masked_fill(drop, float("-inf"))
            probs = torch.softmax(logits, dim=-1)
            next_token = torch.multinomial(probs, num_samples=1, generator=generator)
            sequence = torch.cat([sequence, next_token.to(sequence.dtype)], dim=1)
            if eos_token_id is not None and int(next_token[0, 0]) == eos_token_id:
                break
            step_input = next_token.to(sequence.dtype)
    return sequence


def sample_generate__right_recompute_kthvalue_zeroing(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: full recompute each step into a preallocated buffer; top-k threshold from
    ``torch.kthvalue``; top-p by ZEROING the probabilities outside the nucleus (the
    docstring's allowed alternative to a second softmax), nucleus found from an ascending
    sort."""
    bad_temperature = (
        not isinstance(temperature, numbers.Real)
        or temperature != temperature
        or temperature in (math.inf, -math.inf)
        or temperature <= 0
    )
    if bad_temperature:
        raise ValueError(f"temperature must be a finite number greater than 0, got {temperature!r}")
    if top_k is not None and not top_k >= 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if not isinstance(top_p, numbers.Real) or not (0 <= top_p <= 1):
        raise ValueError(f"top_p must lie in [0, 1], got {top_p!r}")

    prompt_len = input_ids.shape[1]
    buffer = input_ids.new_zeros((1, prompt_len + max(max_new_tokens, 0)))
    buffer[:, :prompt_len] = input_ids
    filled = prompt_len
    with torch.no_grad():
        while filled < buffer.shape[1]:
            logits = model(input_ids=buffer[:, :filled], use_cache=False).logits[:, -1, :]
            logits = logits.to(torch.float32) / temperature
            vocab = logits.shape[-1]
            if top_k is not None and top_k < vocab:
                kth = torch.kthvalue(logits, vocab - top_k + 1, dim=-1, keepdim=True).values
                logits = torch.where(logits < kth, torch.full_like(logits, -math.inf), logits)
            probs = torch.softmax(logits, dim=-1)
            if top_p != 1.0:
                ascending, order = torch.sort(probs, dim=-1)
                inclusive = torch.cumsum(ascending, dim=-1)
                keep_sorted = (inclusive[..., -1:] - inclusive) < top_p
                keep_sorted[..., -1] = True
                keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
                probs = torch.where(keep, probs, torch.zeros_like(probs))
            token = torch.multinomial(probs, 1, generator=generator)
            buffer[:, filled] = token[:, 0]
            filled += 1
            if eos_token_id is not None and int(token) == eos_token_id:
                break
    return buffer[:, :filled].clone()


def sample_generate__wrong_top_p_before_temperature(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: finds the nucleus on the model's own (temperature 1) distribution, then
    applies temperature and top-k. Same as right at temperature 1. Violates: "The order
    matters: top-p decides on the distribution AFTER temperature and top-k."""
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError("temperature must be a finite number > 0")
    if top_k is not None and top_k < 1:
        raise ValueError("top_k must be >= 1")
    if not (0 <= top_p <= 1):
        raise ValueError("top_p must be in [0, 1]")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float()
            if top_p != 1.0:
                sorted_probs, order = torch.sort(torch.softmax(logits, dim=-1), descending=True)
                above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
                remove_sorted = above >= top_p
                remove_sorted[..., 0] = False
                remove = remove_sorted.scatter(-1, order, remove_sorted)
                logits = logits.masked_fill(remove, float("-inf"))
            logits = logits / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1])).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            next_token = torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=generator)
            ids = torch.cat([ids, next_token], dim=1)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
    return ids


def sample_generate__wrong_top_p_ignores_top_k(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: computes the softmax for top-p BEFORE the top-k cut (both filters decided on
    the tempered distribution, then combined), so the survivors' mass does not sum to 1 and
    the nucleus comes out too large. Violates: "take the softmax of the logits as they are
    now (after top-k, so the survivors' probabilities sum to 1)"."""
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError("temperature must be a finite number > 0")
    if top_k is not None and top_k < 1:
        raise ValueError("top_k must be >= 1")
    if not (0 <= top_p <= 1):
        raise ValueError("top_p must be in [0, 1]")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            probs_before = torch.softmax(logits, dim=-1)
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1])).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            if top_p != 1.0:
                sorted_probs, order = torch.sort(probs_before, descending=True)
                above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
                remove_sorted = above >= top_p
                remove_sorted[..., 0] = False
                remove = remove_sorted.scatter(-1, order, remove_sorted)
                logits = logits.masked_fill(remove, float("-inf"))
            next_token = torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=generator)
            ids = torch.cat([ids, next_token], dim=1)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
    return ids


def sample_generate__wrong_ignores_generator(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: calls ``torch.multinomial(probs, 1)`` without the generator: random, but the
    seed has no effect. Violates: "Forgetting ``generator=generator`` in
    ``torch.multinomial``: the result is random but not repeatable."""
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError("temperature must be a finite number > 0")
    if top_k is not None and top_k < 1:
        raise ValueError("top_k must be >= 1")
    if not (0 <= top_p <= 1):
        raise ValueError("top_p must be in [0, 1]")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1])).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            if top_p != 1.0:
                sorted_probs, order = torch.sort(torch.softmax(logits, dim=-1), descending=True)
                above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
                remove_sorted = above >= top_p
                remove_sorted[..., 0] = False
                logits = logits.masked_fill(remove_sorted.scatter(-1, order, remove_sorted), float("-inf"))
            next_token = torch.multinomial(torch.softmax(logits, dim=-1), 1)
            ids = torch.cat([ids, next_token], dim=1)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
    return ids


def sample_generate__wrong_top_k_none_means_50(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: copies ``generate``'s default and replaces ``top_k=None`` by 50. Violates:
    "``top_k=None`` here means no top-k at all. (``generate`` itself quietly uses
    ``top_k=50`` unless you pass ``top_k=None``.)"."""
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError("temperature must be a finite number > 0")
    if top_k is None:
        top_k = 50
    if top_k < 1:
        raise ValueError("top_k must be >= 1")
    if not (0 <= top_p <= 1):
        raise ValueError("top_p must be in [0, 1]")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            kth = torch.topk(logits, min(top_k, logits.shape[-1])).values[..., -1:]
            logits = logits.masked_fill(logits < kth, float("-inf"))
            if top_p != 1.0:
                sorted_probs, order = torch.sort(torch.softmax(logits, dim=-1), descending=True)
                above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
                remove_sorted = above >= top_p
                remove_sorted[..., 0] = False
                logits = logits.masked_fill(remove_sorted.scatter(-1, order, remove_sorted), float("-inf"))
            next_token = torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=generator)
            ids = torch.cat([ids, next_token], dim=1)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
    return ids


def sample_generate__wrong_drops_eos(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: stops when the eos is drawn but does not append it. Violates: "Stop after
    appending ``eos_token_id`` (keep it in the output)"."""
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError("temperature must be a finite number > 0")
    if top_k is not None and top_k < 1:
        raise ValueError("top_k must be >= 1")
    if not (0 <= top_p <= 1):
        raise ValueError("top_p must be in [0, 1]")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1])).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            if top_p != 1.0:
                sorted_probs, order = torch.sort(torch.softmax(logits, dim=-1), descending=True)
                above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
                remove_sorted = above >= top_p
                remove_sorted[..., 0] = False
                logits = logits.masked_fill(remove_sorted.scatter(-1, order, remove_sorted), float("-inf"))
            next_token = torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=generator)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
            ids = torch.cat([ids, next_token], dim=1)
    return ids


def sample_generate__wrong_no_float32_cast(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: filters and samples in the model's own dtype (float16/bfloat16 on a GPU
    model); same as right for a float32 model. Violates: "cast them to float32 (``generate``
    does this too: a GPU model's float16 logits are too coarse to filter and sample
    from)"."""
    if not math.isfinite(temperature) or temperature <= 0:
        raise ValueError("temperature must be a finite number > 0")
    if top_k is not None and top_k < 1:
        raise ValueError("top_k must be >= 1")
    if not (0 <= top_p <= 1):
        raise ValueError("top_p must be in [0, 1]")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :] / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1])).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            if top_p != 1.0:
                sorted_probs, order = torch.sort(torch.softmax(logits, dim=-1), descending=True)
                above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
                remove_sorted = above >= top_p
                remove_sorted[..., 0] = False
                logits = logits.masked_fill(remove_sorted.scatter(-1, order, remove_sorted), float("-inf"))
            next_token = torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=generator)
            ids = torch.cat([ids, next_token], dim=1)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
    return ids


def sample_generate__wrong_zero_temperature_is_greedy(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: "helpfully" treats temperature 0 as greedy decoding (argmax) instead of
    raising. Violates: "Raise ``ValueError`` for a temperature that is not a finite number
    > 0 (temperature 0 is greedy decoding: argmax, not sampling)"."""
    if temperature < 0 or not math.isfinite(temperature):
        raise ValueError("temperature must be a finite number >= 0")
    if top_k is not None and top_k < 1:
        raise ValueError("top_k must be >= 1")
    if not (0 <= top_p <= 1):
        raise ValueError("top_p must be in [0, 1]")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float()
            if temperature == 0:
                next_token = logits.argmax(dim=-1, keepdim=True)
            else:
                logits = logits / temperature
                if top_k is not None:
                    kth = torch.topk(logits, min(top_k, logits.shape[-1])).values[..., -1:]
                    logits = logits.masked_fill(logits < kth, float("-inf"))
                if top_p != 1.0:
                    sorted_probs, order = torch.sort(torch.softmax(logits, dim=-1), descending=True)
                    above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
                    remove_sorted = above >= top_p
                    remove_sorted[..., 0] = False
                    logits = logits.masked_fill(remove_sorted.scatter(-1, order, remove_sorted), float("-inf"))
                next_token = torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=generator)
            ids = torch.cat([ids, next_token], dim=1)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
    return ids
