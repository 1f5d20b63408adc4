"""Sixteenth examiner: embeddings.py entries."""
from __future__ import annotations

import torch


def cosine_similarity_matrix__right_corrcoef_of_mirrored_rows(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: no norm and no matrix product of its own: every row ``a`` is mirrored into ``[a, -a]``, which has mean 0, so the Pearson correlation of ``[a, -a]`` and ``[b, -b]`` is ``2 a·b / (sqrt(2|a|²) sqrt(2|b|²))`` = ``cos(a, b)``; ``torch.corrcoef`` of the mirrored rows (in float64) gives the whole matrix at once (it also clips to [-1, 1]). A row of zeros has variance 0, so its correlations are ``nan``: they become 0 (``torch.nan_to_num``), itself included. ``corrcoef`` of a single row is a 0-d tensor, so the result is reshaped to ``(n, n)``. The result goes back to the input's dtype and device."""
    work = vectors.detach().to(torch.float64)
    mirrored = torch.cat([work, -work], dim=1)
    n = vectors.shape[0]
    sim = torch.nan_to_num(torch.corrcoef(mirrored), nan=0.0).reshape(n, n)
    return sim.to(dtype=vectors.dtype, device=vectors.device)


def pca_2d__wrong_svd_of_uncentred_projects_centred(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: a one-variable slip between the steps: it computes ``centred`` (in float32 for half-precision input, the vectors' own precision otherwise) and projects ``centred @ Vh[:2].T`` as step 3 says, but step 2 decomposes the RAW ``vectors`` (``torch.linalg.svd(work, ...)``), not ``centred``. Where the data's mean lies along its spread -- the worked example, points on a line through the origin -- the directions are the same and the result is right; elsewhere the first "direction" leans towards the mean and the coordinates are mixed or swapped. Unlike no centring at all, the scores ARE centred (every column has mean 0), so a plot looks plausible. Violates: "2. Decompose: ``U, S, Vh = torch.linalg.svd(centred, full_matrices=False)``; the rows of ``Vh`` are the principal directions, largest spread first." [witness: ``[[10.0, 0.0], [10.0, 1.0], [10.0, -1.0]]``: expected ``±[[0, 0], [1, 0], [-1, 0]]`` (all the spread along y is column 0), got the columns swapped ``±[[0, 0], [0, 1], [0, -1]]``; also ``torch.randn(10, 4, generator=torch.Generator().manual_seed(0)) + 3``]"""
    work = vectors.float() if vectors.dtype in (torch.float16, torch.bfloat16) else vectors
    centred = work - work.mean(dim=0)
    _, _, vh = torch.linalg.svd(work, full_matrices=False)
    return (centred @ vh[:2].T).to(vectors.dtype)
