import torch


def top_p_mask__writes_into_probs(probs, p):
    probs.zero_()
    probs[..., 0] = 1.0  # token 0 alone holds all the mass, so the nucleus is {0}
    keep = torch.zeros_like(probs, dtype=torch.bool)
    keep[..., 0] = True
    return keep


def top_p_mask__same_answer_untouched(probs, p):
    keep = torch.zeros_like(probs, dtype=torch.bool)
    keep[..., 0] = True
    return keep
