"""Eighth examiner: logprobs.py entries."""
from __future__ import annotations

import heapq
import re
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel

_completion_logprobs__right_tolist_heapq_nlargest_byte = re.compile(r"<0x[0-9A-Fa-f]{2}>")
_completion_logprobs__wrong_context_from_last_prompt_token_byte = re.compile(r"<0x[0-9A-Fa-f]{2}>")


def _completion_logprobs__right_tolist_heapq_nlargest_raw(tokenizer, token_id: int) -> bytes:
    if token_id in tokenizer.all_special_ids:
        return b""
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if _completion_logprobs__right_tolist_heapq_nlargest_byte.fullmatch(piece):
        return bytes([int(piece[3:5], 16)])
    return piece.replace("\u2581", " ").encode("utf-8")


def _completion_logprobs__wrong_context_from_last_prompt_token_raw(tokenizer, token_id: int) -> bytes:
    if token_id in tokenizer.all_special_ids:
        return b""
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if _completion_logprobs__wrong_context_from_last_prompt_token_byte.fullmatch(piece):
        return bytes([int(piece[3:5], 16)])
    return piece.replace("\u2581", " ").encode("utf-8")


def completion_logprobs__right_tolist_heapq_nlargest(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""RIGHT: one forward pass and one float32 ``log_softmax``, then everything leaves torch
    at once: the rows ``prompt_length - 1 ... T - 2`` become Python lists with ``tolist()``
    (exact float32 values as Python floats), the chosen token's logprob is a list lookup and
    the alternatives are ``heapq.nlargest(top_n, range(vocab), key=row.__getitem__)`` (ties
    lower id first); each token's bytes and text are computed once per id in a dict."""
    length = sequence.shape[1]
    if prompt_length < 1 or prompt_length > length:
        raise ValueError(f"prompt_length must be between 1 and {length}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if prompt_length == length:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits
    rows = torch.log_softmax(logits[0, prompt_length - 1 : length - 1].float(), dim=-1).tolist()
    chosen = sequence[0, prompt_length:].tolist()
    seen: dict[int, tuple[str, list[int]]] = {}

    def entry(token_id: int, value: float) -> dict[str, Any]:
        if token_id not in seen:
            raw = _completion_logprobs__right_tolist_heapq_nlargest_raw(tokenizer, token_id)
            seen[token_id] = (raw.decode("utf-8", errors="backslashreplace"), list(raw))
        text, raw_list = seen[token_id]
        return {"token": text, "bytes": list(raw_list), "logprob": value}

    records = []
    for row, token_id in zip(rows, chosen):
        record = entry(token_id, row[token_id])
        best = heapq.nlargest(top_n, range(len(row)), key=row.__getitem__)
        record["top_logprobs"] = [entry(i, row[i]) for i in best]
        records.append(record)
    return records


def completion_logprobs__wrong_context_from_last_prompt_token(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""WRONG: "only the logits from position ``P - 1`` on are needed", so it runs the model
    on ``sequence[:, prompt_length - 1:]`` alone, and reads position ``t - 1`` of that
    shortened window. The positions are right but the model no longer sees the prompt before
    its last token (nor the ``<s>``), so each logprob is that of a different distribution.
    Records, tokens, bytes, validation and the shape of everything are right. Violates:
    "The model predicts position ``t`` from everything before it, so that distribution is
    ``log_softmax`` of the logits at position ``t - 1``." ["The capital of Japan is" plus
    its greedy continuation, ``prompt_length = 6``: the first logprob is far from the full
    pass's and the top alternatives differ; with ``prompt_length = 1`` it is exactly
    right]"""
    length = sequence.shape[1]
    if prompt_length < 1 or prompt_length > length:
        raise ValueError(f"prompt_length must be between 1 and {length}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if prompt_length == length:
        return []
    window = sequence[:, prompt_length - 1 :]
    with torch.no_grad():
        logprobs = torch.log_softmax(model(input_ids=window).logits.float(), dim=-1)[0]

    def entry(token_id: int, value: float) -> dict[str, Any]:
        raw = _completion_logprobs__wrong_context_from_last_prompt_token_raw(tokenizer, token_id)
        return {
            "token": raw.decode("utf-8", errors="backslashreplace"),
            "bytes": list(raw),
            "logprob": float(value),
        }

    records = []
    for t in range(prompt_length, length):
        row = logprobs[t - prompt_length]
        token_id = int(sequence[0, t])
        record = entry(token_id, row[token_id])
        values, ids = torch.topk(row, top_n)
        record["top_logprobs"] = [entry(int(i), v) for v, i in zip(values.tolist(), ids.tolist())]
        records.append(record)
    return records
