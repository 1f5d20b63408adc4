"""Independent catalogue: submissions for exercises/topk.py.

Written from the docstrings of ``exercises/topk.py`` only.
"""
from __future__ import annotations

import torch
from transformers import PreTrainedTokenizerBase


# ---------------------------------------------------------------------------------------
# top_k_mask
# ---------------------------------------------------------------------------------------


def top_k_mask__right_kthvalue(probs: torch.Tensor, k: int) -> torch.Tensor:
    """RIGHT: finds the k-th LARGEST as the (vocab - k + 1)-th SMALLEST with
    ``torch.kthvalue`` (no ``topk``), then keeps every score at least that large."""
    if k < 1:
        raise ValueError(f"k must be at least 1 (keeping no token leaves nothing to sample), got {k}")
    vocab = probs.shape[-1]
    if k >= vocab:
        return torch.ones(probs.shape, dtype=torch.bool, device=probs.device)
    kth_largest = torch.kthvalue(probs, vocab - k + 1, dim=-1, keepdim=True).values
    return probs >= kth_largest


def top_k_mask__right_rank_by_searchsorted(probs: torch.Tensor, k: int) -> torch.Tensor:
    """RIGHT: keeps a token when FEWER than k tokens of its row are strictly larger (the same
    set as "at least the k-th largest"), counting them with an ascending sort and
    ``searchsorted``; works for any number of leading axes by flattening them."""
    if k < 1:
        raise ValueError("k must be >= 1")
    vocab = probs.shape[-1]
    flat = probs.reshape(-1, vocab).to(torch.float64)
    ascending = torch.sort(flat, dim=-1).values.contiguous()
    at_most = torch.searchsorted(ascending, flat.contiguous(), right=True)
    strictly_greater = vocab - at_most
    return (strictly_greater < k).reshape(probs.shape)


def top_k_mask__wrong_scatter_topk_indices(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: scatters ``torch.topk``'s indices into a False mask, so exactly k tokens are
    kept even when others tie with the k-th. Violates: "Ties: a token is kept when its score
    is at least the k-th largest score of its row. So ``top_k_mask(torch.tensor([0.4, 0.2,
    0.2, 0.2]), 2)`` keeps all four"."""
    if k < 1:
        raise ValueError("k must be >= 1")
    k = min(k, probs.shape[-1])
    idx = torch.topk(probs, k, dim=-1).indices
    mask = torch.zeros(probs.shape, dtype=torch.bool, device=probs.device)
    return mask.scatter(-1, idx, True)


def top_k_mask__wrong_k_beyond_vocab_crashes(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: ``torch.topk(probs, k)`` without clamping k, so k larger than the vocabulary
    raises a RuntimeError. Violates: "``k`` at least the vocabulary size keeps every
    token."""
    if k < 1:
        raise ValueError("k must be >= 1")
    kth = torch.topk(probs, k, dim=-1).values[..., -1:]
    return probs >= kth


def top_k_mask__wrong_k_zero_keeps_nothing(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: treats k <= 0 as "keep nothing" and returns an all-False mask instead of
    raising. Violates: "``k < 1`` raises ``ValueError`` (keeping no token leaves nothing to
    sample)."""
    if k <= 0:
        return torch.zeros(probs.shape, dtype=torch.bool, device=probs.device)
    k = min(k, probs.shape[-1])
    kth = torch.topk(probs, k, dim=-1).values[..., -1:]
    return probs >= kth


def top_k_mask__wrong_global_kth(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: takes the k-th largest value of the WHOLE tensor (``topk`` on the flattened
    tensor), so in a batch a confident row steals the places of the others. Identical for
    1-D input. Violates: "With a batch ``(2, 4)`` each row keeps its own two." / "ask for
    ``dim=-1`` so each row of a batch is decided on its own"."""
    if k < 1:
        raise ValueError("k must be >= 1")
    flat = probs.reshape(-1)
    if k >= probs.shape[-1]:
        return torch.ones(probs.shape, dtype=torch.bool, device=probs.device)
    kth = torch.topk(flat, k).values[-1]
    return probs >= kth


def top_k_mask__wrong_sorted_order(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: builds the keep/drop decisions along the SORTED order and returns them as they
    are (the first k positions True), not at the tokens' own positions. Violates: "in
    vocabulary order: entry ``[..., i]`` says whether token ``i`` is kept"."""
    if k < 1:
        raise ValueError("k must be >= 1")
    sorted_vals, order = torch.sort(probs, dim=-1, descending=True)
    kth = sorted_vals[..., min(k, probs.shape[-1]) - 1 : min(k, probs.shape[-1])]
    return sorted_vals >= kth


# ---------------------------------------------------------------------------------------
# top_k_table
# ---------------------------------------------------------------------------------------


def top_k_table__right_python_sorted_key(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """RIGHT: plain Python: ``sorted`` over the ids with the key ``(-probability, id)``,
    which puts ties lower id first without any torch sort."""
    values = probs.detach().to("cpu").tolist()
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))
    table = []
    for token_id in order[: max(0, min(k, len(values)))]:
        table.append((int(token_id), tokenizer.decode([token_id]), float(values[token_id])))
    return table


def top_k_table__right_stable_ascending_of_negated(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """RIGHT: a STABLE ASCENDING sort of ``-probs`` (equal values keep id order), then
    ``.tolist()`` for plain Python numbers."""
    _, order = torch.sort(-probs.detach(), stable=True)
    chosen = order[: max(0, min(k, probs.shape[-1]))].tolist()
    values = probs.detach()[order[: len(chosen)]].tolist()
    return [(i, tokenizer.decode([i]), float(v)) for i, v in zip(chosen, values)]


def top_k_table__wrong_topk_tie_order(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: uses ``torch.topk`` (k clamped), whose order among equal probabilities is not
    by id (on CPU ``topk([0.25]*4, 2)`` gives ids 2, 3). Violates: "Equal probabilities are
    listed lower id first. ``torch.topk`` does not promise any order among ties"."""
    values, indices = torch.topk(probs, min(k, probs.shape[-1]))
    return [(int(i), tokenizer.decode([int(i)]), float(v)) for v, i in zip(values, indices)]


def top_k_table__wrong_argsort_then_flip(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: stable ascending ``argsort`` then ``flip``: highest first, but equal
    probabilities come out HIGHER id first. Violates: "Equal probabilities are listed lower
    id first."""
    order = torch.flip(torch.argsort(probs, stable=True), dims=[0])[: min(k, probs.shape[-1])]
    return [(int(i), tokenizer.decode([int(i)]), float(probs[i])) for i in order]


def top_k_table__wrong_raw_piece_text(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: the text column holds the raw piece from ``convert_ids_to_tokens``
    ('▁Tokyo'). Violates: "the table shows ``tokenizer.decode([id])``, the text a reader sees
    (``"Tokyo"``)."""
    values, order = torch.sort(probs, descending=True, stable=True)
    n = min(k, probs.shape[-1])
    ids = order[:n].tolist()
    pieces = tokenizer.convert_ids_to_tokens(ids)
    return [(i, piece, float(v)) for i, piece, v in zip(ids, pieces, values[:n].tolist())]


def top_k_table__wrong_tensor_probability(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: ids converted with ``int()`` but the probability left as a 0-d tensor
    ``probs[i]`` (it prints like a number). Violates: "with plain Python types ``int``,
    ``str``, ``float`` (not tensors)"."""
    _, order = torch.sort(probs, descending=True, stable=True)
    table = []
    for i in order[: min(k, probs.shape[-1])].tolist():
        table.append((i, tokenizer.decode([i]), probs[i]))
    return table


def top_k_table__wrong_skip_special_tokens(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: decodes with ``skip_special_tokens=True`` "to hide <s> and </s>", so special
    tokens get an empty text (the model's </s> after "Tokyo." shows as ''). Violates: "the
    table shows ``tokenizer.decode([id])``" (the example's row ``(1, tokenizer.decode([1]),
    0.6...)``)."""
    values, order = torch.sort(probs, descending=True, stable=True)
    n = min(k, probs.shape[-1])
    return [
        (int(i), tokenizer.decode([int(i)], skip_special_tokens=True), float(v))
        for i, v in zip(order[:n], values[:n])
    ]


def top_k_table__wrong_range_k_index_error(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: loops ``for rank in range(k)`` over the sorted ids, so k larger than the
    vocabulary runs off the end (IndexError). Violates: "``k`` larger than the vocabulary
    lists every token." / "a list of ``min(k, vocab)`` tuples"."""
    values, order = torch.sort(probs, descending=True, stable=True)
    table = []
    for rank in range(k):
        i = int(order[rank])
        table.append((i, tokenizer.decode([i]), float(values[rank])))
    return table
