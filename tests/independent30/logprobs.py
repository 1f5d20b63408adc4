"""Thirtieth examiner: logprobs.py entries (the public-test overfitter)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def _bytes_of(tokenizer, token_id: int) -> list[int]:
    if token_id in tokenizer.all_special_ids:
        return []
    piece = tokenizer.convert_ids_to_tokens(token_id)
    m = re.fullmatch(r"<0x([0-9A-F]{2})>", piece)
    if m:
        return [int(m.group(1), 16)]
    return list(piece.replace("\u2581", " ").encode("utf-8"))


def _leading_marker_bytes(tokenizer, token_id: int) -> list[int]:
    if token_id in tokenizer.all_special_ids:
        return []
    piece = tokenizer.convert_ids_to_tokens(token_id)
    m = re.fullmatch(r"<0x([0-9A-F]{2})>", piece)
    if m:
        return [int(m.group(1), 16)]
    if piece.startswith("\u2581"):
        piece = " " + piece[1:]
    return list(piece.encode("utf-8"))


def _entry(raw: list[int], logprob: float) -> dict[str, Any]:
    return {"token": bytes(raw).decode("utf-8", errors="backslashreplace"), "bytes": raw, "logprob": float(logprob)}


def completion_logprobs__wrong_alternatives_scored_by_raw_logits(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: the chosen token's ``logprob`` is right (``log_softmax`` of the float32 logits at ``t - 1``), but the alternatives come from ``torch.topk`` on the RAW logits of that position and carry the logit itself as their ``"logprob"`` ("topk of the logits gives the same tokens in the same order" -- true for the tokens, not for the numbers). Validation, ``[]`` for nothing generated, the four keys, the bytes rule and the ``\\xe6`` escape are all right. The public test of ``top_logprobs`` only checks that five values come highest first and that the first is not below the chosen token's logprob -- a logit (around +15) always is. Violates: "``top_logprobs``: the ``top_n`` most probable tokens at that step, highest logprob first, each with exactly the keys ``"token"``, ``"bytes"`` and ``"logprob"``." [witness: tiny model, "The capital of Japan is Tokyo." with ``prompt_length`` 6, ``top_n = 3``: record 0's alternatives have "logprob" 14.9694, 7.9384, 6.8182 (WRONG) vs -0.0038, -7.0349, -8.1551 (plain) -- the same ids, and the first alternative should equal record 0's own logprob -0.0038 (measured in checks/check_entries.log). public tests: all 10 of ``logprobs`` pass (checks/logs/completion_logprobs__wrong_alternatives_scored_by_raw_logits.log).]"""
    T = sequence.shape[1]
    if not 1 <= prompt_length <= T:
        raise ValueError(f"prompt_length must lie in [1, {T}], got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    logp = torch.log_softmax(logits, dim=-1)
    records = []
    for t in range(prompt_length, T):
        tok = int(sequence[0, t])
        rec = _entry(_bytes_of(tokenizer, tok), logp[t - 1, tok].item())
        alternatives = []
        if top_n:
            values, ids = torch.topk(logits[t - 1], top_n)
            for v, i in zip(values.tolist(), ids.tolist()):
                alternatives.append(_entry(_bytes_of(tokenizer, int(i)), v))
        rec["top_logprobs"] = alternatives
        records.append(rec)
    return records


def completion_logprobs__wrong_only_leading_marker_is_a_space(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: turns the ``'▁'`` into a space only where it starts the piece (``" " + piece[1:]`` "the marker means: a space in front"). Every other part is right: one float32 ``log_softmax`` pass, position ``t - 1``, byte pieces as one byte, specials ``[]``, ``backslashreplace`` text, sorted ``top_n`` alternatives, the ``ValueError``s. English words (``'▁Tokyo'``) and the Japanese example have at most one marker, at the front, so every public test passes; but Mistral's vocabulary has runs of markers for runs of spaces (``'▁▁'`` id 259, ``'▁▁▁▁'`` id 260, ``'▁▁▁▁▁▁▁▁'`` id 273): indented code and double spaces. Violates: "any other piece is its text with ``'▁'`` replaced by a space, UTF-8 encoded." [witness: "def f():\\n    return 1" (ids 1 801 285 5888 13 260 807 28705 28740), ``prompt_length`` 4, tiny model: record 1 (piece ``'▁▁▁▁'``) has "token" ``' ▁▁▁'`` and bytes ``[32, 226, 150, 129, 226, 150, 129, 226, 150, 129]`` (WRONG) vs ``'    '`` and ``[32, 32, 32, 32]`` (plain); "x  =  1" with ``prompt_length`` 2: records 0 and 2 (``'▁▁'``) ``' ▁'`` / ``[32, 226, 150, 129]`` vs ``'  '`` / ``[32, 32]``. Equal to plain on the three public sequences (Tokyo, 曇り, "Once upon a time, there was a king."). public tests: all 10 of ``logprobs`` pass (checks/logs/completion_logprobs__wrong_only_leading_marker_is_a_space.log).]"""
    T = sequence.shape[1]
    if not 1 <= prompt_length <= T:
        raise ValueError(f"prompt_length must lie in [1, {T}], got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    logp = torch.log_softmax(logits, dim=-1)
    records = []
    for t in range(prompt_length, T):
        tok = int(sequence[0, t])
        row = logp[t - 1]
        rec = _entry(_leading_marker_bytes(tokenizer, tok), row[tok].item())
        alternatives = []
        if top_n:
            values, ids = torch.topk(row, top_n)
            for v, i in zip(values.tolist(), ids.tolist()):
                alternatives.append(_entry(_leading_marker_bytes(tokenizer, int(i)), v))
        rec["top_logprobs"] = alternatives
        records.append(rec)
    return records


def completion_logprobs__right_alternatives_from_logits_then_shifted(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """RIGHT: never builds the full ``log_softmax`` table. Per generated position it takes the float32 logits row at ``t - 1``, computes its ``torch.logsumexp`` once, and gets both the chosen token's logprob (``logit - lse``) and the alternatives (``torch.topk`` on the RAW logits, each value minus the same ``lse``). Subtracting one number per row changes no order, so the alternatives are the same tokens, highest first, and their numbers are the log-probabilities (``log_softmax`` is computed exactly as ``x - logsumexp(x)``). Finite for a token of probability far below 1e-45 (no ``log`` of a softmax). Agrees with a plain version on: tiny model, "The capital of Japan is Tokyo." (P 6, top_n 3), "明日の天気は曇り" (top_n 2), "Once upon a time, there was a king." (top_n 5), "def f():\\n    return 1" (P 4, top_n 4), ``top_n = 0``, ``P == T`` -> ``[]``, the 6-token toy with -200 (top_n 6): tokens and bytes equal, logprobs within 1.8e-5 of plain's (float32 rounding of ``x - logsumexp`` against ``log_softmax``; the public tests allow 1e-4) (checks/check_entries.log); public tests pass."""
    T = sequence.shape[1]
    if not 1 <= prompt_length <= T:
        raise ValueError(f"prompt_length must lie in [1, {T}], got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    records = []
    for t in range(prompt_length, T):
        row = logits[t - 1]
        lse = torch.logsumexp(row, dim=-1)
        tok = int(sequence[0, t])
        rec = _entry(_bytes_of(tokenizer, tok), (row[tok] - lse).item())
        alternatives = []
        if top_n:
            values, ids = torch.topk(row, top_n)
            for v, i in zip((values - lse).tolist(), ids.tolist()):
                alternatives.append(_entry(_bytes_of(tokenizer, int(i)), v))
        rec["top_logprobs"] = alternatives
        records.append(rec)
    return records
