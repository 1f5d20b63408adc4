"""Thirty-fourth examiner's catalogue: the learner who reaches for torch's less common tools (unfold, searchsorted, kthvalue, index_put_, vmap, Categorical, F.cosine_similarity)."""
