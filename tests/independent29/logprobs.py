"""Twenty-ninth examiner: logprobs.py entries (the performance-minded learner)."""
from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel

_RECORDS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_SPECIAL = ("<unk>", "<s>", "</s>")
_HEX = "0123456789ABCDEF"


def _token_and_bytes(tokenizer, table, tid):
    hit = table.get(tid)
    if hit is None:
        piece = tokenizer.convert_ids_to_tokens(tid)
        if piece in _SPECIAL:
            raw = b""
        elif len(piece) == 6 and piece[:3] == "<0x" and piece[5] == ">" and piece[3] in _HEX and piece[4] in _HEX:
            raw = bytes([int(piece[3:5], 16)])
        else:
            raw = piece.replace("\u2581", " ").encode("utf-8")
        hit = table[tid] = (raw.decode("utf-8", errors="backslashreplace"), tuple(raw))
    return hit


def completion_logprobs__right_weak_tokenizer_record_cache_single_tolist(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""RIGHT: no per-record ``.item()``: one forward pass under ``torch.inference_mode()``, only the rows ``P - 1 .. T - 2`` widened to float32 and ``log_softmax``-ed, the chosen tokens' logprobs by one ``gather``, the alternatives by one batched ``torch.topk(..., sorted=True)``, and everything brought to Python with three ``.tolist()`` calls. The ``(token, bytes)`` of an id is computed once per tokenizer and kept in a module-level ``weakref.WeakKeyDictionary`` (dies with the tokenizer; a fresh ``list`` is made from the cached tuple for every record, so callers never share one). Checks ``P`` and ``top_n`` first, ``[]`` for ``P == T``. Agrees with a plain version on: the "明日の天気は" + "曇り" record (``\xe6``, ``\x9b``, ``\x87``, ``り``), "The capital of Japan is" + 15 greedy tokens with ``top_n`` 0/5/7, ``P == T`` -> ``[]``, ``ValueError`` for ``P`` 0 / T+1 and ``top_n = -1``, a 300-id bigram toy with a -150 logit (logprob -155.7): same keys, ids, texts, bytes, and logprobs within 1e-6 (checks/check_entries.log)."""
    T = sequence.shape[-1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and T = {T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")
    if prompt_length == T:
        return []
    try:
        table = _RECORDS.get(tokenizer)
        if table is None:
            table = _RECORDS[tokenizer] = {}
    except TypeError:
        table = {}
    with torch.inference_mode():
        logits = model(input_ids=sequence).logits[0, prompt_length - 1 : T - 1]
        lps = torch.log_softmax(logits.float(), dim=-1)
        targets = sequence[0, prompt_length:T]
        chosen = lps.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
        n = min(top_n, lps.shape[-1])
        top_v, top_i = torch.topk(lps, n, dim=-1, sorted=True)
    chosen_l, top_vl, top_il = chosen.tolist(), top_v.tolist(), top_i.tolist()
    records = []
    for tid, lp, vs, ids in zip(targets.tolist(), chosen_l, top_vl, top_il):
        text, raw = _token_and_bytes(tokenizer, table, tid)
        alts = []
        for v, i in zip(vs, ids):
            at, ar = _token_and_bytes(tokenizer, table, i)
            alts.append({"token": at, "bytes": list(ar), "logprob": float(v)})
        records.append({"token": text, "bytes": list(raw), "logprob": float(lp), "top_logprobs": alts})
    return records
