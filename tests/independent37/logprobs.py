"""Thirty-seventh examiner: logprobs.py entries (the learner who writes it in plain Python)."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel

_SPECIAL = ("<s>", "</s>", "<unk>")
_HEX = "0123456789ABCDEF"


def _raw_bytes(tokenizer, token_id: int) -> list[int]:
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if token_id in tokenizer.all_special_ids or piece in _SPECIAL:
        return []
    if len(piece) == 6 and piece[:3] == "<0x" and piece[5] == ">" and piece[3] in _HEX and piece[4] in _HEX:
        return [int(piece[3:5], 16)]
    return list(piece.replace("\u2581", " ").encode("utf-8"))


def _record(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    raw = _raw_bytes(tokenizer, token_id)
    return {"token": bytes(raw).decode("utf-8", errors="backslashreplace"), "bytes": raw, "logprob": logprob}


def _check(sequence: torch.Tensor, prompt_length: int, top_n: int) -> int:
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and {T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")
    return T


def completion_logprobs__wrong_set_of_values_merges_tied_alternatives(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""WRONG: one forward pass, float32 ``log_softmax`` at ``t - 1``, bytes and token text right, all ``ValueError``s; the alternatives in plain Python: ``sorted(set(row), reverse=True)[:top_n]`` (the ``top_n`` highest logprob VALUES, a set "so that nothing is listed twice") and each value's token found with ``row.index(value)``. Tokens that tie merge into one entry and the list reaches further down for the rest. Violates: "``top_logprobs``: the ``top_n`` most probable tokens at that step, highest logprob first" [witness: a 300-id ``BigramModel`` whose row 0 has 3.0 at ids 5, 7, 9 (``<0x02>``, ``<0x04>``, ``<0x06>``), 1.0 at id 11, 0 elsewhere; ``sequence [[0, 7]]``, ``prompt_length = 1``, ``top_n = 3`` -> alternatives ``\x02`` -2.8833, ``\x08`` -4.8833, ``""`` -5.8833 (ids 5, 11, and the first id at 0); plain lists the three tied tokens at -2.8833. Passes: the worked example (``\xe6`` [230], ``\x9b`` [155], ``\x87`` [135], ``り`` [227, 130, 138]), the ``▁Tokyo`` record, ``[]`` for ``P == T``, the four ``ValueError``s, ``top_n = 0``, 15 greedy tokens of the tiny model with ``top_n = 7``: alternatives and logprobs equal to plain (checks/check_entries.log).]"""
    T = _check(sequence, prompt_length, top_n)
    if prompt_length == T:
        return []
    ids = sequence[0].tolist()
    with torch.no_grad():
        rows = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1).tolist()
    records = []
    for t in range(prompt_length, T):
        row = rows[t - 1]
        record = _record(tokenizer, ids[t], row[ids[t]])
        best = sorted(set(row), reverse=True)[:top_n]  # the top_n highest logprobs
        record["top_logprobs"] = [_record(tokenizer, row.index(v), v) for v in best]
        records.append(record)
    return records


def completion_logprobs__right_python_float64_logsumexp(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""RIGHT: one forward pass; the logits of positions ``P - 1 .. T - 2`` taken with ``.float()`` (float32, as the docstring asks) and then handled in plain Python: ``log Z = max + math.log(math.fsum(math.exp(x - max)))`` per row in Python float64, ``logprob = x - log Z``, alternatives from ``sorted(range(vocab), key=lambda i: (-row[i], i))[:top_n]`` (ties lower id first, which the docstring allows), bytes and text as the rules say. The logits are float32; only the normalisation is done more exactly than float32's ``log_softmax``: against a float64 ``log_softmax`` of the same logits its error is 9.1e-15, plain float32's 1.75e-5 -- so it differs from a float32 version by up to 1.76e-5 (ambiguity: "compute in float32"). Slower: 15 records with ``top_n = 20`` take 0.41 s on the tiny model (limit 20 s). Agrees with a plain version on: the worked example (4 records, largest difference 1.37e-5), the ``▁Tokyo`` record (1.2e-7), 15 greedy tokens with ``top_n`` 7 and 0 (1.75e-5), a tied 300-id toy (the same three tied alternatives, in another allowed order), a toy token at -200 (both -200.0), ``[]`` and the ``ValueError``s -- within 1e-4, same tokens, bytes and alternatives (checks/check_entries.log)."""
    T = _check(sequence, prompt_length, top_n)
    if prompt_length == T:
        return []
    ids = sequence[0].tolist()
    with torch.no_grad():
        logit_rows = model(input_ids=sequence).logits[0, prompt_length - 1 : T - 1].float().tolist()
    records = []
    for t, logits in zip(range(prompt_length, T), logit_rows):
        top = max(logits)
        log_total = top + math.log(math.fsum(math.exp(x - top) for x in logits))
        record = _record(tokenizer, ids[t], logits[ids[t]] - log_total)
        ranked = sorted(range(len(logits)), key=lambda i: (-logits[i], i))[:top_n]
        record["top_logprobs"] = [_record(tokenizer, i, logits[i] - log_total) for i in ranked]
        records.append(record)
    return records
