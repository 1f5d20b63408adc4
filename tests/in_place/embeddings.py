import torch


def subword_averaged_embedding__writes_into_embedding_matrix(word, tokenizer, embedding_matrix):
    embedding_matrix.zero_()  # every row, and so every average, is zero
    return torch.zeros(embedding_matrix.shape[-1], dtype=embedding_matrix.dtype)


def subword_averaged_embedding__same_answer_untouched(word, tokenizer, embedding_matrix):
    return torch.zeros(embedding_matrix.shape[-1], dtype=embedding_matrix.dtype)


def cosine_similarity_matrix__writes_into_vectors(vectors):
    vectors.fill_(1.0)  # identical rows: every similarity is 1
    return torch.ones(vectors.shape[0], vectors.shape[0], dtype=vectors.dtype)


def cosine_similarity_matrix__same_answer_untouched(vectors):
    return torch.ones(vectors.shape[0], vectors.shape[0], dtype=vectors.dtype)


def pca_2d__writes_into_vectors(vectors):
    vectors.zero_()  # no spread at all: every point projects to (0, 0)
    return torch.zeros(vectors.shape[0], 2, dtype=vectors.dtype)


def pca_2d__same_answer_untouched(vectors):
    return torch.zeros(vectors.shape[0], 2, dtype=vectors.dtype)
