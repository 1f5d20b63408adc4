"""Twenty-sixth examiner: logprobs.py entries (it works on the bundled model)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def _completion_logprobs__right_byte_value_from_id_offset_record(tokenizer, specials, token_id, logprob):
    if token_id in specials:
        raw = []
    elif 3 <= token_id <= 258:
        raw = [token_id - 3]
    else:
        raw = list(tokenizer.convert_ids_to_tokens(token_id).replace("\u2581", " ").encode("utf-8"))
    return {"token": bytes(raw).decode("utf-8", errors="backslashreplace"), "bytes": raw, "logprob": float(logprob)}


def completion_logprobs__right_byte_value_from_id_offset(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """RIGHT (written as WRONG; reclassified by the project, see the README: the docstring now says the tokenizer is Mistral-7B-v0.1's in the tests, whose byte pieces are ids 3-258, and the grader can pass no other). Takes the byte-fallback layout from ``exercises/tokens.py`` ("byte-fallback pieces ``'<0x00>'`` ... ``'<0xFF>'`` (ids 3-258)") and skips the piece: an id ``3 <= id <= 258`` is the byte ``id - 3``; specials (``tokenizer.all_special_ids``) give ``[]``; any other id is its piece with ``'▁'`` as a space, UTF-8. Everything else is the docstring's (the checks, one float32 forward pass, ``log_softmax`` at ``t - 1``, four keys, ``backslashreplace``, the ``top_n`` alternatives by a stable descending sort). On Mistral-7B-v0.1's vocabulary, the tiny model's, ids 3-258 are exactly ``'<0x00>'`` ... ``'<0xFF>'`` (checked), so the worked example comes out right; on a vocabulary that puts other pieces before the byte pieces (control tokens such as ``[INST]``, as newer vocabularies do) every byte is off and the id-3 piece is read as a byte. Violates: "a byte-fallback piece ``'<0xE6>'`` is the one byte ``0xE6``" [witness: a toy ``PreTrainedTokenizerFast`` (WordLevel) with ``<unk> <s> </s>`` at 0-2, ``[INST] [/INST]`` at 3-4 (special), ``'<0x00>'`` ... ``'<0xFF>'`` at 5-260, then ``▁The ▁Tokyo り ▁is .``, and a ``BigramModel`` of those 266 ids; sequence ``<s> ▁The <0xE6> <0x9B> <0x87> り``, ``prompt_length`` 2: WRONG records ``('\\xe8', [232]), ('\\x9d', [157]), ('\\x89', [137]), ('り', [227, 130, 138])``, plain ``('\\xe6', [230]), ('\\x9b', [155]), ('\\x87', [135]), ('り', [227, 130, 138])`` (the logprobs are equal). On the tiny model WRONG equals plain on 6 of 6 cases (the worked example, ``▁Tokyo . </s>``, a random 40-id sequence with ``P`` 1/10/20/30 and ``top_n`` 0/1/5/40).]"""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and T={T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if prompt_length == T:
        return []
    specials = set(tokenizer.all_special_ids)
    with torch.no_grad():
        logprobs = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1)
    records = []
    for t in range(prompt_length, T):
        row = logprobs[t - 1]
        token_id = int(sequence[0, t])
        record = _completion_logprobs__right_byte_value_from_id_offset_record(tokenizer, specials, token_id, row[token_id])
        values, order = torch.sort(row, descending=True, stable=True)
        record["top_logprobs"] = [
            _completion_logprobs__right_byte_value_from_id_offset_record(tokenizer, specials, int(j), v)
            for v, j in zip(values[:top_n].tolist(), order[:top_n].tolist())
        ]
        records.append(record)
    return records


def _completion_logprobs__right_byte_ids_looked_up_by_name_table(tokenizer):
    unk = tokenizer.unk_token_id
    table = {}
    for value in range(256):
        token_id = tokenizer.convert_tokens_to_ids(f"<0x{value:02X}>")
        if token_id is not None and token_id != unk:
            table[token_id] = value
    return table


def completion_logprobs__right_byte_ids_looked_up_by_name(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """RIGHT: never parses a byte piece: it asks the tokenizer where the 256 byte pieces are, ``tokenizer.convert_tokens_to_ids(f"<0x{b:02X}>")`` for ``b`` in 0..255 (an answer equal to ``unk_token_id`` means "no such piece"), and keeps the table ``{id: b}``; an id found there is the byte ``[b]``, a special id (``tokenizer.all_special_ids``) is ``[]``, any other id is its piece with ``'▁'`` as a space, UTF-8. So it holds for any layout of the vocabulary, not only ids 3-258. The logprobs are ``log_softmax`` of the float32 logits of positions ``P - 1 .. T - 2`` only (one forward pass, then ``narrow``), the alternatives ``torch.sort(..., descending=True, stable=True)`` of all those rows at once. A grader that looks for ``int(piece[3:5], 16)`` or ``piece_bytes`` could mark it down. Agrees with a plain version on: the worked example (``\\xe6``, ``\\x9b``, ``\\x87``, ``り``), the ``▁Tokyo`` record, ``[]`` for ``P = T``, the three ``ValueError``s, ``top_n = 0``; 6 of 6 cases on the tiny model bit-equal (those two sequences, a random 40-id sequence with ``P`` 1/10/20/30 and ``top_n`` 0/1/5/40); 3 of 3 on a bfloat16 copy of it (ties compared as sets); 4 of 4 on a toy tokenizer whose byte pieces sit at ids 5-260 with a ``BigramModel`` of its 266 ids (``top_n`` up to 266), where the id-offset entry fails; a bfloat16 ``BigramModel`` of 8 ids with the tiny tokenizer."""
    T = sequence.shape[1]
    if not 1 <= prompt_length <= T:
        raise ValueError(f"prompt_length must satisfy 1 <= prompt_length <= T={T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if prompt_length == T:
        return []
    byte_of = _completion_logprobs__right_byte_ids_looked_up_by_name_table(tokenizer)
    specials = frozenset(tokenizer.all_special_ids)

    def record(token_id, logprob):
        if token_id in specials:
            raw = []
        elif token_id in byte_of:
            raw = [byte_of[token_id]]
        else:
            raw = list(tokenizer.convert_ids_to_tokens(token_id).replace("\u2581", " ").encode("utf-8"))
        return {"token": bytes(raw).decode("utf-8", errors="backslashreplace"), "bytes": raw, "logprob": float(logprob)}

    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0]
    rows = torch.log_softmax(logits.narrow(0, prompt_length - 1, T - prompt_length).float(), dim=-1)
    values, order = torch.sort(rows, dim=-1, descending=True, stable=True)
    targets = sequence[0, prompt_length:].tolist()
    chosen = rows.gather(1, sequence[0, prompt_length:].unsqueeze(1)).squeeze(1).tolist()
    records = []
    for i, token_id in enumerate(targets):
        rec = record(int(token_id), chosen[i])
        rec["top_logprobs"] = [record(int(j), v) for v, j in zip(values[i, :top_n].tolist(), order[i, :top_n].tolist())]
        records.append(rec)
    return records
