"""Twenty-ninth examiner: embeddings.py entries (the performance-minded learner)."""
from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

_MEMO: dict = {}
_IDS_BY_TOKENIZER: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def subword_averaged_embedding__wrong_memo_keyed_by_matrix_id(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: correct average (ids without special tokens, ``ValueError`` for a word with no tokens, rows indexed on the matrix's device, mean over ``dim=0`` in the matrix's dtype), memoised at module level "because the heatmap asks for the same 20 words again and again". The key is ``(word, id(tokenizer), id(embedding_matrix), dtype, device, shape)``: Python's ``id`` is an address, reused as soon as a matrix is freed, and says nothing about the matrix's contents. A new matrix of the same shape at a freed address, or the same matrix changed in place, gets the old vector back. Violates: "Return one vector for ``word``: the mean of the embedding rows of its tokens." [witness: ``for s in range(3): mat = torch.randn(32000, 8, generator=Generator().manual_seed(s)); f("king", tok, mat); del mat`` -- each new matrix lands at the freed address (same ``id`` all three times), so seeds 1 and 2 get row 6779 of the seed-0 matrix back; plain returns their own rows (max difference 3.46 and 2.38). ``E.mul_(2)`` between two calls on one ``(32000, 4)`` matrix: the old vector again (``[-0.763, -0.099, ...]``), plain twice it (``[-1.526, -0.198, ...]``). Worked examples with the tiny model's matrix: "Kyoto" = mean of rows 15595 and 2587, "king" = row 6779, ``""`` ``ValueError`` (checks/check_entries.log).]"""
    key = (word, id(tokenizer), id(embedding_matrix), embedding_matrix.dtype, embedding_matrix.device,
           tuple(embedding_matrix.shape))
    hit = _MEMO.get(key)
    if hit is not None:
        return hit
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    if len(ids) == 0:
        raise ValueError(f"{word!r} encodes to no tokens: there are no rows to average")
    rows = embedding_matrix[torch.tensor(ids, dtype=torch.long, device=embedding_matrix.device)]
    vec = rows.mean(dim=0)
    _MEMO[key] = vec
    return vec


def subword_averaged_embedding__right_weak_tokenizer_id_cache(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """RIGHT: caches only what depends on immutable inputs: the token ids of ``(word, len(tokenizer))`` per tokenizer, in a module-level ``weakref.WeakKeyDictionary`` (the entry dies with the tokenizer, so no address is ever reused; ``len(tokenizer)`` changes if tokens are added). Nothing derived from the matrix is kept: every call gathers the rows afresh with ``torch.index_select`` and averages over ``dim=0`` in the matrix's dtype, on its device. A tokenizer that cannot be weak-referenced is simply not cached. ``ValueError`` for a word with no tokens, also on a cache hit. Agrees with a plain version on: "Kyoto", "king", "unbelievable", "</s>", "明日", " Tokyo" with the tiny model's float32 matrix and its bfloat16 and float16 copies, a float64 ``(32064, 8)`` padded matrix, repeated calls with new random matrices of one shape, a matrix changed in place between calls; ``""`` raises (checks/check_entries.log)."""
    try:
        per_tok = _IDS_BY_TOKENIZER.get(tokenizer)
        if per_tok is None:
            per_tok = _IDS_BY_TOKENIZER[tokenizer] = {}
    except TypeError:
        per_tok = {}
    key = (word, len(tokenizer))
    ids = per_tok.get(key)
    if ids is None:
        ids = per_tok[key] = tuple(tokenizer(word, add_special_tokens=False)["input_ids"])
    if len(ids) == 0:
        raise ValueError(f"{word!r} encodes to no tokens: there are no rows to average")
    index = torch.tensor(ids, dtype=torch.long, device=embedding_matrix.device)
    return torch.index_select(embedding_matrix, 0, index).mean(dim=0)
