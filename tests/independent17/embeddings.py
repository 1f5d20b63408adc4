"""Seventeenth examiner: embeddings.py entries."""
from __future__ import annotations

import math
import operator
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


def subword_averaged_embedding__right_numpy_float64_round_trip(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """RIGHT: the rows are taken with ``index_select`` (ids as an int64 tensor on the matrix's device), detached, widened to float64, moved to NumPy and averaged there with ``ndarray.mean(axis=0)``; the mean comes back with ``torch.from_numpy`` and is cast to the matrix's own dtype and device. One rounding to the result dtype, from a float64 mean: at most one unit of that dtype away from torch's own ``mean(dim=0)`` (which accumulates float16/bfloat16 in float32). Works for bfloat16 (NumPy has no bfloat16, hence the float64 step) and for a weight that requires grad (hence ``detach``). The ids are ``tokenizer(word, add_special_tokens=False)["input_ids"]``; no ids raises ``ValueError`` saying the word encodes to no tokens."""
    ids = tokenizer(word, add_special_tokens=False)["input_ids"]
    if len(ids) == 0:
        raise ValueError(f"{word!r} encodes to no tokens: there are no embedding rows to average")
    index = torch.tensor(ids, dtype=torch.long, device=embedding_matrix.device)
    rows = embedding_matrix.index_select(0, index).detach().to(torch.float64).cpu().numpy()
    mean = rows.mean(axis=0)
    return torch.from_numpy(mean).to(device=embedding_matrix.device, dtype=embedding_matrix.dtype)


def cosine_similarity_matrix__right_python_fsum_hypot(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: no tensor arithmetic at all. The rows go to Python floats (``tolist()``, exact for every floating dtype); each row's length is ``math.hypot(*row)`` (correctly scaled, so neither tiny nor huge rows underflow or overflow), each row is divided by it, and each pair's cosine is ``math.fsum`` of the products of the two unit rows (exactly rounded sum). The upper triangle is computed and mirrored, so the result is exactly symmetric. A row of length 0 keeps similarity 0.0 with every row, itself included. The nested list becomes ``torch.tensor(..., dtype=vectors.dtype, device=vectors.device)``, reshaped to ``(n, n)`` (also for ``n = 0`` or ``1``). More precise than ``unit @ unit.T`` in the vectors' dtype, i.e. equal up to that dtype's rounding. O(n^2 d) Python operations: about a second for n = 64, d = 4096."""
    rows = vectors.tolist()
    n = len(rows)
    units = []
    for row in rows:
        length = math.hypot(*row)
        units.append([x / length for x in row] if length > 0 else None)
    table = [[0.0] * n for _ in range(n)]
    for i in range(n):
        if units[i] is None:
            continue
        for j in range(i, n):
            if units[j] is None:
                continue
            value = math.fsum(map(operator.mul, units[i], units[j]))
            table[i][j] = value
            table[j][i] = value
    return torch.tensor(table, dtype=vectors.dtype, device=vectors.device).reshape(n, n)
