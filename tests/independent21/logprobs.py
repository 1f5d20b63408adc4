"""Twenty-first examiner: logprobs.py entries (shapes, dtypes, layouts and copies)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def _completion_logprobs__wrong_squeeze_tolist_sequence_of_one_record(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    if token_id in tokenizer.all_special_ids:
        raw = b""
    else:
        piece = tokenizer.convert_ids_to_tokens(token_id)
        if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">") and all(c in "0123456789ABCDEF" for c in piece[3:5]):
            raw = bytes([int(piece[3:5], 16)])
        else:
            raw = piece.replace("\u2581", " ").encode("utf-8")
    return {"token": raw.decode("utf-8", errors="backslashreplace"), "bytes": list(raw), "logprob": float(logprob)}


def completion_logprobs__wrong_squeeze_tolist_sequence_of_one(model: PreTrainedModel, tokenizer, sequence: torch.Tensor, prompt_length: int, top_n: int = 5) -> list[dict[str, Any]]:
    """WRONG: reads the ids as ``ids = sequence.squeeze().tolist()`` and ``T = len(ids)`` ("drop the batch axis of one"); everything else is right (one forward pass, ``log_softmax`` in float32 at position ``t - 1``, the ``piece_bytes`` rule, ``\\xNN`` escapes, the checks on ``prompt_length`` and ``top_n``). ``squeeze()`` drops every axis of size one, so a sequence of ONE token (``(1, 1)``: a prompt of ``<s>`` alone, nothing generated yet) becomes a 0-d tensor, ``tolist()`` gives a bare ``int`` and ``len`` raises ``TypeError`` before any check runs. Violates: "``prompt_length == T`` (nothing generated) returns ``[]``." [witness: tiny model, ``sequence = torch.tensor([[1]])``, ``prompt_length = 1``: plain returns ``[]``, this raises ``TypeError: object of type 'int' has no len()``; with ``prompt_length = 2`` plain raises ``ValueError``, this ``TypeError``]."""
    ids = sequence.squeeze().tolist()
    T = len(ids)
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and {T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits
    logprobs = torch.log_softmax(logits[0].float(), dim=-1)
    records = []
    for t in range(prompt_length, T):
        row = logprobs[t - 1]
        token_id = ids[t]
        record = _completion_logprobs__wrong_squeeze_tolist_sequence_of_one_record(tokenizer, token_id, row[token_id].item())
        values, indices = torch.topk(row, top_n)
        record["top_logprobs"] = [
            _completion_logprobs__wrong_squeeze_tolist_sequence_of_one_record(tokenizer, i, v)
            for v, i in zip(values.tolist(), indices.tolist())
        ]
        records.append(record)
    return records


def _completion_logprobs__right_flat_ids_narrowed_float32_rows_record(tokenizer, special: set, token_id: int, logprob: float) -> dict[str, Any]:
    if token_id in special:
        raw = b""
    else:
        piece = tokenizer.convert_ids_to_tokens(token_id)
        if len(piece) == 6 and piece[:3] == "<0x" and piece[5] == ">" and all(c in "0123456789ABCDEF" for c in piece[3:5]):
            raw = bytes.fromhex(piece[3:5])
        else:
            raw = piece.replace("\u2581", " ").encode("utf-8")
    return {"token": raw.decode("utf-8", errors="backslashreplace"), "bytes": list(raw), "logprob": float(logprob)}


def completion_logprobs__right_flat_ids_narrowed_float32_rows(model: PreTrainedModel, tokenizer, sequence: torch.Tensor, prompt_length: int, top_n: int = 5) -> list[dict[str, Any]]:
    """RIGHT: takes the ids as ``sequence.reshape(-1).tolist()`` (a list for every ``T``, one included), checks ``prompt_length`` and ``top_n`` first, runs the model once, and converts to float32 ONLY the rows it needs: ``logits[0].narrow(0, P - 1, T - P).to(torch.float32)`` (a view of the ``T - P`` positions ``P - 1 .. T - 2``, then one copy), ``log_softmax`` over the last axis of that small block. The alternatives come from a stable descending ``torch.sort`` of each row (so equal logprobs come lower id first) cut to ``top_n``; all numbers leave torch through ``tolist()`` / ``float()``; bytes from the piece (``bytes.fromhex`` for a byte piece, ``[]`` for ``tokenizer.all_special_ids``). Agrees with a plain version on: (the plain version: ``logits[0].float()``, ``log_softmax`` of all ``T`` rows, ``topk``) the 曇り example (four records, ``\\xe6``/``\\x9b``/``\\x87``/``り``), the ``▁Tokyo`` record, a greedy completion of 8 tokens with ``top_n`` 0/5/12, ``P == T`` (also ``T = 1``) -> ``[]``, and ``P`` 0 / ``T + 1`` / ``top_n = -1`` raise ``ValueError``: same keys, same texts and bytes, logprobs equal to 1e-5, same alternatives away from ties (see README)."""
    ids = sequence.reshape(-1).tolist()
    T = len(ids)
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and T = {T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must not be negative, got {top_n}")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits
    rows = logits[0].narrow(0, prompt_length - 1, T - prompt_length).to(torch.float32)
    logprobs = torch.log_softmax(rows, dim=-1)
    special = set(tokenizer.all_special_ids)
    records = []
    for j, token_id in enumerate(ids[prompt_length:]):
        row = logprobs[j]
        record = _completion_logprobs__right_flat_ids_narrowed_float32_rows_record(tokenizer, special, token_id, row[token_id].item())
        values, order = torch.sort(row, descending=True, stable=True)
        record["top_logprobs"] = [
            _completion_logprobs__right_flat_ids_narrowed_float32_rows_record(tokenizer, special, i, v)
            for v, i in zip(values[:top_n].tolist(), order[:top_n].tolist())
        ]
        records.append(record)
    return records
