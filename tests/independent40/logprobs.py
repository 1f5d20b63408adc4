"""Fortieth examiner: logprobs.py entries (the learner who builds on their own earlier answers)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import math
import re
from typing import Any

import torch

if TYPE_CHECKING:  # for the type hints only, as in the stub
    from transformers import PreTrainedModel


def _my_piece_bytes(piece: str) -> bytes:
    """The learner's own exercise-2 answer."""
    if re.fullmatch(r"<0x[0-9A-F]{2}>", piece):
        return bytes([int(piece[3:5], 16)])
    if piece in ("<unk>", "<s>", "</s>"):
        return b""
    return piece.replace("\u2581", " ").encode("utf-8")


def _my_top_k_table(probs: torch.Tensor, tokenizer, k: int = 10) -> list[tuple[int, str, float]]:
    """The learner's own exercise-9 answer: ``min(k, vocab)`` rows, highest first, ties lower id first."""
    n = max(0, min(k, probs.shape[-1]))
    vals, idx = torch.sort(probs, descending=True, stable=True)
    return [(int(i), tokenizer.decode([int(i)]), float(v)) for v, i in zip(vals[:n].tolist(), idx[:n].tolist())]


def _my_record(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    raw = _my_piece_bytes(tokenizer.convert_ids_to_tokens(int(token_id)))
    return {"token": raw.decode("utf-8", errors="backslashreplace"), "bytes": list(raw), "logprob": float(logprob)}


def _my_checks(sequence, prompt_length, top_n) -> None:
    T = sequence.shape[-1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and T = {T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")


def completion_logprobs__wrong_alternatives_from_own_top_k_table(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: the chosen token's ``logprob`` is done as the pitfall says (one float32 forward pass, ``log_softmax`` at ``t - 1``), but the ``top_logprobs`` reuse the learner's own ``top_k_table`` -- ``_my_top_k_table(softmax(row), tokenizer, top_n)`` -- whose contract is a table of PROBABILITIES (a float per row); the learner takes ``math.log`` of each, guarded with ``-inf`` for 0 after the first ``math domain error``. For every ordinary alternative this equals the log-softmax to float32 rounding; but an alternative whose float32 probability underflows to 0 (a logit about 104 below the row's best) comes back as ``-inf`` instead of its finite logprob. Bytes, token text, ordering, four keys, the errors and ``[]`` are all right. Violates: "``torch.log(torch.softmax(x))``: a probability below ~1e-45 rounds to 0 in float32 and its log is ``-inf``; ``torch.log_softmax`` stays finite. Always use ``log_softmax``." [witness: float32 ``BigramModel`` (300 ids) whose row 72 is 0 for ids 72..74 and -200 elsewhere, sequence ``[[1, 72, 73]]``, ``P = 2``, ``top_n = 5``: the 4th and 5th alternatives (ids 0 and 1) -> ``-inf``; plain -201.0986. Passes: the 曇り records (``\\xe6`` [230], ``\\x9b`` [155], ``\\x87`` [135], ``り`` [227, 130, 138]) with every logprob equal to plain within 5.3e-07 (on 5 sequences and ``top_n`` 0 and 12), "The capital of Japan is" + 5 greedy tokens (``▁Tokyo`` record), ``[]`` for ``P = T``, four ``ValueError``s, ``top_n = 0`` (checks/check_entries.log).]"""
    _my_checks(sequence, prompt_length, top_n)
    T = sequence.shape[-1]
    if prompt_length == T:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    records = []
    for t in range(prompt_length, T):
        row = logits[t - 1]
        tid = int(sequence[0, t])
        rec = _my_record(tokenizer, tid, torch.log_softmax(row, dim=-1)[tid])
        table = _my_top_k_table(torch.softmax(row, dim=-1), tokenizer, top_n)
        rec["top_logprobs"] = [_my_record(tokenizer, i, math.log(p) if p > 0 else float("-inf")) for i, _, p in table]
        records.append(rec)
    return records


def completion_logprobs__right_own_top_k_table_ranks_log_softmax(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """RIGHT: the same reuse of the learner's own ``top_k_table``, adapted: it is handed the float32 LOG-softmax row instead of probabilities. The table only ranks and converts (stable sort, ``min(k, vocab)`` rows, ``float``), and the log keeps the order, so its third column IS each alternative's logprob, finite where a probability would underflow; its decoded text (which drops the ``'▁'`` space and turns lone bytes into ``'�'``) is ignored and every record's ``token``/``bytes`` come from the learner's own ``piece_bytes``. ``top_n = 0`` gives ``[]`` rows by the table's own ``min(k, vocab)``; the errors are checked first. Agrees with a plain version on: the 曇り sequence, "The capital of Japan is" + 5, "Once upon a time," + 8, ``P = 1``, ``P = T`` (``[]``), ``top_n`` 0 and 12 (all records identical, max diff 0), the 300-id toy with -200 logits (finite -201.0986), four ``ValueError``s (checks/check_entries.log)."""
    _my_checks(sequence, prompt_length, top_n)
    T = sequence.shape[-1]
    if prompt_length == T:
        return []
    with torch.no_grad():
        logp = torch.log_softmax(model(input_ids=sequence).logits[0, prompt_length - 1 : T - 1].float(), dim=-1)
    records = []
    for row, tid in zip(logp, sequence[0, prompt_length:].tolist()):
        rec = _my_record(tokenizer, tid, row[tid])
        rec["top_logprobs"] = [_my_record(tokenizer, i, lp) for i, _text, lp in _my_top_k_table(row, tokenizer, top_n)]
        records.append(rec)
    return records
