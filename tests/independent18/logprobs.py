"""Eighteenth examiner: logprobs.py entries."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def _completion_logprobs__wrong_log_softmax_over_time_axis_entry(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if token_id in tokenizer.all_special_ids:
        raw = b""
    elif re.fullmatch(r"<0x[0-9A-F]{2}>", piece):
        raw = bytes([int(piece[3:5], 16)])
    else:
        raw = piece.replace("\u2581", " ").encode("utf-8")
    return {"token": raw.decode("utf-8", errors="backslashreplace"), "bytes": list(raw), "logprob": float(logprob)}


def completion_logprobs__wrong_log_softmax_over_time_axis(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: one forward pass, float32, position ``t - 1`` for the token at ``t``, ``log_softmax`` (never ``log`` of ``softmax``), tokens and bytes by the ``piece_bytes`` rule, records with the four keys -- but the ``log_softmax`` is taken with ``dim=1`` on the ``(1, T, vocab)`` logits, the axis a ``(batch, vocab)`` habit reaches for, which here is the TIME axis. Each number is then the log of a share across positions, not of a probability over the vocabulary: logprobs are wrong (can be near 0 for unlikely tokens) and the ``top_logprobs`` are ranked by it. The worked example's ``token`` and ``bytes`` fields (all it shows; "logprobs depend on the model") come out right, and so do the edge cases. Violates: "``logprob``: the natural log of the probability the model gave the token at ``t``." [witness: the tiny model, ``"明日の天気は"`` (with ``<s>``) followed by ``<0xE6> <0x9B> <0x87> り``, ``prompt_length = 8``: each record's ``logprob`` should equal ``log_softmax(logits[0, t - 1], -1)[token]``; it differs (see the README for the numbers), and ``exp`` of the alternatives no longer sums to at most 1]"""
    T = sequence.shape[-1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and {T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits.float()
    logprobs = torch.log_softmax(logits, dim=1)
    records = []
    for t in range(prompt_length, T):
        row = logprobs[0, t - 1]
        token_id = int(sequence[0, t])
        record = _completion_logprobs__wrong_log_softmax_over_time_axis_entry(tokenizer, token_id, row[token_id].item())
        values, ids = torch.topk(row, top_n)
        record["top_logprobs"] = [
            _completion_logprobs__wrong_log_softmax_over_time_axis_entry(tokenizer, int(i), v.item())
            for v, i in zip(values, ids)
        ]
        records.append(record)
    return records


def _completion_logprobs__wrong_omits_final_eos_entry(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if token_id in tokenizer.all_special_ids:
        raw = b""
    elif re.fullmatch(r"<0x[0-9A-F]{2}>", piece):
        raw = bytes([int(piece[3:5], 16)])
    else:
        raw = piece.replace("\u2581", " ").encode("utf-8")
    return {"token": raw.decode("utf-8", errors="backslashreplace"), "bytes": list(raw), "logprob": float(logprob)}


def completion_logprobs__wrong_omits_final_eos(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: does everything right, but imitates the chat API's habit of not reporting the stop token: when the completion ends with ``tokenizer.eos_token_id`` (``</s>``), that last token gets no record. A completion stopped by ``</s>`` -- what ``generate`` and the greedy/sampling exercises return when the model stops -- then has ``T - P - 1`` records. The worked example (``<0xE6> <0x9B> <0x87> り``, no ``</s>``) and every edge case agree. Violates: "Return one logprob record for every generated token of ``sequence``." [witness: the tiny model, ``"The capital of Japan is"`` (ids ``[1, 415, 5565, 302, 4720, 349]``) followed by the id of ``'▁Tokyo'`` and ``2``, ``prompt_length = 6``: two records expected (the second ``{"token": "", "bytes": [], ...}``), one returned]"""
    T = sequence.shape[-1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and {T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")
    end = T
    if end > prompt_length and int(sequence[0, -1]) == tokenizer.eos_token_id:
        end -= 1  # the API reports no logprob for the stop token
    if prompt_length >= end:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits.float()
    logprobs = torch.log_softmax(logits, dim=-1)
    records = []
    for t in range(prompt_length, end):
        row = logprobs[0, t - 1]
        token_id = int(sequence[0, t])
        record = _completion_logprobs__wrong_omits_final_eos_entry(tokenizer, token_id, row[token_id].item())
        values, ids = torch.topk(row, top_n)
        record["top_logprobs"] = [
            _completion_logprobs__wrong_omits_final_eos_entry(tokenizer, int(i), v.item())
            for v, i in zip(values, ids)
        ]
        records.append(record)
    return records
