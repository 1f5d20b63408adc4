"""Wrong versions of the top-k exercises that learners really write.

Each function is named ``<exercise function>__<mistake>``; the hidden suite must take points
from every one of them (tests/test_suites.py).
"""
import torch


def _valid(k):
    if k < 1:
        raise ValueError("k must be >= 1")


def top_k_mask__sorted_order(probs, k):
    _valid(k)
    k = min(k, probs.shape[-1])
    mask = torch.zeros_like(probs, dtype=torch.bool)
    mask[..., :k] = True  # the first k places of the SORTED row, not the tokens' own places
    return mask


def top_k_mask__exactly_k_ignores_ties(probs, k):
    _valid(k)
    k = min(k, probs.shape[-1])
    indices = torch.topk(probs, k, dim=-1).indices
    return torch.zeros_like(probs, dtype=torch.bool).scatter(-1, indices, True)


def top_k_mask__whole_batch(probs, k):
    _valid(k)
    flat = probs.flatten()
    threshold = torch.topk(flat, min(k, flat.numel())).values[-1]
    return probs >= threshold


def top_k_mask__strictly_greater(probs, k):
    _valid(k)
    k = min(k, probs.shape[-1])
    threshold = torch.topk(probs, k, dim=-1).values[..., -1:]
    return probs > threshold


def top_k_mask__smallest_k(probs, k):
    _valid(k)
    k = min(k, probs.shape[-1])
    threshold = torch.topk(probs, k, dim=-1, largest=False).values[..., -1:]
    return probs <= threshold


def top_k_mask__inverted(probs, k):
    _valid(k)
    k = min(k, probs.shape[-1])
    threshold = torch.topk(probs, k, dim=-1).values[..., -1:]
    return probs < threshold


def top_k_mask__no_clamp_to_vocab(probs, k):
    _valid(k)
    threshold = torch.topk(probs, k, dim=-1).values[..., -1:]
    return probs >= threshold


def top_k_mask__no_validation(probs, k):
    k = min(k, probs.shape[-1])
    if k < 1:
        return torch.zeros_like(probs, dtype=torch.bool)
    threshold = torch.topk(probs, k, dim=-1).values[..., -1:]
    return probs >= threshold


def top_k_table__raw_pieces(probs, tokenizer, k=10):
    values, ids = torch.sort(probs, descending=True, stable=True)
    pieces = tokenizer.convert_ids_to_tokens(ids[:k].tolist())
    return [(i, piece, v) for i, piece, v in zip(ids[:k].tolist(), pieces, values[:k].tolist())]


def top_k_table__tensors(probs, tokenizer, k=10):
    values, ids = torch.sort(probs, descending=True, stable=True)
    return [(ids[r], tokenizer.decode([int(ids[r])]), values[r]) for r in range(min(k, len(ids)))]


def top_k_table__ascending(probs, tokenizer, k=10):
    values, ids = torch.sort(probs, stable=True)
    values, ids = values[-k:], ids[-k:]
    return [(i, tokenizer.decode([i]), v) for i, v in zip(ids.tolist(), values.tolist())]


def top_k_table__topk_tie_order(probs, tokenizer, k=10):
    values, ids = probs.topk(min(k, probs.numel()))
    return [(i, tokenizer.decode([i]), v) for i, v in zip(ids.tolist(), values.tolist())]


def top_k_table__topk_then_resorts_ties(probs, tokenizer, k=10):
    """Edge case missed: torch.topk chooses the k rows, then ties are put in id order. Right
    when every tied token fits; when the cut falls inside a tie, topk has already dropped some
    of the lower ids (on the CPU it keeps id 2 of [0.2, 0.2, 0.2, 0.4] at k = 2)."""
    values, ids = probs.topk(min(k, probs.numel()))
    rows = sorted(zip(ids.tolist(), values.tolist()), key=lambda row: (-row[1], row[0]))
    return [(i, tokenizer.decode([i]), v) for i, v in rows]


def top_k_table__ignores_k(probs, tokenizer, k=10):
    values, ids = torch.sort(probs, descending=True, stable=True)
    return [(i, tokenizer.decode([i]), v) for i, v in zip(ids[:10].tolist(), values[:10].tolist())]


def top_k_table__percent(probs, tokenizer, k=10):
    values, ids = torch.sort(probs, descending=True, stable=True)
    return [(i, tokenizer.decode([i]), 100 * v) for i, v in zip(ids[:k].tolist(), values[:k].tolist())]


def top_k_table__first_k_ids(probs, tokenizer, k=10):
    ids = list(range(min(k, probs.numel())))
    return [(i, tokenizer.decode([i]), float(probs[i])) for i in ids]


def top_k_table__topk_k_too_large(probs, tokenizer, k=10):
    """Edge case missed: torch.topk(probs, k) without min(k, vocab) raises for k larger than the
    vocabulary (ties are put in id order, so only that edge case is wrong)."""
    values, ids = torch.topk(probs, k)
    rows = sorted(zip(values.tolist(), ids.tolist()), key=lambda row: (-row[0], row[1]))
    return [(i, tokenizer.decode([i]), v) for v, i in rows]


def top_k_table__rejects_k_zero(probs, tokenizer, k=10):
    """Edge case missed: refuses k = 0 as top_k_mask does, though a table of min(0, vocab) = 0
    rows is simply empty."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    values, ids = torch.sort(probs, descending=True, stable=True)
    return [(i, tokenizer.decode([i]), v) for i, v in zip(ids[:k].tolist(), values[:k].tolist())]
