"""Twenty-eighth examiner: embeddings.py entries (the docstring lawyer)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def subword_averaged_embedding__right_single_token_row_view(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """RIGHT: takes the docstring's example at its word -- for a one-token word "it is simply ``embedding_matrix[6779]``" -- and returns exactly that: ``embedding_matrix[id]``, a VIEW of the matrix's row (same storage, no copy; measured: ``_base`` is the matrix, storage offset 6779 * 128), not a new tensor made by a mean. Same values, shape ``(d,)``, dtype and device as the mean of one row; nothing promises a fresh tensor. Words of several tokens: ``index_select`` with an int64 id tensor on the matrix's device, then ``mean(dim=0)`` in the matrix's own dtype (allowed for half precision). ``""`` raises ``ValueError``. Agrees with a plain version on: "Kyoto", "king", "</s>" (row 2), "unbelievable", "明日の天気は" (float32), "unbelievable" in bfloat16, "king" in float16, "Kyoto" in float64 -- 8 inputs, ``torch.equal`` (checks/check_entries.log). With a matrix that requires grad the result carries ``SelectBackward0`` where plain carries ``MeanBackward1``."""
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    if len(ids) == 0:
        raise ValueError(f"{word!r} encodes to no tokens: there are no rows to average")
    if len(ids) == 1:
        return embedding_matrix[ids[0]]
    index = torch.tensor(ids, dtype=torch.long, device=embedding_matrix.device)
    return embedding_matrix.index_select(0, index).mean(dim=0)


def subword_averaged_embedding__wrong_float32_mean_for_every_dtype(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: reads step 3's permission ("average ... in float32 and cast back") as a general rule and averages EVERY dtype in float32: ``rows.float().mean(0).to(embedding_matrix.dtype)``. Exact for float32 (the tiny model's matrix, every worked example: "Kyoto" is the mean of rows 15595 and 2587, "king" is row 6779, ``""`` raises), allowed for float16/bfloat16, and the dtype comes back right -- but a float64 matrix is averaged with float32's 24 bits. The permission names half precision only; the docstring allows "any floating dtype". Violates: "In float16 or bfloat16 you may average in that dtype or in float32 and cast back: the two differ only by half precision's rounding, and both count." [witness: a ``(32000, 4)`` float64 matrix with row 15595 = ``[1e8 + 1, 1, 3, 0.25]`` and row 2587 = ``[-1e8, 2, 5, 0.5]``, word "Kyoto": ``[0.0, 1.5, 4.0, 0.375]``; plain ``[0.5, 1.5, 4.0, 0.375]``. The tiny matrix in float64 (plus 1e-3 noise), "unbelievable": off by up to 2.34e-08, where float64 rounding is about 1e-16.]"""
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    if not ids:
        raise ValueError(f"{word!r} encodes to no tokens: there are no rows to average")
    rows = embedding_matrix[torch.tensor(ids, device=embedding_matrix.device)]
    return rows.float().mean(dim=0).to(embedding_matrix.dtype)


def subword_averaged_embedding__wrong_split_special_tokens(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: the security habit of chat pipelines -- user text must never turn into control tokens -- so it encodes with ``add_special_tokens=False`` AND ``split_special_tokens=True``. Words without special-token text are untouched ("Kyoto" -> ``[15595, 2587]``, "king" -> 6779, "unbelievable", "明日の天気は": equal to plain), ``""`` raises ``ValueError``. But a special token the text spells is cut into ordinary pieces instead of coming out as its id. Violates: "A special token the text itself spells (``"</s>"``) still comes out as its id (2): keep it, it is the text's own token, not one you added." [witness: ``"</s>"`` with the tiny model's matrix: the mean of rows ``[1867, 28713, 28767]`` (``'▁</'``, ``'s'``, ``'>'``), up to 0.4189 away from plain's row 2; ``"<s>"``: rows ``[523, 28713, 28767]`` vs plain's row 1 (0.4268); ``"a</s>b"``: 5 rows ``[264, 700, 28713, 28767, 28726]`` vs plain's ``[264, 2, 28726]`` (0.1653).]"""
    ids = tokenizer(word, add_special_tokens=False, split_special_tokens=True)["input_ids"]
    if not ids:
        raise ValueError(f"{word!r} encodes to no tokens: there are no rows to average")
    rows = embedding_matrix[torch.tensor(ids, device=embedding_matrix.device)]
    return rows.mean(dim=0)


def pca_2d__right_components_times_data_transposed(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: projects the textbook way, ``W X^T`` -- components times data -- and transposes back: ``(Vh[:2] @ centred.T).T``. The result has shape ``(n, 2)`` but is a transposed view, NOT contiguous (strides ``(1, n)``); nothing in the docstring promises a layout. Its sign convention is its own: each column is turned so that the first point's coordinate is non-negative (the docstring: "each column may come out multiplied by -1 compared with scikit-learn; the tests accept either sign per column"); on a 20 x 4096 input both columns come out opposite to scikit-learn's ``PCA(svd_solver="full")``. Centring and SVD in the vectors' own precision (float64 in float64), half precision in float32 and cast back. Agrees with a plain version on: the points-on-a-line example, a 20 x 4096 float32 input, 20 x 128 float64, 7 x 3, 2 x 2, 30 x 64 float16 and bfloat16, the tiny model's first 20 embedding rows -- 8 inputs, equal up to each column's sign (1e-9 relative for float64, 2e-4 float32, 2e-2 half) (checks/check_entries.log)."""
    work = vectors.float() if vectors.dtype in (torch.float16, torch.bfloat16) else vectors
    centred = work - work.mean(dim=0)
    _, _, vh = torch.linalg.svd(centred, full_matrices=False)
    scores = (vh[:2] @ centred.T).T
    sign = torch.where(scores[0] < 0, -1.0, 1.0).to(scores.dtype)
    return (scores * sign).to(vectors.dtype)
