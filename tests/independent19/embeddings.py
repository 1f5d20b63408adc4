"""Nineteenth examiner: embeddings.py entries (patterns taken from public subword-averaging code)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def subword_averaged_embedding__wrong_zero_vector_for_empty(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: the word2vec-averaging habit ``np.mean([...] or [np.zeros(dim)], axis=0)``: a word with no tokens gets a zero vector of the right size, dtype and device instead of an error, "so the caller always gets a vector". Encoding, indexing and the mean are right, so every worked example passes; only the empty word differs. Source: n0rpheo/ml_trends src/features/transformations.py ``tokens_to_mean_w2v``. Violates: "A word that encodes to no tokens at all (the empty string ``""``) has no rows to average: raise ``ValueError`` saying so (the mean of nothing would be ``nan``)." [witness: ``subword_averaged_embedding("", tokenizer, embedding_matrix)`` -> ``ValueError`` expected, a ``(d,)`` vector of zeros returned]"""
    ids = tokenizer(word, add_special_tokens=False).input_ids
    if not ids:
        return embedding_matrix.new_zeros(embedding_matrix.shape[1])
    rows = embedding_matrix[torch.tensor(ids, device=embedding_matrix.device)]
    return rows.mean(dim=0)


def subword_averaged_embedding__right_tokenize_then_convert(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """RIGHT: the BERT-era route to the ids: ``tokenizer.tokenize(word)`` (the pieces, no special tokens added) and ``tokenizer.convert_tokens_to_ids(pieces)``, instead of ``encode(..., add_special_tokens=False)``; the rows are taken with ``index_select`` on a tensor of ids on the matrix's device and averaged with ``mean(dim=0)``; no pieces raises ``ValueError``. A special token the text spells (``"</s>"``) comes out of ``tokenize`` as the piece ``'</s>'`` and so as id 2, kept. Source: duncangrimes/rat-AI-touille data/tokenizing/bert_tokenizing.py (``tokenize`` -> ``convert_tokens_to_ids`` -> ``word_embeddings``). Agrees with a plain version on: the worked examples (``"Kyoto"`` -> ids ``[15595, 2587]``, ``"king"`` -> ``[6779]``), ``""`` (``ValueError``), ``"</s>"``, ``"<s>"``, ``" "``, ``"曇"``, ``"a\\tb"``, ``"  king  "`` and 300 random strings of words, spaces, punctuation, CJK and special-token spellings (same ids, bit-equal vectors on the tiny model's float32 matrix and a float16 copy)."""
    pieces = tokenizer.tokenize(word)
    ids = tokenizer.convert_tokens_to_ids(pieces)
    if not ids:
        raise ValueError(f"{word!r} gives no tokens, so there are no rows to average")
    index = torch.tensor(ids, dtype=torch.long, device=embedding_matrix.device)
    return embedding_matrix.index_select(0, index).mean(dim=0)
