"""Independent catalogue: submissions for exercises/decoding.py.

Written from the docstring of ``exercises/decoding.py`` only.
"""
from __future__ import annotations

import torch
from transformers import DynamicCache, PreTrainedModel


def greedy_generate__right_own_dynamic_cache(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: builds a ``transformers.DynamicCache`` itself and passes it as ``cache=`` on
    every call (the model fills it in place), feeding only the newest token after the
    prompt; collects the new ids in a Python list and concatenates once at the end."""
    new_ids: list[int] = []
    if max_new_tokens <= 0:
        return input_ids
    cache = DynamicCache(config=model.config)
    with torch.no_grad():
        step_input = input_ids
        for _ in range(max_new_tokens):
            out = model(input_ids=step_input, cache=cache, use_cache=True)
            next_id = int(out.logits[0, -1, :].argmax())
            new_ids.append(next_id)
            if eos_token_id is not None and next_id == eos_token_id:
                break
            step_input = torch.tensor([[next_id]], dtype=input_ids.dtype, device=input_ids.device)
    tail = torch.tensor([new_ids], dtype=input_ids.dtype, device=input_ids.device)
    return torch.cat([input_ids, tail], dim=1)


def greedy_generate__right_preallocated_full_recompute(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: no cache; preallocates a ``(1, T + max_new_tokens)`` buffer holding the prompt,
    reruns the model on the filled prefix each step (``use_cache=False``) and returns the
    filled part only."""
    prompt_len = input_ids.shape[1]
    buffer = torch.empty((1, prompt_len + max(max_new_tokens, 0)), dtype=input_ids.dtype, device=input_ids.device)
    buffer[:, :prompt_len] = input_ids
    filled = prompt_len
    with torch.no_grad():
        while filled < buffer.shape[1]:
            logits = model(input_ids=buffer[:, :filled], use_cache=False).logits
            token = torch.argmax(logits[:, -1, :], dim=-1)
            buffer[:, filled] = token
            filled += 1
            if eos_token_id is not None and int(token[0]) == eos_token_id:
                break
    return buffer[:, :filled].clone()


def greedy_generate__wrong_stops_before_eos(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: checks for eos BEFORE appending, so the eos token is never in the output.
    Violates: "stop if it is ``eos_token_id`` (it stays in the output)"."""
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits
            next_token = logits[:, -1, :].argmax(dim=-1, keepdim=True)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
            ids = torch.cat([ids, next_token], dim=1)
    return ids


def greedy_generate__wrong_new_tokens_only(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: returns only the generated tokens, without the prompt. Violates: "returns:
    ``(1, T + n)`` ...: the prompt, unchanged, followed by the ``n`` new tokens"."""
    ids = input_ids
    generated = []
    with torch.no_grad():
        for _ in range(max_new_tokens):
            next_token = model(input_ids=ids).logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, next_token], dim=1)
            generated.append(next_token)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
    if not generated:
        return input_ids[:, :0]
    return torch.cat(generated, dim=1)


def greedy_generate__wrong_first_position(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: takes the argmax of ``logits[:, 0]``, the prediction after the first token.
    Violates: "``logits[:, 0]`` is the prediction after the first token, not after the
    prompt."""
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            next_token = model(input_ids=ids).logits[:, 0, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, next_token], dim=1)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
    return ids


def greedy_generate__wrong_default_eos_from_config(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: when ``eos_token_id`` is None it falls back to ``model.config.eos_token_id``
    (as ``generate`` would), so it still stops at </s>. Violates: "``eos_token_id = None``
    means: never stop early."""
    if eos_token_id is None:
        eos_token_id = model.config.eos_token_id
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            next_token = model(input_ids=ids).logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, next_token], dim=1)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
    return ids


def greedy_generate__wrong_do_while_zero_tokens(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: a "do ... while" loop that generates first and checks the count afterwards,
    so ``max_new_tokens=0`` still adds one token. Violates: "``max_new_tokens = 0`` returns
    the prompt as it is."""
    ids = input_ids
    added = 0
    with torch.no_grad():
        while True:
            next_token = model(input_ids=ids).logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, next_token], dim=1)
            added += 1
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
            if added >= max_new_tokens:
                break
    return ids


def greedy_generate__wrong_cache_with_full_sequence(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: uses the KV cache but keeps feeding the WHOLE sequence with it, so every step
    appends the prompt's keys and values again at new positions. Violates: "From then on
    feed ONLY the newest token" (the output no longer equals ``model.generate``)."""
    ids = input_ids
    cache = None
    with torch.no_grad():
        for _ in range(max_new_tokens):
            out = model(input_ids=ids, cache=cache, use_cache=True)
            cache = out.cache
            next_token = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, next_token], dim=1)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
    return ids
