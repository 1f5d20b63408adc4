"""Twenty-second examiner: embeddings.py entries (the learner who follows the seed notebook)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


def subword_averaged_embedding__wrong_article_untyped_id_tensor(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: the seed notebook's word-embedding helper, adapted to take the matrix as an argument: encode with ``add_special_tokens=False``, turn the id list into a tensor with a bare ``torch.tensor(ids)`` moved to the matrix's device, index the matrix with it and average over ``dim=0``. No check for an empty id list: the learner trusts that "the mean of nothing is ``nan``" will show up, but it never gets that far. ``torch.tensor([])`` has no ints to infer a dtype from, so it is a float32 tensor, and indexing with it raises ``IndexError`` ("tensors used as indices must be long, int, byte or bool"), not ``ValueError``. Every word with at least one token is right ("Kyoto" is the mean of its two rows, "king" its one row; the id tensor is int64 there). Violates: "A word that encodes to no tokens at all (the empty string ``""``) has no rows to average: raise ``ValueError`` saying so" [witness: ``subword_averaged_embedding("", tokenizer, E)`` raises ``IndexError``, which is not a ``ValueError``; the plain version raises ``ValueError``]"""
    token_ids = tokenizer.encode(word, add_special_tokens=False)
    token_ids = torch.tensor(token_ids).to(embedding_matrix.device)
    return embedding_matrix[token_ids].mean(dim=0)


def cosine_similarity_matrix__wrong_article_sklearn_numpy_roundtrip(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: the seed notebook's heatmap code: the vectors go to NumPy with ``.detach().cpu().numpy()`` and scikit-learn's ``cosine_similarity`` makes the matrix (zero rows give 0, as the docstring asks), which comes back with ``torch.from_numpy(...).to(vectors.device)`` and no dtype. For float32 and float64 input scikit-learn keeps the dtype, so the worked example and every float32/float64 input agree with a plain version; but scikit-learn upcasts a float16 array to float64, and NumPy has no bfloat16 at all. Violates: "returns: ``(n, n)``, same dtype and device" [witness: the worked example as float16 returns a float64 matrix (values right), and as bfloat16 raises ``TypeError: Got unsupported ScalarType BFloat16``; the plain version returns float16 / bfloat16]"""
    from sklearn.metrics.pairwise import cosine_similarity

    sims = cosine_similarity(vectors.detach().cpu().numpy())
    return torch.from_numpy(sims).to(vectors.device)


def _cosine_similarity_matrix__right_sklearn_pairwise_float64_lib():
    from sklearn.metrics.pairwise import cosine_similarity

    return cosine_similarity


def cosine_similarity_matrix__right_sklearn_pairwise_float64(vectors: torch.Tensor) -> torch.Tensor:
    """RIGHT: the seed notebook's library call, scikit-learn's ``cosine_similarity`` (the docstring itself names it for the zero-row rule, and does not ask for torch here as it does for PCA), made dtype-safe: the vectors are copied to the CPU as float64 (exact for float16, bfloat16 and float32), scikit-learn normalises the rows (a zero row keeps norm 1, so it gets similarity 0 with every row, itself included) and takes the products, and the float64 matrix is rounded once to the vectors' own dtype and device. Instead of a torch row-normalisation and ``unit @ unit.T``, the whole computation is scikit-learn's. Agrees with a plain version on: the worked example, zero rows (0 everywhere, never ``nan``), and random ``(n, d)`` inputs in float32, float64, float16 and bfloat16 (n 1..30, d 1..300, some rows zero, some scaled by 1e-3..1e3): same dtype, shape and device; float32, float16 and bfloat16 results equal to the plain ones (both round one float64 result), float64 within 8 units of float64's eps (1.8e-15) (see the README)."""
    cosine_similarity = _cosine_similarity_matrix__right_sklearn_pairwise_float64_lib()
    work = vectors.detach().to(device="cpu", dtype=torch.float64)
    sims = cosine_similarity(work.numpy())
    return torch.from_numpy(sims).to(dtype=vectors.dtype, device=vectors.device)


def pca_2d__wrong_sklearn_pca_auto_solver(vectors: torch.Tensor) -> torch.Tensor:
    """WRONG: the seed notebook's scatter-plot code: ``sklearn.decomposition.PCA(n_components=2).fit_transform`` on the vectors as NumPy (half precision first widened to float32, the result cast back to the vectors' dtype and device). It centres, and its sign convention is one the docstring accepts; but with the default ``svd_solver='auto'`` scikit-learn does not always take an exact SVD: for data wider than 500 columns and fewer rows than columns (20 words x 4096 dimensions, the notebook's own case) it picks a RANDOMISED truncated SVD (a few power iterations from a random start drawn from NumPy's global generator), whose two directions are only approximations of the top two principal directions — close when the first singular values stand out, far off when they do not, and different from run to run. Small inputs (the worked example, the tiny model's 128-wide rows) go through the exact 'full' solver and agree with a plain version. Violates: "Write it yourself with torch (no scikit-learn)" [witness: ``torch.randn(20, 4096, generator=torch.Generator().manual_seed(0))``: after matching each column's sign, the result differs from the plain three steps by 13.8 to 32.6 (four runs; the random start differs each run), where the coordinates themselves reach 33.5; as float64 and as a 20 x 600 float32 input it also differs by whole units (21.8 to 38.5 and 3.8 to 9.5); the tiny model's 20 x 128 word vectors agree (see the README)]"""
    from sklearn.decomposition import PCA

    work = vectors.detach().cpu()
    if work.dtype in (torch.float16, torch.bfloat16):
        work = work.float()
    scores = PCA(n_components=2).fit_transform(work.numpy())
    return torch.from_numpy(scores).to(dtype=vectors.dtype, device=vectors.device)
