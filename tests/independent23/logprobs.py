"""Twenty-third examiner: logprobs.py entries (NumPy argpartition habit)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def _completion_logprobs__wrong_argpartition_left_unsorted_record(tokenizer, token_id, value):
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if token_id in tokenizer.all_special_ids:
        raw = b""
    elif len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        raw = bytes([int(piece[3:5], 16)])
    else:
        raw = piece.replace("\u2581", " ").encode("utf-8")
    return {"token": raw.decode("utf-8", errors="backslashreplace"), "bytes": list(raw), "logprob": float(value)}


def completion_logprobs__wrong_argpartition_left_unsorted(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: one forward pass, float32 ``log_softmax``, records with the four keys, the bytes rule, the error cases and ``top_n = 0`` all as the docstring says; the alternatives are found the NumPy way, ``np.argpartition(row, -top_n)[-top_n:][::-1]``, and never sorted afterwards, because in every small try they came out in order: NumPy 2.3 selects a small ``kth`` near the end by a partial selection that happens to leave the top entries sorted (5, 10, 20 all came out sorted on the tiny model and on 200 random 32000-token rows). For larger ``top_n`` introselect leaves the partition's top block in no particular order. Violates: "``top_logprobs``: the ``top_n`` most probable tokens at that step, highest logprob first" [witness: tiny model, "The capital of Japan is" + 12 tokens sampled with seed 3, ``top_n = 300``: all 12 records' lists are out of order (record 0 starts with logprob -14.27 then -11.22); plain lists them descending. At ``top_n`` 0, 1, 5, 20 it equals plain.]"""
    length = sequence.shape[1]
    if prompt_length < 1 or prompt_length > length:
        raise ValueError(f"prompt_length must be in [1, {length}], got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if prompt_length == length:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    logprobs = torch.log_softmax(logits, dim=-1).cpu().numpy()
    records = []
    for t in range(prompt_length, length):
        row = logprobs[t - 1]
        token_id = int(sequence[0, t])
        record = _completion_logprobs__wrong_argpartition_left_unsorted_record(tokenizer, token_id, row[token_id])
        best = np.argpartition(row, -top_n)[-top_n:][::-1] if top_n else []
        record["top_logprobs"] = [_completion_logprobs__wrong_argpartition_left_unsorted_record(tokenizer, int(i), row[i]) for i in best]
        records.append(record)
    return records


def _completion_logprobs__right_argpartition_then_argsort_record(tokenizer, token_id, value):
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if token_id in tokenizer.all_special_ids:
        raw = b""
    elif len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        raw = bytes([int(piece[3:5], 16)])
    else:
        raw = piece.replace("\u2581", " ").encode("utf-8")
    return {"token": raw.decode("utf-8", errors="backslashreplace"), "bytes": list(raw), "logprob": float(value)}


def completion_logprobs__right_argpartition_then_argsort(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""RIGHT: the same NumPy selection, finished: ``part = np.argpartition(row, vocab - n)[vocab - n:]`` (``n = min(top_n, vocab)``; ``n = 0`` gives no alternatives) and then ``part[np.argsort(-row[part], kind="stable")]`` to put the chosen ``n`` highest first; the logprobs are float32 ``log_softmax`` values turned into Python floats with ``float``, the ids with ``int``. Which of several tokens tied at the ``n``-th place gets in is up to the partition (the docstring lets tied tokens come in either order). Agrees with a plain version on: the 曇り completion after "明日の天気は" (four records ``\xe6``, ``\x9b``, ``\x87``, ``り``), the ``▁Tokyo`` record, "The capital of Japan is" + 12 sampled tokens with ``top_n`` 0, 1, 5, 20, 300, the same ending in ``</s>`` (token ``""``, bytes ``[]``), ``P == T`` -> ``[]``, and ``ValueError`` for ``P = 0``, ``P = T + 1``, ``top_n = -1`` (also with ``P == T``): same keys in order, same text and bytes, logprobs within 1e-6, plain ``float`` and ``int`` types."""
    length = sequence.shape[1]
    if prompt_length < 1 or prompt_length > length:
        raise ValueError(f"prompt_length must be in [1, {length}], got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if prompt_length == length:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    logprobs = torch.log_softmax(logits, dim=-1).cpu().numpy()
    vocab = logprobs.shape[-1]
    n = min(top_n, vocab)
    records = []
    for t in range(prompt_length, length):
        row = logprobs[t - 1]
        token_id = int(sequence[0, t])
        record = _completion_logprobs__right_argpartition_then_argsort_record(tokenizer, token_id, row[token_id])
        if n == 0:
            best = np.empty(0, dtype=np.int64)
        else:
            part = np.argpartition(row, vocab - n)[vocab - n:]
            best = part[np.argsort(-row[part], kind="stable")]
        record["top_logprobs"] = [_completion_logprobs__right_argpartition_then_argsort_record(tokenizer, int(i), row[i]) for i in best]
        records.append(record)
    return records
