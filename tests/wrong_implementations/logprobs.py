"""Wrong versions of completion_logprobs that learners really write.

Each function is named ``completion_logprobs__<mistake>``; the hidden suite must take points
from every one of them (tests/test_wrong_implementations.py).
"""
import torch


def _entry(tokenizer, token_id, logprob):
    piece = tokenizer.convert_ids_to_tokens(int(token_id))
    if int(token_id) in tokenizer.all_special_ids:
        raw = b""
    elif piece.startswith("<0x") and piece.endswith(">") and len(piece) == 6:
        value = int(piece[3:5], 16)
        raw = bytes([value])
    else:
        raw = piece.replace("\u2581", " ").encode("utf-8")
    return {"token": raw.decode("utf-8", errors="backslashreplace"), "bytes": list(raw), "logprob": float(logprob)}


def _records(tokenizer, logprobs, sequence, positions, rows, top_n, entry=_entry, sort=True):
    records = []
    for position, row_index in zip(positions, rows):
        row = logprobs[row_index]
        token_id = int(sequence[0, position])
        record = entry(tokenizer, token_id, row[token_id].item())
        values, indices = torch.topk(row, top_n, sorted=True)
        if not sort:  # back in vocabulary order
            order = torch.argsort(indices)
            values, indices = values[order], indices[order]
        record["top_logprobs"] = [entry(tokenizer, int(i), v.item()) for v, i in zip(values, indices)]
        records.append(record)
    return records


def _logits(model, sequence):
    with torch.no_grad():
        return model(input_ids=sequence).logits[0].float()


def _check(sequence, prompt_length):
    if not 1 <= prompt_length <= sequence.shape[1]:
        raise ValueError("prompt_length out of range")


def completion_logprobs__same_position(model, tokenizer, sequence, prompt_length, top_n=5):
    """Reads the logits at t for the token at t (off by one)."""
    _check(sequence, prompt_length)
    logprobs = torch.log_softmax(_logits(model, sequence), dim=-1)
    positions = range(prompt_length, sequence.shape[1])
    return _records(tokenizer, logprobs, sequence, positions, positions, top_n)


def completion_logprobs__log_of_softmax(model, tokenizer, sequence, prompt_length, top_n=5):
    """log(softmax(x)): -inf for tokens whose probability underflows float32."""
    _check(sequence, prompt_length)
    logprobs = torch.log(torch.softmax(_logits(model, sequence), dim=-1))
    positions = range(prompt_length, sequence.shape[1])
    return _records(tokenizer, logprobs, sequence, positions, [t - 1 for t in positions], top_n)


def completion_logprobs__top_unsorted(model, tokenizer, sequence, prompt_length, top_n=5):
    """The right alternatives, but in vocabulary order instead of highest first."""
    _check(sequence, prompt_length)
    logprobs = torch.log_softmax(_logits(model, sequence), dim=-1)
    positions = range(prompt_length, sequence.shape[1])
    return _records(tokenizer, logprobs, sequence, positions, [t - 1 for t in positions], top_n, sort=False)


def completion_logprobs__includes_prompt(model, tokenizer, sequence, prompt_length, top_n=5):
    """A record for every token that has a position before it, prompt included."""
    _check(sequence, prompt_length)
    logprobs = torch.log_softmax(_logits(model, sequence), dim=-1)
    positions = range(1, sequence.shape[1])
    return _records(tokenizer, logprobs, sequence, positions, [t - 1 for t in positions], top_n)


def completion_logprobs__bytes_from_decode(model, tokenizer, sequence, prompt_length, top_n=5):
    """token = tokenizer.decode([id]): loses the '▁' space and turns a lone byte into '�'."""
    _check(sequence, prompt_length)

    def entry(tok, token_id, logprob):
        text = tok.decode([int(token_id)])
        return {"token": text, "bytes": list(text.encode("utf-8")), "logprob": float(logprob)}

    logprobs = torch.log_softmax(_logits(model, sequence), dim=-1)
    positions = range(prompt_length, sequence.shape[1])
    return _records(tokenizer, logprobs, sequence, positions, [t - 1 for t in positions], top_n, entry=entry)


def completion_logprobs__raw_piece(model, tokenizer, sequence, prompt_length, top_n=5):
    """token = the piece itself ('▁Tokyo', '<0xE6>'), bytes its UTF-8."""
    _check(sequence, prompt_length)

    def entry(tok, token_id, logprob):
        piece = tok.convert_ids_to_tokens(int(token_id))
        return {"token": piece, "bytes": list(piece.encode("utf-8")), "logprob": float(logprob)}

    logprobs = torch.log_softmax(_logits(model, sequence), dim=-1)
    positions = range(prompt_length, sequence.shape[1])
    return _records(tokenizer, logprobs, sequence, positions, [t - 1 for t in positions], top_n, entry=entry)


def completion_logprobs__probabilities(model, tokenizer, sequence, prompt_length, top_n=5):
    """softmax instead of log_softmax."""
    _check(sequence, prompt_length)
    probs = torch.softmax(_logits(model, sequence), dim=-1)
    positions = range(prompt_length, sequence.shape[1])
    return _records(tokenizer, probs, sequence, positions, [t - 1 for t in positions], top_n)


def completion_logprobs__temperature_applied(model, tokenizer, sequence, prompt_length, top_n=5):
    """The logits divided by a sampling temperature (0.7) before log_softmax."""
    _check(sequence, prompt_length)
    logprobs = torch.log_softmax(_logits(model, sequence) / 0.7, dim=-1)
    positions = range(prompt_length, sequence.shape[1])
    return _records(tokenizer, logprobs, sequence, positions, [t - 1 for t in positions], top_n)


def completion_logprobs__no_validation(model, tokenizer, sequence, prompt_length, top_n=5):
    """prompt_length 0 wraps around to the last row (logits[-1]) instead of raising."""
    logprobs = torch.log_softmax(_logits(model, sequence), dim=-1)
    positions = range(prompt_length, sequence.shape[1])
    return _records(tokenizer, logprobs, sequence, positions, [t - 1 for t in positions], top_n)


def _check_top_n(top_n):
    if top_n < 0:
        raise ValueError("top_n must be >= 0")


def _right_records(model, tokenizer, sequence, prompt_length, top_n):
    logprobs = torch.log_softmax(_logits(model, sequence), dim=-1)
    positions = range(prompt_length, sequence.shape[1])
    return _records(tokenizer, logprobs, sequence, positions, [t - 1 for t in positions], top_n)


def completion_logprobs__rejects_empty_completion(model, tokenizer, sequence, prompt_length, top_n=5):
    """Edge case missed: prompt_length == T (nothing generated) raises instead of returning []."""
    if not 1 <= prompt_length < sequence.shape[1]:
        raise ValueError("prompt_length out of range")
    _check_top_n(top_n)
    return _right_records(model, tokenizer, sequence, prompt_length, top_n)


def completion_logprobs__accepts_prompt_longer_than_sequence(model, tokenizer, sequence, prompt_length, top_n=5):
    """Error missed: only prompt_length < 1 is rejected; prompt_length > T quietly returns []."""
    if prompt_length < 1:
        raise ValueError("prompt_length must be >= 1")
    _check_top_n(top_n)
    return _right_records(model, tokenizer, sequence, prompt_length, top_n)


def completion_logprobs__negative_top_n_not_rejected(model, tokenizer, sequence, prompt_length, top_n=5):
    """Error missed: a negative top_n is not rejected with ValueError (torch.topk fails with RuntimeError)."""
    _check(sequence, prompt_length)
    return _right_records(model, tokenizer, sequence, prompt_length, top_n)


def completion_logprobs__rejects_top_n_zero(model, tokenizer, sequence, prompt_length, top_n=5):
    """Edge case missed: top_n = 0 raises instead of giving empty top_logprobs lists."""
    _check(sequence, prompt_length)
    if top_n < 1:
        raise ValueError("top_n must be >= 1")
    return _right_records(model, tokenizer, sequence, prompt_length, top_n)
