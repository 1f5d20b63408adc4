r"""Independent catalogue, round 4: submissions for exercises/logprobs.py.

Written from the docstrings of ``exercises/logprobs.py`` only, avoiding the mistakes of
rounds 1-3.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def _completion_logprobs__wrong_angle_tags_special_record(tokenizer, tid: int, logprob: float) -> dict[str, Any]:
    piece = tokenizer.convert_ids_to_tokens(tid)
    m = re.fullmatch(r"<0x([0-9A-Fa-f]{2})>", piece)
    if m:
        raw = [int(m.group(1), 16)]
    elif re.fullmatch(r"<[^<>]*>", piece):
        raw = []
    else:
        raw = list(piece.replace("\u2581", " ").encode("utf-8"))
    text = bytes(raw).decode("utf-8", errors="backslashreplace")
    return {"token": text, "bytes": raw, "logprob": float(logprob)}


def completion_logprobs__wrong_angle_tags_special(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""WRONG: after the byte pieces, takes any ``'<...>'`` piece for a special token (``[]``,
    ``""``) instead of asking ``tokenizer.all_special_ids``; Mistral's vocabulary has the TEXT
    pieces ``'<?>'`` (id 25955) and ``'<>'`` (id 28675), which then stand for no text.
    Violates: "a special token (``<s>``, ``</s>``, ``<unk>``: ``tokenizer.all_special_ids``)
    stands for no text, ``[]``; any other piece is its text" [a completion with id 28675:
    bytes ``[]`` instead of ``[60, 62]``]"""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be in [1, {T}], got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    logp = torch.log_softmax(logits, dim=-1)
    records = []
    for t in range(prompt_length, T):
        row = logp[t - 1]
        tid = int(sequence[0, t])
        rec = _completion_logprobs__wrong_angle_tags_special_record(tokenizer, tid, float(row[tid]))
        n = min(top_n, row.shape[-1])
        vals, idx = torch.topk(row, n)
        rec["top_logprobs"] = [
            _completion_logprobs__wrong_angle_tags_special_record(tokenizer, int(i), float(v))
            for v, i in zip(vals.tolist(), idx.tolist())
        ]
        records.append(rec)
    return records
