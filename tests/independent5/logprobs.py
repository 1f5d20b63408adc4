"""Independent catalogue, fifth examiner: submissions for exercises/logprobs.py.

Written from the docstring of ``exercises/logprobs.py`` only, avoiding every mistake and every
style already in rounds 1 to 4 (``tests/independent*/logprobs.py``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def _completion_logprobs__wrong_early_return_skips_top_n_check_entry(tokenizer, token_id, logprob):
    piece = tokenizer.convert_ids_to_tokens(int(token_id))
    if int(token_id) in set(tokenizer.all_special_ids):
        raw = b""
    elif len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        raw = bytes([int(piece[3:5], 16)])
    else:
        raw = piece.replace("\u2581", " ").encode("utf-8")
    return {"token": raw.decode("utf-8", errors="backslashreplace"), "bytes": list(raw), "logprob": float(logprob)}


def completion_logprobs__wrong_early_return_skips_top_n_check(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: returns ``[]`` for "nothing generated" first and checks ``top_n`` only after
    that, so a negative ``top_n`` with ``prompt_length == T`` is accepted. Violates: "A
    negative ``top_n`` raises ``ValueError``" [``prompt_length = T``, ``top_n = -1``]"""
    T = sequence.shape[-1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be in [1, {T}], got {prompt_length}")
    if prompt_length == T:
        return []
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    logp = torch.log_softmax(logits, dim=-1)
    records = []
    for t in range(prompt_length, T):
        row = logp[t - 1]
        tok = int(sequence[0, t])
        rec = _completion_logprobs__wrong_early_return_skips_top_n_check_entry(tokenizer, tok, row[tok].item())
        vals, idx = torch.topk(row, top_n)
        rec["top_logprobs"] = [
            _completion_logprobs__wrong_early_return_skips_top_n_check_entry(tokenizer, i, v)
            for i, v in zip(idx.tolist(), vals.tolist())
        ]
        records.append(rec)
    return records


def _completion_logprobs__right_model_reads_all_but_last_entry(tokenizer, token_id, logprob):
    i = int(token_id)
    if i in tokenizer.all_special_ids:
        raw = b""
    else:
        piece = tokenizer.convert_ids_to_tokens(i)
        if len(piece) == 6 and piece[:3] == "<0x" and piece[5] == ">" and all(c in "0123456789ABCDEF" for c in piece[3:5]):
            raw = bytes.fromhex(piece[3:5])
        else:
            raw = "".join(" " if c == "\u2581" else c for c in piece).encode("utf-8")
    return {"token": raw.decode("utf-8", errors="backslashreplace"), "bytes": [b for b in raw], "logprob": float(logprob)}


def completion_logprobs__right_model_reads_all_but_last(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """RIGHT: runs the model on ``sequence[:, :-1]`` only (the last token's logits predict
    nothing that is asked for), so logits position ``t - 1`` lines up with target ``t``
    without a shift; ``gather`` picks the chosen tokens' logprobs for all positions at once
    (float32 log-softmax), ties among alternatives in id order by a stable sort."""
    T = int(sequence.shape[-1])
    if isinstance(top_n, bool) or top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if not 1 <= prompt_length <= T:
        raise ValueError(f"prompt_length must be between 1 and T={T}, got {prompt_length}")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence[:, :-1]).logits[0]
    logp = torch.log_softmax(logits.float(), dim=-1)[prompt_length - 1 :]
    targets = sequence[0, prompt_length:].to(logp.device)
    chosen = logp.gather(-1, targets[:, None])[:, 0].tolist()
    k = min(top_n, logp.shape[-1])
    top_v, top_i = torch.sort(logp, dim=-1, descending=True, stable=True)
    out = []
    for r, (tid, lp) in enumerate(zip(targets.tolist(), chosen)):
        rec = _completion_logprobs__right_model_reads_all_but_last_entry(tokenizer, tid, lp)
        rec["top_logprobs"] = [
            _completion_logprobs__right_model_reads_all_but_last_entry(tokenizer, i, v)
            for i, v in zip(top_i[r, :k].tolist(), top_v[r, :k].tolist())
        ]
        out.append(rec)
    return out
