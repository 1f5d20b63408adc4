"""Thirty-seventh examiner: embeddings.py entries (the learner who writes it in plain Python)."""
from __future__ import annotations

import math

import torch


def cosine_similarity_matrix__wrong_rounds_to_example_digits(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: plain Python over ``tolist()`` rows: lengths with ``math.sqrt(sum(x * x))``, 0 for a pair with a zero row, and each cosine ``round(..., 4)`` -- "to four places, like the example", so the worked example's result prints exactly as the docstring shows it (``0.7071``); back to a tensor of the input's dtype and device. Every entry is off by up to 5e-5. Violates: "entry ``[i, j]`` is ``cos(vectors[i], vectors[j])``" [witness: the worked example itself, ``[0, 1]`` -> 0.70709997 (float32 of 0.7071), plain 0.70710677 (6.8e-6 off); float64 ``[[1, 2, 3], [3, 2, 1]]`` -> ``[0, 1]`` 0.7143, plain 0.7142857142857143 (10/14); the tiny model's averaged embeddings of "king", "queen", "table", "Tokyo": largest difference 3.99e-5 (``[0, 1]`` 0.76459998 vs 0.76461571). Passes: the worked example as printed (and within 1e-4 of plain), the zero row (0 everywhere, itself included), a row of length 1e-13 (cosine with itself 1), float64/float16 dtypes kept (checks/check_entries.log).]"""
    rows = vectors.tolist()
    lengths = [math.sqrt(sum(x * x for x in row)) for row in rows]
    out = []
    for a, la in zip(rows, lengths):
        line = []
        for b, lb in zip(rows, lengths):
            if la == 0 or lb == 0:
                line.append(0.0)
            else:
                line.append(round(sum(x * y for x, y in zip(a, b)) / (la * lb), 4))
        out.append(line)
    return torch.tensor(out, dtype=vectors.dtype, device=vectors.device)
