"""Twentieth examiner: logprobs.py entries (the OpenAI API's conventions against this contract)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def _completion_logprobs__wrong_openai_null_bytes_for_specials_record(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    if token_id in tokenizer.all_special_ids:
        return {"token": "", "bytes": None, "logprob": logprob}
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        raw = [int(piece[3:5], 16)]
    else:
        raw = list(piece.replace("\u2581", " ").encode("utf-8"))
    return {"token": bytes(raw).decode("utf-8", errors="backslashreplace"), "bytes": raw, "logprob": logprob}


def completion_logprobs__wrong_openai_null_bytes_for_specials(model: PreTrainedModel, tokenizer, sequence: torch.Tensor, prompt_length: int, top_n: int = 5) -> list[dict[str, Any]]:
    """WRONG: follows OpenAI's schema for the ``bytes`` field, which the API documents as "Can be ``null`` if there is no bytes representation for the token": a special token (``<s>``, ``</s>``, ``<unk>``), which stands for no text, gets ``"bytes": None`` (and ``"token": ""``), in the record and in the alternatives. Everything else is as the contract says, so the worked example (byte pieces, ``'▁Tokyo'``) passes. A learner who has read the API reference writes ``None`` for "no bytes". Convention: OpenAI Chat Completions ``logprobs.content[].bytes`` ("Can be null"). Violates: "a special token (``<s>``, ``</s>``, ``<unk>``: ``tokenizer.all_special_ids``) stands for no text, ``[]``" [witness: tiny model, prompt "The capital of Japan is" followed by ``</s>`` (id 2), ``prompt_length=6`` -> the record's ``"bytes"`` ``[]`` expected, ``None`` returned]"""
    T = sequence.shape[-1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and the sequence length {T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logprobs = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1)
    records = []
    for t in range(prompt_length, T):
        row = logprobs[t - 1]
        token_id = int(sequence[0, t])
        record = _completion_logprobs__wrong_openai_null_bytes_for_specials_record(tokenizer, token_id, float(row[token_id]))
        values, ids = torch.topk(row, top_n)
        record["top_logprobs"] = [
            _completion_logprobs__wrong_openai_null_bytes_for_specials_record(tokenizer, i, v)
            for v, i in zip(values.tolist(), ids.tolist())
        ]
        records.append(record)
    return records


def _completion_logprobs__wrong_openai_top_n_capped_at_twenty_record(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    if token_id in tokenizer.all_special_ids:
        raw: list[int] = []
    else:
        piece = tokenizer.convert_ids_to_tokens(token_id)
        if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
            raw = [int(piece[3:5], 16)]
        else:
            raw = list(piece.replace("\u2581", " ").encode("utf-8"))
    return {"token": bytes(raw).decode("utf-8", errors="backslashreplace"), "bytes": raw, "logprob": logprob}


def completion_logprobs__wrong_openai_top_n_capped_at_twenty(model: PreTrainedModel, tokenizer, sequence: torch.Tensor, prompt_length: int, top_n: int = 5) -> list[dict[str, Any]]:
    """WRONG: validates ``top_n`` as OpenAI validates ``top_logprobs``, "an integer between 0 and 20": a negative ``top_n`` raises ``ValueError`` as the contract asks, but so does any ``top_n`` above 20. The docstring's examples use the API's ``top_logprobs=5``, so nothing a learner runs shows the cap. Convention: OpenAI Chat Completions parameter ``top_logprobs`` (range 0..20; the API answers 400 beyond it). Violates: "top_n: ``>= 0`` alternatives per position (a ``top_n`` larger than the vocabulary is not graded)." [witness: tiny model, "The capital of Japan is" + greedy ``▁Tokyo``, ``prompt_length=6, top_n=21`` -> one record with 21 alternatives expected, ``ValueError`` raised]"""
    T = sequence.shape[-1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and the sequence length {T}, got {prompt_length}")
    if not 0 <= top_n <= 20:
        raise ValueError(f"top_n must be between 0 and 20 (as the API's top_logprobs), got {top_n}")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logprobs = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1)
    records = []
    for t in range(prompt_length, T):
        row = logprobs[t - 1]
        token_id = int(sequence[0, t])
        record = _completion_logprobs__wrong_openai_top_n_capped_at_twenty_record(tokenizer, token_id, float(row[token_id]))
        values, ids = torch.topk(row, top_n)
        record["top_logprobs"] = [
            _completion_logprobs__wrong_openai_top_n_capped_at_twenty_record(tokenizer, i, v)
            for v, i in zip(values.tolist(), ids.tolist())
        ]
        records.append(record)
    return records
