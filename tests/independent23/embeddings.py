"""Twenty-third examiner: embeddings.py entries (SciPy habits)."""
from __future__ import annotations

import numpy as np
import torch
from scipy.sparse.linalg import svds
from scipy.spatial.distance import cdist


def cosine_similarity_matrix__right_scipy_cdist_cosine_nan_to_num(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: SciPy's distance habit: ``1 - scipy.spatial.distance.cdist(x, x, "cosine")`` on a float64 NumPy copy (torch widens bfloat16 and float16 first), then ``np.nan_to_num(..., nan=0.0)``: SciPy gives ``nan`` for every pair with a zero row (0/0), which becomes the 0 the docstring asks for, diagonal included; the result goes back to the vectors' dtype and device. ``1 - (1 - cos)`` loses at most a float64 unit or two, far below float32's. Agrees with a plain version on: the worked example, a zero row (0 everywhere on its row and column), and 400 random inputs (n 1-30, d 1-300, 15 % zero rows, row scales 1e-3..1e3, some scaled by 1e-30, float32/float64/float16/bfloat16): dtype and shape kept, no ``nan``, within 8 units of the dtype's eps of a plain float64 computation (worst: see the README)."""
    x = vectors.detach().to("cpu", torch.float64).numpy()
    sim = 1.0 - cdist(x, x, "cosine")
    sim = np.nan_to_num(sim, nan=0.0)
    return torch.from_numpy(sim).to(dtype=vectors.dtype, device=vectors.device)


def pca_2d__wrong_scipy_svds_ascending_order(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: centres in the vectors' precision (float32 for half precision), and, as a SciPy user asking for only two components would, calls ``scipy.sparse.linalg.svds(centred, k=2)`` (falling back to ``np.linalg.svd`` when ``min(n, d) <= 2``, since ``svds`` needs ``k < min(n, d)``); it projects with ``centred @ Vh[:2].T`` as step 3 says. ``svds`` returns its singular values in ASCENDING order (every solver, SciPy 1.17), so ``Vh[0]`` is the SECOND principal direction: the two columns come out swapped. The worked example (3 x 2, points on a line) goes through the full-SVD fallback and passes in all four dtypes. Violates: "column 0 is the coordinate along the first component, column 1 along the second" [witness: ``randn(10, 6)`` (NumPy ``default_rng(0)``), float64: the result equals plain with its columns swapped (up to sign, within 1e-9); its column 0 has spread 1.116 where plain's has 1.599. ``randn(20, 600)`` float32: swapped too.]"""
    work = np.float32 if vectors.dtype in (torch.float16, torch.bfloat16, torch.float32) else np.float64
    x = vectors.detach().to("cpu", torch.float32 if work is np.float32 else torch.float64).numpy()
    centred = x - x.mean(axis=0)
    if min(centred.shape) > 2:
        _, _, vh = svds(centred, k=2)
    else:
        _, _, vh = np.linalg.svd(centred, full_matrices=False)
    coords = centred @ vh[:2].T
    return torch.from_numpy(np.ascontiguousarray(coords)).to(dtype=vectors.dtype, device=vectors.device)
