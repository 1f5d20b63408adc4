"""Exercises 3 to 5: from token ids to vectors, and how close two words are.

The first layer of the model is an *embedding matrix* of shape ``(vocab, d)``: one row of
``d`` numbers per token id (Mistral-7B: 32000 x 4096; the bundled tiny model is much
narrower). Looking a token up is just taking its row. Words that mean similar things tend to
get rows that point in similar directions — which you can measure (cosine similarity) and
draw (a 2-D PCA projection), as the seed notebook does for 20 words in five groups:
royalty, sports, people, animals, and four unrelated words.

Run ``decodelab check subword_embedding`` / ``cosine`` / ``pca`` to test your work, then
``decodelab demo embeddings`` to see the heatmap and the scatter plot of your own functions.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


def subword_averaged_embedding(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """Return one vector for ``word``: the mean of the embedding rows of its tokens.

    Why it matters: the model has vectors for *tokens*, not words. "king" is one token
    (``'▁king'``), but "Kyoto" is two (``'▁Ky'``, ``'oto'``) and "unbelievable" four. A common
    way to get one vector per word is to average the rows of its subword tokens.

    Shapes:
        word: a string (usually one word; any text works).
        tokenizer: a Hugging Face tokenizer (Mistral-7B-v0.1's in the tests).
        embedding_matrix: ``(vocab, d)``, e.g. ``model.get_input_embeddings().weight``; any
            floating dtype, on any device. ``vocab`` is its own row count, which may be more
            than the tokenizer's pieces (a matrix padded to a multiple of 64).
        returns: ``(d,)``, same dtype and device as ``embedding_matrix``.

    Steps:
        1. Encode the word WITHOUT special tokens (``add_special_tokens=False``). A special
           token the text itself spells (``"</s>"``, or ``"<s>"``) still comes out as its id
           (2, or 1): keep it, it is the text's own token, not one you added. So do not
           encode with the BOS and drop every id 1 afterwards: that drops the text's own too.
           Encode the text as given, with no Unicode normalisation: ``"cafe\\u0301"`` (``e``
           and a combining accent) and ``"café"`` (one character) are different texts with
           different tokens.
        2. Take those rows of ``embedding_matrix`` (index it with the ids — as a tensor on
           the matrix's device).
        3. Average them over the token axis. In float16 or bfloat16 you may average in that
           dtype or in float32 and cast back: the two differ only by half precision's
           rounding, and both count. Adding the rows up in that dtype before dividing counts
           too: the sum overflows to ``inf`` only past float16's largest value, 65504, far
           beyond any embedding's numbers and the tests' inputs.

    Example:
        With Mistral-7B-v0.1's tokenizer, ``"Kyoto"`` encodes to ``[15595, 2587]``, so the
        result is ``(embedding_matrix[15595] + embedding_matrix[2587]) / 2``. For ``"king"``
        (one token, id 6779) it is simply ``embedding_matrix[6779]``.

    Edge case:
        A word that encodes to no tokens at all (the empty string ``""``) has no rows to
        average: raise ``ValueError`` saying so (the mean of nothing would be ``nan``).

    Pitfall:
        ``tokenizer.encode(word)`` adds the BOS token ``<s>`` (id 1) by default, and its row
        would be averaged in, pulling every word towards the same vector. Also average over
        the tokens (``dim=0``), not over the ``d`` numbers of each row, and do not *sum*.
    """
    raise NotImplementedError("subword_averaged_embedding: see the docstring")


def cosine_similarity_matrix(vectors: torch.Tensor) -> torch.Tensor:
    """Return the cosine similarity of every pair of rows of ``vectors``.

    ``cos(a, b) = (a · b) / (|a| |b|)``: 1 for vectors pointing the same way, 0 for
    perpendicular ones, -1 for opposite ones. Only the direction counts, not the length.

    Why it matters: this matrix, drawn as a heatmap, is how the seed notebook shows that
    "king" and "queen" are closer to each other than to "table".

    Shapes:
        vectors: ``(n, d)`` floating point, one vector per row.
        returns: ``(n, n)``, same dtype and device; entry ``[i, j]`` is ``cos(vectors[i],
        vectors[j])``. The result is symmetric (up to rounding) and its diagonal is 1, but
        for a row of zeros (see the edge case). A row as short as ``1e-13`` still has a
        direction (its cosine with itself is 1); shorter rows that are not zero are not graded
        (squaring their entries underflows: ``1e-20 ** 2`` is below float32's smallest normal
        number, about ``1.2e-38``).

    Example:
        ``cosine_similarity_matrix(torch.tensor([[1.0, 0.0], [1.0, 1.0], [-2.0, 0.0]]))``
        -> ``[[1.0, 0.7071, -1.0], [0.7071, 1.0, -0.7071], [-1.0, -0.7071, 1.0]]``.

    Edge case:
        A row of zeros has no direction. Give it similarity 0 with every row, itself
        included (as scikit-learn's ``cosine_similarity`` does) — never ``nan``.

    Pitfall:
        Normalise each ROW to length 1 (the norm over ``dim=1``), then one matrix product
        ``unit @ unit.T`` gives all pairs. Dividing by the norms of the columns, or by only
        one of the two lengths, gives numbers that look plausible but are not cosines.
    """
    raise NotImplementedError("cosine_similarity_matrix: see the docstring")


def pca_2d(vectors: torch.Tensor) -> torch.Tensor:
    """Project the rows of ``vectors`` onto their first two principal components.

    Principal component analysis finds the directions along which the points spread out
    most. Keeping the first two turns ``d``-dimensional vectors into points you can plot.
    Write it yourself with torch (no scikit-learn):

        1. Centre: subtract the mean of each column, ``X - X.mean(dim=0)``.
        2. Decompose: ``U, S, Vh = torch.linalg.svd(centred, full_matrices=False)``; the
           rows of ``Vh`` are the principal directions, largest spread first.
        3. Project: ``centred @ Vh[:2].T`` (equivalently ``U[:, :2] * S[:2]``).

    Shapes:
        vectors: ``(n, d)`` floating point with ``n >= 2`` and ``d >= 2``; ``float16`` and
        ``bfloat16`` too (a 4-bit model's embedding matrix on a GPU is ``float16``).
        returns: ``(n, 2)``, same dtype and device; column 0 is the coordinate along the
        first component, column 1 along the second. Compute in the vectors' own precision
        (float64 ones in float64), and half-precision ones in float32 — all of it, the
        mean and the centring too.

    Example:
        Points on a line, ``[[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]``: the mean is ``[1, 1]``,
        the first direction is ``±[0.7071, 0.7071]`` and the projection is
        ``±[[-1.4142, 0], [0, 0], [1.4142, 0]]`` — column 1 is 0 because nothing varies
        across the line.

    Sign:
        A direction and its opposite are equally good, so each column may come out
        multiplied by -1 compared with scikit-learn; the tests accept either sign per
        column. Everything else must match the exact decomposition, that is
        ``sklearn.decomposition.PCA(n_components=2, svd_solver="full")``: scikit-learn's
        default solver switches to a randomised approximation for inputs of more than 500
        columns (20 words of 4096 dimensions, say), whose coordinates can be far off; the
        tests use such inputs.

    Pitfall:
        Without centring, the first "component" points at the mean of the data instead of
        along its spread. And ``torch.linalg.eigh`` sorts eigenvalues from SMALLEST to
        largest — if you go through the covariance matrix, take the last two, largest first.
        ``torch.linalg.svd`` and ``eigh`` have no half-precision version: for ``float16`` or
        ``bfloat16`` vectors, compute in float32 and return the vectors' own dtype.
    """
    raise NotImplementedError("pca_2d: see the docstring")
