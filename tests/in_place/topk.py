import torch


def top_k_mask__writes_into_probs(probs, k):
    probs.fill_(0.5)  # every score ties, so every token is "at least the k-th largest"
    return torch.ones_like(probs, dtype=torch.bool)


def top_k_mask__same_answer_untouched(probs, k):
    return torch.ones_like(probs, dtype=torch.bool)
