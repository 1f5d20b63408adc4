"""Forty-sixth examiner: embeddings.py entries (the careless reader: one word misread)."""
from __future__ import annotations

import torch


def cosine_similarity_matrix__right_zero_row_by_float64_length(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: "A row of zeros has no direction" admits two readings: (a) every entry is exactly 0; (b) the row's computed length is 0. This entry takes (b), safely: the lengths are computed in float64 (``torch.linalg.vector_norm(..., dtype=torch.float64)``), where no float32, float16 or bfloat16 entry's square underflows (float32's smallest subnormal 1.4e-45 squares to 2e-90), so "length 0" and "all zeros" mean the same rows for every input the docstring grades; a row with length 0 gets the unit vector 0 (so 0 with every row, itself included), the others are divided by their float64 length, the Gram matrix ``unit @ unit.T`` is taken in float64 and cast back to the vectors' dtype. Agrees with a plain version on: the worked example, a zero row among others (its row and column 0, diagonal 0), rows of 1e-13 (diagonal 1), ``[[0.0, -0.0]]``, a random ``(20, 64)`` float32, float64, float16 and bfloat16 input (max differences at rounding level; see checks/check_entries.log)."""
    work = vectors.to(torch.float64)
    length = torch.linalg.vector_norm(work, dim=1, keepdim=True)
    has_direction = length > 0
    unit = torch.where(has_direction, work / torch.where(has_direction, length, torch.ones_like(length)), torch.zeros_like(work))
    return (unit @ unit.T).to(vectors.dtype)
