"""Independent catalogue: submissions for exercises/logprobs.py.

Written from the docstring of ``exercises/logprobs.py`` only. Nested functions are used
where a version needs a small piece of code twice (helpers at module level are not allowed
in this catalogue).
"""
from __future__ import annotations

import re
from typing import Any

import torch
from transformers import PreTrainedModel


def completion_logprobs__right_logits_to_keep_topk(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """RIGHT: asks the model only for the logits it needs (``logits_to_keep`` = the last
    ``T - P + 1`` positions, i.e. ``P - 1 .. T - 1``), takes ``log_softmax`` in float32 and
    the alternatives with ``torch.topk``; special tokens recognised by id."""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and T={T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if prompt_length == T:
        return []
    special_ids = set(int(i) for i in tokenizer.all_special_ids)

    def describe(token_id: int) -> tuple[str, list[int]]:
        piece = tokenizer.convert_ids_to_tokens(token_id)
        if token_id in special_ids:
            raw = b""
        elif re.fullmatch(r"<0x[0-9A-Fa-f]{2}>", piece):
            raw = bytes([int(piece[3:5], 16)])
        else:
            raw = piece.replace("\u2581", " ").encode("utf-8")
        return raw.decode("utf-8", errors="backslashreplace"), list(raw)

    generated = T - prompt_length
    with torch.no_grad():
        logits = model(input_ids=sequence, logits_to_keep=generated + 1).logits
    logp = torch.log_softmax(logits[0, :-1, :].float(), dim=-1)
    records = []
    for j in range(generated):
        token_id = int(sequence[0, prompt_length + j])
        text, raw = describe(token_id)
        row = logp[j]
        values, indices = torch.topk(row, min(top_n, row.shape[-1]))
        alternatives = []
        for v, i in zip(values.tolist(), indices.tolist()):
            alt_text, alt_raw = describe(int(i))
            alternatives.append({"token": alt_text, "bytes": alt_raw, "logprob": float(v)})
        records.append({"token": text, "bytes": raw, "logprob": float(row[token_id]), "top_logprobs": alternatives})
    return records


def completion_logprobs__right_logsumexp_stable_sort(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """RIGHT: one full forward pass; log-probabilities as ``x - logsumexp(x)`` in float32
    (no ``log_softmax`` call, still no ``log(softmax)``); alternatives from a stable
    descending sort; special tokens recognised by their piece names; generated tokens' log
    probs gathered in one ``gather``."""
    T = int(sequence.shape[-1])
    if not 1 <= prompt_length <= T:
        raise ValueError(
            f"prompt_length={prompt_length} is outside 1..{T}: the first token has no position before it"
        )
    if top_n < 0:
        raise ValueError(f"top_n cannot be negative (got {top_n})")
    with torch.no_grad():
        x = model(input_ids=sequence).logits[0].to(torch.float32)
    x = x[prompt_length - 1 : T - 1]
    logp = x - torch.logsumexp(x, dim=-1, keepdim=True)
    targets = sequence[0, prompt_length:T].to(torch.long)
    chosen = torch.gather(logp, 1, targets[:, None])[:, 0].tolist()
    special_pieces = set(tokenizer.all_special_tokens)
    byte_piece = re.compile(r"<0x([0-9A-Fa-f]{2})>")

    def entry(token_id: int) -> dict[str, Any]:
        piece = tokenizer.convert_ids_to_tokens(token_id)
        match = byte_piece.fullmatch(piece)
        if piece in special_pieces:
            raw = b""
        elif match:
            raw = bytes.fromhex(match.group(1))
        else:
            raw = piece.replace("\u2581", " ").encode("utf-8")
        return {"token": raw.decode("utf-8", errors="backslashreplace"), "bytes": [b for b in raw]}

    out = []
    for j, token_id in enumerate(targets.tolist()):
        record = entry(token_id)
        record["logprob"] = float(chosen[j])
        if top_n == 0:
            record["top_logprobs"] = []
        else:
            values, order = torch.sort(logp[j], descending=True, stable=True)
            alts = []
            for v, i in zip(values[:top_n].tolist(), order[:top_n].tolist()):
                alt = entry(i)
                alt["logprob"] = float(v)
                alts.append(alt)
            record["top_logprobs"] = alts
        out.append(record)
    return out


def completion_logprobs__wrong_logits_at_t(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: reads the distribution at position ``t`` (the prediction of the NEXT token).
    Violates: "that distribution is ``log_softmax`` of the logits at position ``t - 1``" /
    "Reading the logits at position ``t`` instead of ``t - 1``"."""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError("prompt_length out of range")
    if top_n < 0:
        raise ValueError("top_n must be >= 0")
    with torch.no_grad():
        logp = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1)
    special = set(tokenizer.all_special_ids)

    def info(i: int):
        piece = tokenizer.convert_ids_to_tokens(i)
        if i in special:
            raw = b""
        elif re.fullmatch(r"<0x[0-9A-F]{2}>", piece):
            raw = bytes([int(piece[3:5], 16)])
        else:
            raw = piece.replace("\u2581", " ").encode("utf-8")
        return raw.decode("utf-8", errors="backslashreplace"), list(raw)

    records = []
    for t in range(prompt_length, T):
        token_id = int(sequence[0, t])
        row = logp[t]
        text, raw = info(token_id)
        values, indices = torch.topk(row, top_n)
        alts = [dict(zip(("token", "bytes"), info(int(i))), logprob=float(v)) for v, i in zip(values, indices)]
        records.append({"token": text, "bytes": raw, "logprob": float(row[token_id]), "top_logprobs": alts})
    return records


def completion_logprobs__wrong_log_of_softmax(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: ``torch.log(torch.softmax(...))``: a probability that underflows in float32
    gives ``-inf`` instead of a finite log-probability. Violates: "``torch.log(torch.softmax(x))``:
    ... its log is ``-inf``; ``torch.log_softmax`` stays finite. Always use ``log_softmax``."""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError("prompt_length out of range")
    if top_n < 0:
        raise ValueError("top_n must be >= 0")
    with torch.no_grad():
        logp = torch.log(torch.softmax(model(input_ids=sequence).logits[0].float(), dim=-1))
    special = set(tokenizer.all_special_ids)

    def info(i: int):
        piece = tokenizer.convert_ids_to_tokens(i)
        if i in special:
            raw = b""
        elif re.fullmatch(r"<0x[0-9A-F]{2}>", piece):
            raw = bytes([int(piece[3:5], 16)])
        else:
            raw = piece.replace("\u2581", " ").encode("utf-8")
        return raw.decode("utf-8", errors="backslashreplace"), list(raw)

    records = []
    for t in range(prompt_length, T):
        token_id = int(sequence[0, t])
        row = logp[t - 1]
        text, raw = info(token_id)
        values, indices = torch.topk(row, top_n)
        alts = [dict(zip(("token", "bytes"), info(int(i))), logprob=float(v)) for v, i in zip(values, indices)]
        records.append({"token": text, "bytes": raw, "logprob": float(row[token_id]), "top_logprobs": alts})
    return records


def completion_logprobs__wrong_decode_for_text(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: ``token = tokenizer.decode([id])`` and ``bytes = list(token.encode())``: the
    space of '▁' is lost and a lone byte becomes '�' = [239, 191, 189]. Violates:
    "``tokenizer.decode([id])`` for the text: it drops the space of ``'▁'`` and turns a lone
    byte into ``'�'``"."""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError("prompt_length out of range")
    if top_n < 0:
        raise ValueError("top_n must be >= 0")
    with torch.no_grad():
        logp = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1)
    records = []
    for t in range(prompt_length, T):
        token_id = int(sequence[0, t])
        row = logp[t - 1]
        text = tokenizer.decode([token_id])
        values, indices = torch.topk(row, top_n)
        alts = []
        for v, i in zip(values.tolist(), indices.tolist()):
            alt = tokenizer.decode([i])
            alts.append({"token": alt, "bytes": list(alt.encode("utf-8")), "logprob": v})
        records.append(
            {"token": text, "bytes": list(text.encode("utf-8")), "logprob": float(row[token_id]), "top_logprobs": alts}
        )
    return records


def completion_logprobs__wrong_prompt_length_zero_accepted(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: only checks ``prompt_length > T``; ``prompt_length = 0`` silently reads
    ``logits[-1]`` (Python's wrap-around) for the first token and returns a record for it.
    Violates: "``prompt_length < 1`` or ``> T`` raises ``ValueError``: the very first token
    has no position before it"."""
    T = sequence.shape[1]
    if prompt_length > T:
        raise ValueError("prompt_length is longer than the sequence")
    if top_n < 0:
        raise ValueError("top_n must be >= 0")
    with torch.no_grad():
        logp = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1)
    special = set(tokenizer.all_special_ids)

    def info(i: int):
        piece = tokenizer.convert_ids_to_tokens(i)
        if i in special:
            raw = b""
        elif re.fullmatch(r"<0x[0-9A-F]{2}>", piece):
            raw = bytes([int(piece[3:5], 16)])
        else:
            raw = piece.replace("\u2581", " ").encode("utf-8")
        return raw.decode("utf-8", errors="backslashreplace"), list(raw)

    records = []
    for t in range(prompt_length, T):
        token_id = int(sequence[0, t])
        row = logp[t - 1]
        text, raw = info(token_id)
        values, indices = torch.topk(row, top_n)
        alts = [dict(zip(("token", "bytes"), info(int(i))), logprob=float(v)) for v, i in zip(values, indices)]
        records.append({"token": text, "bytes": raw, "logprob": float(row[token_id]), "top_logprobs": alts})
    return records


def completion_logprobs__wrong_replacement_char(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: bytes are right, but the text is decoded with ``errors="replace"``, so a lone
    byte shows as '�' instead of the escape ``\\xe6``. Violates: "write it as the
    4-character escape ``\\xe6`` ... ``bytes(raw).decode("utf-8",
    errors="backslashreplace")``"."""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError("prompt_length out of range")
    if top_n < 0:
        raise ValueError("top_n must be >= 0")
    with torch.no_grad():
        logp = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1)
    special = set(tokenizer.all_special_ids)

    def info(i: int):
        piece = tokenizer.convert_ids_to_tokens(i)
        if i in special:
            raw = b""
        elif re.fullmatch(r"<0x[0-9A-F]{2}>", piece):
            raw = bytes([int(piece[3:5], 16)])
        else:
            raw = piece.replace("\u2581", " ").encode("utf-8")
        return raw.decode("utf-8", errors="replace"), list(raw)

    records = []
    for t in range(prompt_length, T):
        token_id = int(sequence[0, t])
        row = logp[t - 1]
        text, raw = info(token_id)
        values, indices = torch.topk(row, top_n)
        alts = [dict(zip(("token", "bytes"), info(int(i))), logprob=float(v)) for v, i in zip(values, indices)]
        records.append({"token": text, "bytes": raw, "logprob": float(row[token_id]), "top_logprobs": alts})
    return records


def completion_logprobs__wrong_tensor_alternative_logprobs(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: the main ``logprob`` is a float, but the alternatives keep the 0-d tensors that
    ``torch.topk`` returned. Violates: "plain Python ``str``, ``int`` and ``float`` inside, no
    tensors."""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError("prompt_length out of range")
    if top_n < 0:
        raise ValueError("top_n must be >= 0")
    with torch.no_grad():
        logp = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1)
    special = set(tokenizer.all_special_ids)

    def info(i: int):
        piece = tokenizer.convert_ids_to_tokens(i)
        if i in special:
            raw = b""
        elif re.fullmatch(r"<0x[0-9A-F]{2}>", piece):
            raw = bytes([int(piece[3:5], 16)])
        else:
            raw = piece.replace("\u2581", " ").encode("utf-8")
        return raw.decode("utf-8", errors="backslashreplace"), list(raw)

    records = []
    for t in range(prompt_length, T):
        token_id = int(sequence[0, t])
        row = logp[t - 1]
        text, raw = info(token_id)
        values, indices = torch.topk(row, top_n)
        alts = [dict(zip(("token", "bytes"), info(int(i))), logprob=v) for v, i in zip(values, indices)]
        records.append({"token": text, "bytes": raw, "logprob": float(row[token_id]), "top_logprobs": alts})
    return records


def completion_logprobs__wrong_special_tokens_as_text(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: no special case for special tokens: a generated ``</s>`` comes out as the text
    '</s>' with bytes [60, 47, 115, 62]. Violates: "a special token (``<s>``, ``</s>``,
    ``<unk>``: ``tokenizer.all_special_ids``) stands for no text, ``[]``"."""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError("prompt_length out of range")
    if top_n < 0:
        raise ValueError("top_n must be >= 0")
    with torch.no_grad():
        logp = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1)

    def info(i: int):
        piece = tokenizer.convert_ids_to_tokens(i)
        if re.fullmatch(r"<0x[0-9A-F]{2}>", piece):
            raw = bytes([int(piece[3:5], 16)])
        else:
            raw = piece.replace("\u2581", " ").encode("utf-8")
        return raw.decode("utf-8", errors="backslashreplace"), list(raw)

    records = []
    for t in range(prompt_length, T):
        token_id = int(sequence[0, t])
        row = logp[t - 1]
        text, raw = info(token_id)
        values, indices = torch.topk(row, top_n)
        alts = [dict(zip(("token", "bytes"), info(int(i))), logprob=float(v)) for v, i in zip(values, indices)]
        records.append({"token": text, "bytes": raw, "logprob": float(row[token_id]), "top_logprobs": alts})
    return records


def completion_logprobs__wrong_negative_top_n_slices(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: no check on ``top_n``; the alternatives are ``sorted[:top_n]``, so
    ``top_n = -1`` quietly returns all but one token of the vocabulary. Violates: "A negative
    ``top_n`` raises ``ValueError``"."""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError("prompt_length out of range")
    with torch.no_grad():
        logp = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1)
    special = set(tokenizer.all_special_ids)

    def info(i: int):
        piece = tokenizer.convert_ids_to_tokens(i)
        if i in special:
            raw = b""
        elif re.fullmatch(r"<0x[0-9A-F]{2}>", piece):
            raw = bytes([int(piece[3:5], 16)])
        else:
            raw = piece.replace("\u2581", " ").encode("utf-8")
        return raw.decode("utf-8", errors="backslashreplace"), list(raw)

    records = []
    for t in range(prompt_length, T):
        token_id = int(sequence[0, t])
        row = logp[t - 1]
        text, raw = info(token_id)
        values, indices = torch.sort(row, descending=True)
        alts = [
            dict(zip(("token", "bytes"), info(int(i))), logprob=float(v))
            for v, i in zip(values[:top_n].tolist(), indices[:top_n].tolist())
        ]
        records.append({"token": text, "bytes": raw, "logprob": float(row[token_id]), "top_logprobs": alts})
    return records
