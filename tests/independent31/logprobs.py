"""Thirty-first examiner: logprobs.py entries (misled by a library default)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel

_HEX = "0123456789ABCDEF"


def _lp_raw_bytes(tokenizer, token_id: int) -> list[int]:
    if token_id in tokenizer.all_special_ids:
        return []
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">") and all(c in _HEX for c in piece[3:5]):
        return [int(piece[3:5], 16)]
    return list(piece.replace("\u2581", " ").encode("utf-8"))


def _lp_check(sequence: torch.Tensor, prompt_length: int, top_n: int) -> int:
    T = sequence.shape[1]
    if not 1 <= prompt_length <= T:
        raise ValueError(f"prompt_length must lie between 1 and T = {T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")
    return T


def _lp_table(model, sequence: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    return torch.log_softmax(logits, dim=-1)


def completion_logprobs__wrong_topk_sorted_false(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""WRONG: one forward pass, float32 ``log_softmax`` at ``t - 1``, bytes from the piece (specials ``[]``), ``"token"`` with ``backslashreplace``, the ``ValueError``s -- all right; but the alternatives come from ``torch.topk(row, top_n, sorted=False)`` ("sorting is wasted work: topk already hands the best ones back in order"). ``sorted=False`` promises no order. On this CPU build the result still comes back sorted whenever ``top_n * 64 <= vocab`` (measured: up to ``top_n = 500`` on 32000 tokens), so the public test (``top_n = 5`` on the tiny model) and every worked example pass; beyond that, or on a smaller vocabulary, the order is the selection's. Violates: "``top_logprobs``: the ``top_n`` most probable tokens at that step, highest logprob first". [witness: tiny model, "The capital of Japan is Tokyo." with P = 6 and ``top_n = 600``: record 0's alternatives start ``-15.705, -13.928, -14.425, -13.988, ...`` (WRONG) vs highest first (plain); a ``BigramModel`` of 300 tokens (``torch.randn(300, 300)``, generator seed 7), sequence ``[[1, 40, 77, 200, 13]]``, P 2, ``top_n = 5``: ``-3.890, -3.710, -3.744, -3.931, -4.029`` vs ``-3.710, -3.744, -3.890, -3.931, -4.029``. Equal to plain on the three public sequences. public tests: all 10 of ``logprobs`` pass (checks/logs/completion_logprobs__wrong_topk_sorted_false.log).]"""
    T = _lp_check(sequence, prompt_length, top_n)
    if prompt_length == T:
        return []
    table = _lp_table(model, sequence)

    def entry(token_id: int, logprob: float) -> dict[str, Any]:
        raw = _lp_raw_bytes(tokenizer, token_id)
        return {"token": bytes(raw).decode("utf-8", errors="backslashreplace"), "bytes": raw, "logprob": float(logprob)}

    records = []
    for t in range(prompt_length, T):
        row = table[t - 1]
        token_id = int(sequence[0, t])
        record = entry(token_id, row[token_id].item())
        values, ids = torch.topk(row, top_n, sorted=False)
        record["top_logprobs"] = [entry(i, v) for v, i in zip(values.tolist(), ids.tolist())]
        records.append(record)
    return records


def completion_logprobs__wrong_surrogateescape_text(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""WRONG: everything as the docstring says except the text of a record: ``bytes(raw).decode("utf-8", errors="surrogateescape")`` -- "the lossless error handler, it round-trips any bytes" -- instead of ``errors="backslashreplace"``. For a lone byte of 0x80 or more, ``surrogateescape`` gives ONE character, the lone surrogate U+DC00 + byte (``'\udce6'``), which is not the 4-character escape and cannot even be encoded as UTF-8 (or sent as JSON text). Complete characters and ASCII are unaffected. Violates: "A lone byte of ``0x80`` or more is only part of a UTF-8 character and cannot be shown as text: write it as the 4-character escape ``\xe6`` (a backslash, ``x``, two lowercase hex digits), as OpenAI does." [witness: tiny model, "明日の天気は曇り" after "明日の天気は", ``top_n = 2``: tokens ``['\udce6', '\udc9b', '\udc87', 'り']`` (WRONG) vs ``['\\xe6', '\\x9b', '\\x87', 'り']`` (plain). Equal to plain on "The capital of Japan is Tokyo.". public tests: 9 of 10 ``logprobs`` tests pass; ``test_byte_fallback_tokens_show_their_raw_bytes`` fails (checks/logs/completion_logprobs__wrong_surrogateescape_text.log).]"""
    T = _lp_check(sequence, prompt_length, top_n)
    if prompt_length == T:
        return []
    table = _lp_table(model, sequence)

    def entry(token_id: int, logprob: float) -> dict[str, Any]:
        raw = _lp_raw_bytes(tokenizer, token_id)
        return {"token": bytes(raw).decode("utf-8", errors="surrogateescape"), "bytes": raw, "logprob": float(logprob)}

    records = []
    for t in range(prompt_length, T):
        row = table[t - 1]
        token_id = int(sequence[0, t])
        record = entry(token_id, row[token_id].item())
        values, ids = torch.topk(row, top_n)
        record["top_logprobs"] = [entry(i, v) for v, i in zip(values.tolist(), ids.tolist())]
        records.append(record)
    return records


def completion_logprobs__right_unsorted_topk_then_sort(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""RIGHT: takes the alternatives with ``torch.topk(row, top_n, sorted=False)`` and then sorts those ``top_n`` values itself (``torch.sort(values, descending=True, stable=True)``, ids reordered with them), so the order no longer depends on what ``sorted=False`` happens to return. Everything else as the docstring: one forward pass, float32 ``log_softmax`` at ``t - 1``, bytes from the piece (specials ``[]``), ``backslashreplace`` text, ``ValueError`` for ``P`` outside ``[1, T]`` and negative ``top_n``, ``[]`` for ``P == T``. Equal to plain (tokens and bytes equal, logprobs within 1e-4) on 9 inputs: the three public sequences, "Tokyo." with ``top_n = 600``, the 300-token toy with ``top_n = 20``, ``top_n = 0``, ``P == T``, ``P = 0`` and ``top_n = -1`` (both raise). public tests: all 10 of ``logprobs`` pass."""
    T = _lp_check(sequence, prompt_length, top_n)
    if prompt_length == T:
        return []
    table = _lp_table(model, sequence)

    def entry(token_id: int, logprob: float) -> dict[str, Any]:
        raw = _lp_raw_bytes(tokenizer, token_id)
        return {"token": bytes(raw).decode("utf-8", errors="backslashreplace"), "bytes": raw, "logprob": float(logprob)}

    records = []
    for t in range(prompt_length, T):
        row = table[t - 1]
        token_id = int(sequence[0, t])
        record = entry(token_id, row[token_id].item())
        values, ids = torch.topk(row, top_n, sorted=False)
        order = torch.sort(values, descending=True, stable=True).indices
        values, ids = values[order], ids[order]
        record["top_logprobs"] = [entry(i, v) for v, i in zip(values.tolist(), ids.tolist())]
        records.append(record)
    return records
