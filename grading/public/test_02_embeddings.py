"""Public tests for exercises 3 to 5 (exercises/embeddings.py). Run: decodelab check subword_embedding / cosine / pca

Expected values are worked out by hand from the definitions; token ids are facts about
Mistral-7B-v0.1's tokenizer.
"""
import math

import pytest
import torch

from grading.harness.compare import call_text, check_tensor, expect_error
from reference.tokenizer import load_mistral_tokenizer


@pytest.fixture(scope="module")
def tokenizer():
    return load_mistral_tokenizer()


@pytest.fixture(scope="module")
def id_matrix():
    """A (32000, 3) matrix whose row i is [i, -i, 1]: the mean of rows is easy to work out by hand."""
    ids = torch.arange(32000, dtype=torch.float64)
    return torch.stack([ids, -ids, torch.ones_like(ids)], dim=1)


@pytest.mark.subword_embedding
def test_one_token_word_is_its_row(learner, tokenizer, id_matrix):
    got = learner.subword_averaged_embedding("king", tokenizer, id_matrix)
    # "king" is one token, '▁king' = 6779, so the result is row 6779 itself.
    check_tensor(got, torch.tensor([6779.0, -6779.0, 1.0], dtype=torch.float64),
                 call=call_text(learner.subword_averaged_embedding, "king", tokenizer, id_matrix),
                 atol=1e-9, hint="encode without special tokens: the BOS token <s> (id 1) is not part of the word")


@pytest.mark.subword_embedding
def test_two_token_word_is_the_mean_of_two_rows(learner, tokenizer, id_matrix):
    got = learner.subword_averaged_embedding("Kyoto", tokenizer, id_matrix)
    # "Kyoto" -> '▁Ky' 15595, 'oto' 2587: the mean id is 9091.
    check_tensor(got, torch.tensor([9091.0, -9091.0, 1.0], dtype=torch.float64),
                 call=call_text(learner.subword_averaged_embedding, "Kyoto", tokenizer, id_matrix),
                 atol=1e-9, hint=lambda: _two_token_hint(got))


def _mean_id(ids: list[int]) -> torch.Tensor:
    """What averaging the rows ``ids`` of ``id_matrix`` gives: row i is [i, -i, 1]."""
    mean = sum(ids) / len(ids)
    return torch.tensor([mean, -mean, 1.0], dtype=torch.float64)


def _is(got, expected: torch.Tensor) -> bool:
    return (isinstance(got, torch.Tensor) and got.shape == expected.shape
            and bool(torch.allclose(got.detach().cpu().double(), expected, atol=1e-6)))


def _two_token_hint(got) -> str:
    """Name the mistake only where replaying it gives the learner's result for "Kyoto" (15595, 2587)."""
    if _is(got, _mean_id([1, 15595, 2587])):
        return ("that is the mean of three rows: the BOS row <s> (id 1) is in it — encode with "
                "add_special_tokens=False")
    if _is(got, torch.tensor([15595.0 + 2587, -(15595.0 + 2587), 2.0], dtype=torch.float64)):
        return "that is the sum of the two rows: divide by the number of tokens (a mean, not a sum)"
    return "the result is the mean of the word's own token rows (over the token axis, dim=0), and nothing else"


@pytest.mark.subword_embedding
def test_a_text_that_spells_bos_keeps_its_own_token(learner, tokenizer, id_matrix):
    text = "Hello <s> world"
    got = learner.subword_averaged_embedding(text, tokenizer, id_matrix)
    # Without special tokens: '▁Hello' 22557, '▁' 28705, '<s>' 1 (the text's own), '▁world' 1526.
    expected = _mean_id([22557, 28705, 1, 1526])
    check_tensor(got, expected, call=call_text(learner.subword_averaged_embedding, text, tokenizer, id_matrix),
                 atol=1e-9, hint=lambda: (
                     "that is the mean without row 1: the text spells <s> itself, and that id 1 is its own token "
                     "— encode with add_special_tokens=False and keep every id it gives, instead of dropping id 1"
                     if _is(got, _mean_id([22557, 28705, 1526])) else
                     "encode with add_special_tokens=False and average every row it gives: the <s> this text "
                     "spells (id 1) is one of them"))


@pytest.mark.subword_embedding
def test_empty_word_is_rejected(learner, tokenizer, id_matrix):
    expect_error(learner.subword_averaged_embedding, ValueError, "", tokenizer, id_matrix,
                 hint="'' encodes to no tokens: raise ValueError instead of averaging nothing")


@pytest.mark.cosine
def test_cosine_worked_example(learner):
    vectors = torch.tensor([[1.0, 0.0], [1.0, 1.0], [-2.0, 0.0]])
    r = 1 / math.sqrt(2)
    expected = torch.tensor([[1.0, r, -1.0], [r, 1.0, -r], [-1.0, -r, 1.0]])
    check_tensor(learner.cosine_similarity_matrix(vectors), expected,
                 call=call_text(learner.cosine_similarity_matrix, vectors), atol=1e-6,
                 hint="normalise each row to length 1, then multiply the matrix by its transpose")


@pytest.mark.cosine
def test_cosine_of_a_zero_vector_is_zero(learner):
    vectors = torch.tensor([[3.0, 4.0], [0.0, 0.0]])
    expected = torch.tensor([[1.0, 0.0], [0.0, 0.0]])
    check_tensor(learner.cosine_similarity_matrix(vectors), expected,
                 call=call_text(learner.cosine_similarity_matrix, vectors), atol=1e-6,
                 hint="a zero row has norm 0: do not divide by it, leave the row at 0")


@pytest.mark.cosine
def test_a_very_short_row_still_has_a_direction(learner):
    # Row 0 has length 1e-13, not 0: it points along x, so its cosine with itself is 1 and with
    # [3, 4] it is 3/5. Row 2 is zero: 0 everywhere.
    vectors = torch.tensor([[1e-13, 0.0], [3.0, 4.0], [0.0, 0.0]])
    expected = torch.tensor([[1.0, 0.6, 0.0], [0.6, 1.0, 0.0], [0.0, 0.0, 0.0]])
    got = learner.cosine_similarity_matrix(vectors)
    check_tensor(got, expected, call=call_text(learner.cosine_similarity_matrix, vectors), atol=1e-5,
                 hint=lambda: _short_row_hint(got))


def _short_row_hint(got) -> str:
    rule = ("a row of length 1e-13 is not a zero row: divide it by its own norm; only a row whose norm is exactly 0 "
            "stays at 0")
    if isinstance(got, torch.Tensor) and got.shape == (3, 3) and abs(float(got[0, 0]) - 1.0) > 1e-5:
        return (f"row 0's cosine with itself came back {float(got[0, 0]):.3g}, expected 1: {rule} (anything added "
                "to the norm, or a floor under it such as 1e-8 or 1e-12, shrinks such a row)")
    return rule


@pytest.mark.pca
def test_pca_of_points_on_a_line(learner):
    vectors = torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    got = learner.pca_2d(vectors)
    s = math.sqrt(2)
    expected = torch.tensor([[-s, 0.0], [0.0, 0.0], [s, 0.0]])
    if isinstance(got, torch.Tensor) and got.shape == expected.shape and got[0, 0] > 0:
        expected[:, 0] *= -1  # a component's sign is arbitrary
    check_tensor(got, expected, call=call_text(learner.pca_2d, vectors), atol=1e-5,
                 hint="centre the columns, take the SVD, project onto the first two rows of Vh")


@pytest.mark.pca
def test_pca_of_half_precision_vectors(learner):
    # float16, as a 4-bit model's embedding matrix on a GPU: torch.linalg.svd has no float16 kernel.
    vectors = torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]], dtype=torch.float16)
    got = learner.pca_2d(vectors)
    s = math.sqrt(2)
    expected = torch.tensor([[-s, 0.0], [0.0, 0.0], [s, 0.0]], dtype=torch.float16)
    if isinstance(got, torch.Tensor) and got.shape == expected.shape and got[0, 0] > 0:
        expected[:, 0] *= -1  # a component's sign is arbitrary
    check_tensor(got, expected, call=call_text(learner.pca_2d, vectors), atol=1e-2,
                 hint=_HALF_HINT)


_HALF_HINT = ("compute all of it in float32 — the mean and the centring too, not only the SVD — and return the "
              "result in the vectors' dtype")


@pytest.mark.pca
def test_pca_of_half_precision_vectors_far_from_the_origin(learner):
    # The mean is [300.667, 300.667]; float16 holds 300.75 at best, so centring in float16 moves
    # every point. In float32 the points sit at -2/3, 1/3, 1/3 along [1, 1]: times sqrt(2).
    vectors = torch.tensor([[300.0, 300.0], [301.0, 301.0], [301.0, 301.0]], dtype=torch.float16)
    got = learner.pca_2d(vectors)
    s = math.sqrt(2)
    expected = torch.tensor([[-2 * s / 3, 0.0], [s / 3, 0.0], [s / 3, 0.0]], dtype=torch.float16)
    if isinstance(got, torch.Tensor) and got.shape == expected.shape and got[0, 0] > 0:
        expected[:, 0] *= -1  # a component's sign is arbitrary
    check_tensor(got, expected, call=call_text(learner.pca_2d, vectors), atol=1e-2, hint=_HALF_HINT)


@pytest.mark.pca
def test_pca_centres_the_data(learner):
    # Two points far from the origin: after centring they sit at ±5 along the x axis.
    vectors = torch.tensor([[100.0, 7.0], [110.0, 7.0]])
    got = learner.pca_2d(vectors)
    expected = torch.tensor([[-5.0, 0.0], [5.0, 0.0]])
    if isinstance(got, torch.Tensor) and got.shape == expected.shape and got[0, 0] > 0:
        expected[:, 0] *= -1
    check_tensor(got, expected, call=call_text(learner.pca_2d, vectors), atol=1e-4,
                 hint="subtract the mean of each column before the SVD")
