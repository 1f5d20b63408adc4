"""reference.embeddings against torch's embedding layer and against independent math."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from reference import embeddings as ref
from reference.tokenizer import load_mistral_tokenizer


@pytest.fixture(scope="module")
def tokenizer():
    return load_mistral_tokenizer()


@pytest.fixture(scope="module")
def layer() -> torch.nn.Embedding:
    torch.manual_seed(0)
    return torch.nn.Embedding(32000, 12)


def test_embedding_matches_the_embedding_layer(tokenizer, layer):
    matrix = layer.weight.detach()
    for word, ids in {"king": [6779], "Kyoto": [15595, 2587], "曇り": [28705, 233, 158, 138, 29516]}.items():
        got = ref.subword_averaged_embedding(word, tokenizer, matrix)
        with torch.no_grad():
            expected = layer(torch.tensor(ids)).mean(0)
        assert got.shape == (12,), f"subword_averaged_embedding({word!r}) has shape {tuple(got.shape)}, expected (12,)"
        assert torch.allclose(got, expected, atol=1e-7), (
            f"subword_averaged_embedding({word!r}) differs from nn.Embedding rows {ids} averaged by "
            f"{float((got - expected).abs().max()):.3g}"
        )


def test_embedding_leaves_the_bos_row_out(tokenizer):
    matrix = torch.zeros(32000, 2)
    matrix[1] = 1000.0  # BOS
    matrix[6779] = torch.tensor([1.0, 2.0])
    got = ref.subword_averaged_embedding("king", tokenizer, matrix)
    assert got.tolist() == [1.0, 2.0], f"subword_averaged_embedding('king') gave {got.tolist()}, expected row 6779 alone"


def test_embedding_mean_by_hand(tokenizer):
    matrix = torch.arange(32000, dtype=torch.float64).unsqueeze(1).repeat(1, 3)
    got = ref.subword_averaged_embedding("unbelievable", tokenizer, matrix)
    ids = [521, 7244, 16198, 522]  # '▁un' 'bel' 'iev' 'able'
    assert got.tolist() == [sum(ids) / 4] * 3, f"got {got.tolist()}, expected the mean id {sum(ids) / 4}"


def test_empty_word_raises(tokenizer, layer):
    with pytest.raises(ValueError, match="no tokens"):
        ref.subword_averaged_embedding("", tokenizer, layer.weight.detach())


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float64], ids=str)
def test_embedding_keeps_dtype(tokenizer, layer, dtype):
    matrix = layer.weight.detach().to(dtype)
    got = ref.subword_averaged_embedding("Kyoto", tokenizer, matrix)
    assert got.dtype == dtype, f"dtype {got.dtype}, expected {dtype}"
    expected = (matrix[15595].double() + matrix[2587].double()) / 2
    assert torch.allclose(got.double(), expected, atol=1e-2 if dtype == torch.bfloat16 else 2e-3)


def test_word_vectors_stack_the_words(tokenizer, layer):
    matrix = layer.weight.detach()
    try:
        from reference.corpus import WORD_GROUPS
        words = [word for group in WORD_GROUPS.values() for word in group]
    except ImportError:
        words = ["king", "queen", "dog", "table"]
    got = ref.word_vectors(words, tokenizer, matrix)
    assert got.shape == (len(words), 12), f"word_vectors shape {tuple(got.shape)}"
    for row, word in zip(got, words):
        assert torch.equal(row, ref.subword_averaged_embedding(word, tokenizer, matrix)), f"row of {word!r} differs"


def _cosine_by_hand(x: torch.Tensor) -> torch.Tensor:
    x = x.double()
    n = x.shape[0]
    out = torch.zeros(n, n, dtype=torch.float64)
    for i in range(n):
        for j in range(n):
            a, b = x[i], x[j]
            na, nb = math.sqrt(float(a @ a)), math.sqrt(float(b @ b))
            out[i, j] = 0.0 if na == 0 or nb == 0 else float(a @ b) / (na * nb)
    return out


def test_cosine_matches_torch_cosine_similarity():
    x = torch.randn(7, 9, generator=torch.Generator().manual_seed(1))
    got = ref.cosine_similarity_matrix(x)
    expected = torch.nn.functional.cosine_similarity(x.unsqueeze(1), x.unsqueeze(0), dim=-1)
    assert got.shape == (7, 7) and got.dtype == torch.float32
    assert torch.allclose(got, expected, atol=1e-6), f"largest difference {float((got - expected).abs().max()):.3g}"


@settings(max_examples=60, deadline=None)
@given(values=hnp.arrays("float64", hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6),
                         # magnitudes whose squares neither underflow nor overflow
                         elements=st.one_of(st.just(0.0), st.floats(1e-3, 1e3), st.floats(-1e3, -1e-3))))
def test_cosine_matches_the_definition(values):
    x = torch.from_numpy(values)
    got = ref.cosine_similarity_matrix(x)
    expected = _cosine_by_hand(x)
    assert torch.allclose(got, expected, atol=1e-9), f"cosine of {values.tolist()} differs by {float((got - expected).abs().max()):.3g}"
    assert torch.equal(got, got.T) or torch.allclose(got, got.T, atol=1e-12)
    assert bool((got.abs() <= 1 + 1e-12).all()), f"a cosine outside [-1, 1]: {float(got.abs().max())}"


def test_cosine_of_zero_vector_is_zero_not_nan():
    x = torch.tensor([[1.0, 2.0], [0.0, 0.0], [2.0, 4.0]])
    got = ref.cosine_similarity_matrix(x)
    expected = torch.tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 0.0], [1.0, 0.0, 1.0]])
    assert not torch.isnan(got).any() and torch.allclose(got, expected, atol=1e-6), f"got {got.tolist()}"


def test_cosine_keeps_dtype():
    x = torch.randn(3, 4, dtype=torch.float64)
    assert ref.cosine_similarity_matrix(x).dtype == torch.float64
    assert ref.cosine_similarity_matrix(x.float()).dtype == torch.float32


def _pca_by_hand(x: np.ndarray) -> np.ndarray:
    centred = x - x.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return centred @ vt[:2].T


@pytest.mark.parametrize("n,d", [(20, 64), (6, 3), (3, 10)])
def test_pca_matches_numpy_svd_up_to_sign(n, d):
    rng = np.random.default_rng(n * d)
    x = rng.normal(size=(n, d)) * np.linspace(4, 0.5, d) + 3.0
    got = ref.pca_2d(torch.from_numpy(x))
    expected = _pca_by_hand(x)
    assert got.shape == (n, 2) and got.dtype == torch.float64
    for column in range(2):
        g, e = got[:, column].numpy(), expected[:, column]
        assert min(np.abs(g - e).max(), np.abs(g + e).max()) < 1e-9, f"column {column} differs beyond sign"


def test_pca_columns_are_centred_and_ordered_by_spread():
    rng = np.random.default_rng(3)
    x = torch.from_numpy(rng.normal(size=(30, 5)) * [5, 1, 3, 0.2, 2] + 10)
    got = ref.pca_2d(x)
    assert torch.allclose(got.mean(0), torch.zeros(2, dtype=torch.float64), atol=1e-10), f"column means {got.mean(0)}"
    spread = got.var(0)
    assert spread[0] >= spread[1], f"variances {spread.tolist()} are not in decreasing order"
    assert abs(float(got[:, 0] @ got[:, 1])) < 1e-8, "the two coordinates are correlated"


def test_pca_of_2d_points_keeps_distances():
    x = torch.tensor([[0.0, 0.0], [3.0, 1.0], [1.0, 4.0], [-2.0, 2.5]], dtype=torch.float64)
    got = ref.pca_2d(x)
    assert torch.allclose(torch.cdist(got, got), torch.cdist(x, x), atol=1e-12)


def test_pca_of_points_on_a_line():
    x = torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    got = ref.pca_2d(x)
    s = math.sqrt(2)
    aligned = ref.align_signs(got, torch.tensor([[-s, 0.0], [0.0, 0.0], [s, 0.0]]))
    assert torch.allclose(aligned, torch.tensor([[-s, 0.0], [0.0, 0.0], [s, 0.0]]), atol=1e-6), f"got {got.tolist()}"
    assert got.dtype == torch.float32


def test_align_signs_undoes_a_flip():
    expected = torch.tensor([[1.0, -2.0], [-3.0, 0.5], [2.0, 1.5]])
    flipped = expected * torch.tensor([-1.0, 1.0])
    assert torch.equal(ref.align_signs(flipped, expected), expected)
    assert torch.equal(ref.align_signs(expected * -1, expected), expected)
    wrong = expected + 1.0
    assert not torch.allclose(ref.align_signs(wrong, expected), expected), "a wrong projection must stay wrong"


@settings(max_examples=30, deadline=None)
@given(values=hnp.arrays("float64", st.tuples(st.integers(3, 8), st.integers(2, 6)),
                         elements=st.floats(-100, 100, allow_subnormal=False)))
def test_pca_matches_the_definition(values):
    centred = values - values.mean(axis=0)
    singular = np.linalg.svd(centred, compute_uv=False)
    # Components are only defined where the first three singular values are apart.
    assume(singular[0] > 1e-6 and singular[0] - singular[1] > 1e-3 * singular[0])
    assume(len(singular) < 3 or singular[1] - singular[2] > 1e-3 * singular[0])
    got = ref.pca_2d(torch.from_numpy(values)).numpy()
    expected = _pca_by_hand(values)
    scale = np.abs(expected).max()
    for column in range(2):
        g, e = got[:, column], expected[:, column]
        assert min(np.abs(g - e).max(), np.abs(g + e).max()) <= 1e-6 * scale, f"column {column} differs beyond sign"
