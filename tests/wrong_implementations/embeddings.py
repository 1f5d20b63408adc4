"""Wrong versions of the embeddings exercises that learners really write.

Each function is named ``<exercise function>__<mistake>``; the hidden suite must take points
from every one of them (tests/test_suites.py).
"""
import numpy as np
import torch


def _ids(word, tokenizer, matrix, **kwargs):
    return torch.tensor(tokenizer.encode(word, **kwargs), dtype=torch.long, device=matrix.device)


def subword_averaged_embedding__includes_bos(word, tokenizer, embedding_matrix):
    return embedding_matrix[_ids(word, tokenizer, embedding_matrix)].mean(dim=0)


def subword_averaged_embedding__drops_every_bos_id(word, tokenizer, embedding_matrix):
    """Pitfall missed: encodes with the BOS, then drops every id 1: a text that spells "<s>"
    loses its own token too (an examiner's learner, who followed the hints to green)."""
    ids = _ids(word, tokenizer, embedding_matrix)
    ids = ids[ids != 1]
    if len(ids) == 0:
        raise ValueError("no tokens")
    return embedding_matrix[ids].mean(dim=0)


def subword_averaged_embedding__sum(word, tokenizer, embedding_matrix):
    ids = _ids(word, tokenizer, embedding_matrix, add_special_tokens=False)
    if len(ids) == 0:
        raise ValueError("no tokens")
    return embedding_matrix[ids].sum(dim=0)


def subword_averaged_embedding__mean_over_wrong_axis(word, tokenizer, embedding_matrix):
    ids = _ids(word, tokenizer, embedding_matrix, add_special_tokens=False)
    if len(ids) == 0:
        raise ValueError("no tokens")
    return embedding_matrix[ids].mean(dim=1)


def subword_averaged_embedding__first_subword_only(word, tokenizer, embedding_matrix):
    ids = _ids(word, tokenizer, embedding_matrix, add_special_tokens=False)
    if len(ids) == 0:
        raise ValueError("no tokens")
    return embedding_matrix[ids[0]]


def subword_averaged_embedding__vocabulary_lookup(word, tokenizer, embedding_matrix):
    # Looks the word up as one piece: most words are not pieces ('king' is '▁king'), so <unk>.
    if not word:
        raise ValueError("empty word")
    return embedding_matrix[tokenizer.convert_tokens_to_ids(word)]


def subword_averaged_embedding__no_empty_check(word, tokenizer, embedding_matrix):
    ids = _ids(word, tokenizer, embedding_matrix, add_special_tokens=False)
    return embedding_matrix[ids].mean(dim=0)


def subword_averaged_embedding__keeps_token_axis(word, tokenizer, embedding_matrix):
    ids = _ids(word, tokenizer, embedding_matrix, add_special_tokens=False)
    if len(ids) == 0:
        raise ValueError("no tokens")
    return embedding_matrix[ids].mean(dim=0, keepdim=True)


def subword_averaged_embedding__float32_result(word, tokenizer, embedding_matrix):
    ids = _ids(word, tokenizer, embedding_matrix, add_special_tokens=False)
    if len(ids) == 0:
        raise ValueError("no tokens")
    return embedding_matrix[ids].float().mean(dim=0)


def subword_averaged_embedding__numpy_result(word, tokenizer, embedding_matrix):
    ids = _ids(word, tokenizer, embedding_matrix, add_special_tokens=False)
    if len(ids) == 0:
        raise ValueError("no tokens")
    return embedding_matrix[ids].mean(dim=0).detach().cpu().numpy()


def cosine_similarity_matrix__dot_products(vectors):
    return vectors @ vectors.T


def cosine_similarity_matrix__normalises_columns(vectors):
    unit = vectors / vectors.norm(dim=0, keepdim=True)
    return unit @ unit.T


def cosine_similarity_matrix__one_norm_only(vectors):
    unit = vectors / vectors.norm(dim=1, keepdim=True)
    return unit @ vectors.T


def cosine_similarity_matrix__nan_for_zero_vectors(vectors):
    unit = vectors / vectors.norm(dim=1, keepdim=True)
    return unit @ unit.T


def cosine_similarity_matrix__distance(vectors):
    norms = vectors.norm(dim=1, keepdim=True).clamp_min(1e-12)
    unit = vectors / norms
    return 1 - unit @ unit.T


def cosine_similarity_matrix__float64_via_numpy(vectors):
    x = vectors.detach().cpu().numpy().astype(np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    unit = x / np.where(norms == 0, 1, norms)
    return torch.from_numpy(unit @ unit.T)


def pca_2d__not_centred(vectors):
    _, _, vh = torch.linalg.svd(vectors, full_matrices=False)
    return vectors @ vh[:2].T


def pca_2d__u_without_singular_values(vectors):
    centred = vectors - vectors.mean(dim=0)
    u, _, _ = torch.linalg.svd(centred, full_matrices=False)
    return u[:, :2]


def pca_2d__smallest_eigenvectors(vectors):
    centred = vectors - vectors.mean(dim=0)
    covariance = centred.T @ centred / (len(vectors) - 1)
    _, eigenvectors = torch.linalg.eigh(covariance)  # ascending eigenvalues
    return centred @ eigenvectors[:, :2]


def pca_2d__columns_of_vh(vectors):
    centred = vectors - vectors.mean(dim=0)
    _, _, vh = torch.linalg.svd(centred, full_matrices=True)
    return centred @ vh[:, :2]


def pca_2d__centres_rows(vectors):
    centred = vectors - vectors.mean(dim=1, keepdim=True)
    _, _, vh = torch.linalg.svd(centred, full_matrices=False)
    return centred @ vh[:2].T


def pca_2d__standardised(vectors):
    centred = vectors - vectors.mean(dim=0)
    scaled = centred / centred.std(dim=0).clamp_min(1e-12)
    _, _, vh = torch.linalg.svd(scaled, full_matrices=False)
    return scaled @ vh[:2].T


def pca_2d__float64_result(vectors):
    x = vectors.double()
    centred = x - x.mean(dim=0)
    _, _, vh = torch.linalg.svd(centred, full_matrices=False)
    return centred @ vh[:2].T


def pca_2d__svd_in_half_precision(vectors):
    """Pitfall missed: follows the recipe in the vectors' own dtype, so float16 or bfloat16
    vectors reach torch.linalg.svd, which has no half-precision kernel, and it raises."""
    centred = vectors - vectors.mean(dim=0)
    _, _, vh = torch.linalg.svd(centred, full_matrices=False)
    return centred @ vh[:2].T
