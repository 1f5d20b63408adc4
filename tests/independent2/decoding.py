"""Independent catalogue, round 2: submissions for exercises/decoding.py.

Written from the docstring of ``exercises/decoding.py`` only, avoiding every mistake and
every style already in round 1 (``tests/independent/decoding.py``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def greedy_generate__right_returned_cache_inference_mode(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: the docstring's bonus route (``out.cache`` handed back each step, only the
    newest token fed) under ``torch.inference_mode()`` instead of ``no_grad``; the result is
    cloned OUTSIDE inference mode so the caller gets an ordinary tensor."""
    with torch.inference_mode():
        sequence = input_ids
        if max_new_tokens > 0:
            out = model(input_ids=input_ids, use_cache=True)
            for step in range(max_new_tokens):
                next_token = out.logits[:, -1, :].argmax(dim=-1, keepdim=True).to(input_ids.dtype)
                sequence = torch.cat([sequence, next_token], dim=1)
                if eos_token_id is not None and int(next_token[0, 0]) == eos_token_id:
                    break
                if step + 1 < max_new_tokens:
                    out = model(input_ids=next_token, cache=out.cache, use_cache=True)
    return sequence.clone()


def greedy_generate__right_run_out_then_cut_at_eos(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: keeps the ids in a Python list, always runs ``max_new_tokens`` steps (full
    recompute each step), and only afterwards cuts the new part just after its FIRST eos:
    greedy decoding is deterministic, so the tokens after an eos would never have been
    produced and dropping them gives exactly the early-stopping result (slower, same
    output)."""
    prompt = input_ids[0].tolist()
    ids = list(prompt)
    with torch.no_grad():
        for _ in range(max(0, max_new_tokens)):
            batch = torch.tensor([ids], dtype=input_ids.dtype, device=input_ids.device)
            logits = model(input_ids=batch).logits
            ids.append(int(torch.argmax(logits[0, -1])))
    new = ids[len(prompt):]
    if eos_token_id is not None and eos_token_id in new:
        new = new[: new.index(eos_token_id) + 1]
    return torch.tensor([prompt + new], dtype=input_ids.dtype, device=input_ids.device)


def greedy_generate__wrong_cache_not_passed(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: tries the KV-cache bonus but never hands the cache back: after the prompt it
    feeds only the newest token with ``use_cache=True`` and no ``cache=``, so from the second
    new token on the model sees a one-token text. The first token (the worked example,
    ``max_new_tokens=1``) is right. Violates: "run the model on the ids so far" / "Your
    output must equal ``model.generate(ids, do_sample=False, ...)``"."""
    ids = input_ids
    step_input = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            out = model(input_ids=step_input, use_cache=True)
            next_token = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, next_token], dim=1)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
            step_input = next_token
    return ids


def greedy_generate__wrong_eos_searched_in_whole_sequence(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: after appending, stops when ``eos_token_id in ids`` -- the whole sequence,
    prompt included -- so an eos id that occurs in the prompt (e.g. ``eos_token_id=415``,
    '▁The', with "The capital of Japan is") stops generation after one token. Violates:
    "append it; stop if it is ``eos_token_id``" (the new token) / "``n <= max_new_tokens``"
    tokens as ``generate`` gives them."""
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            next_token = model(input_ids=ids).logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, next_token], dim=1)
            if eos_token_id is not None and eos_token_id in ids[0].tolist():
                break
    return ids


def greedy_generate__wrong_prepends_missing_bos(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: "repairs" a prompt that does not start with ``<s>`` by putting
    ``model.config.bos_token_id`` in front (and returns it): the output no longer starts with
    the prompt, and the continuation is the with-BOS one. Every prompt that already has its
    BOS is unaffected. Violates: "returns: ``(1, T + n)`` ...: the prompt, unchanged,
    followed by the ``n`` new tokens"."""
    bos = model.config.bos_token_id
    ids = input_ids
    if bos is not None and int(ids[0, 0]) != bos:
        ids = torch.cat([torch.full((1, 1), bos, dtype=ids.dtype, device=ids.device), ids], dim=1)
    with torch.no_grad():
        for _ in range(max_new_tokens):
            next_token = model(input_ids=ids).logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, next_token], dim=1)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
    return ids
