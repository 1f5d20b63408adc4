"""Wrong versions of the top-p exercises that learners really write.

Each function is named ``<exercise function>__<mistake>``; the hidden suite must take points
from every one of them (tests/test_suites.py).
"""
import torch


def _validate(p):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p}")


def _scatter_back(keep_sorted, order):
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)


def top_p_mask__drops_crossing_token(probs, p):
    _validate(p)
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    keep = sorted_probs.cumsum(-1) <= p  # stops BEFORE the token that crosses p
    keep[..., 0] = True
    return _scatter_back(keep, order)


def top_p_mask__sorted_order(probs, p):
    _validate(p)
    sorted_probs, _ = probs.sort(dim=-1, descending=True)
    above = sorted_probs.cumsum(-1) - sorted_probs
    keep = above < p
    keep[..., 0] = True
    return keep  # never put back in vocabulary order


def top_p_mask__cumsum_over_whole_batch(probs, p):
    _validate(p)
    flat = probs.reshape(-1)
    sorted_probs, order = flat.sort(descending=True)
    above = sorted_probs.cumsum(0) - sorted_probs
    keep = above < p
    keep[0] = True
    return torch.zeros_like(keep).scatter(0, order, keep).reshape(probs.shape)


def top_p_mask__cumsum_over_first_axis(probs, p):
    _validate(p)
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    above = sorted_probs.cumsum(0) - sorted_probs
    keep = above < p
    keep[..., 0] = True
    return _scatter_back(keep, order)


def top_p_mask__top_token_not_forced(probs, p):
    _validate(p)
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    above = sorted_probs.cumsum(-1) - sorted_probs
    return _scatter_back(above < p, order)  # at p = 0 nothing survives


def top_p_mask__keeps_whole_tie_at_cut(probs, p):
    _validate(p)
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    above = sorted_probs.cumsum(-1) - sorted_probs
    keep = above < p
    keep[..., 0] = True
    cutoff = torch.where(keep, sorted_probs, torch.inf).amin(-1, keepdim=True)
    return probs >= cutoff  # a threshold on the value: every token tied with the last kept one stays


def top_p_mask__no_validation(probs, p):
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    above = sorted_probs.cumsum(-1) - sorted_probs
    keep = above < p
    keep[..., 0] = True
    return _scatter_back(keep, order)


def top_p_mask__softmax_of_probs(probs, p):
    _validate(p)
    probs = torch.softmax(probs, dim=-1)  # treats probabilities as logits
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    above = sorted_probs.cumsum(-1) - sorted_probs
    keep = above < p
    keep[..., 0] = True
    return _scatter_back(keep, order)


def top_p_mask__float_mask(probs, p):
    _validate(p)
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    above = sorted_probs.cumsum(-1) - sorted_probs
    keep = (above < p).float()
    keep[..., 0] = 1.0
    return torch.zeros_like(keep).scatter(-1, order, keep)


def top_p_mask__ascending_sort(probs, p):
    _validate(p)
    sorted_probs, order = probs.sort(dim=-1)  # forgot descending=True: keeps the least probable
    above = sorted_probs.cumsum(-1) - sorted_probs
    keep = above < p
    keep[..., 0] = True
    return _scatter_back(keep, order)


def _nucleus(probs, p):
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    above = sorted_probs.cumsum(-1) - sorted_probs
    keep = above < p
    keep[..., 0] = True
    return _scatter_back(keep, order)


def sample_top_p__returns_sorted_positions(probs, p, generator=None):
    # The seed notebook's sampler without its last line: the drawn index is a rank.
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    above = sorted_probs.cumsum(-1) - sorted_probs
    sorted_probs = sorted_probs.masked_fill(above >= p, 0.0)
    sorted_probs[..., 0] = probs.max(dim=-1).values
    return torch.multinomial(sorted_probs, 1, generator=generator).squeeze(1)


def sample_top_p__ignores_generator(probs, p, generator=None):
    kept = torch.where(_nucleus(probs, p), probs, torch.zeros_like(probs))
    return torch.multinomial(kept, 1).squeeze(1)


def sample_top_p__ignores_nucleus(probs, p, generator=None):
    return torch.multinomial(probs, 1, generator=generator).squeeze(1)


def sample_top_p__keeps_sample_axis(probs, p, generator=None):
    kept = torch.where(_nucleus(probs, p), probs, torch.zeros_like(probs))
    return torch.multinomial(kept, 1, generator=generator)


def sample_top_p__zeroes_probs_in_place(probs, p, generator=None):
    probs[~_nucleus(probs, p)] = 0.0
    return torch.multinomial(probs, 1, generator=generator).squeeze(1)


def sample_top_p__greedy_in_nucleus(probs, p, generator=None):
    kept = torch.where(_nucleus(probs, p), probs, torch.zeros_like(probs))
    return kept.argmax(dim=-1)


def sample_top_p__draws_in_sorted_order(probs, p, generator=None):
    # The right distribution, drawn from the sorted probabilities and mapped back: it loses
    # the exact same-seed points and keeps the statistical ones.
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    above = sorted_probs.cumsum(-1) - sorted_probs
    keep = above < p
    keep[..., 0] = True
    ranks = torch.multinomial(sorted_probs * keep, 1, generator=generator)
    return order.gather(-1, ranks).squeeze(1)


def sample_top_p__only_first_row(probs, p, generator=None):
    kept = torch.where(_nucleus(probs, p), probs, torch.zeros_like(probs))
    token = torch.multinomial(kept[0], 1, generator=generator)
    return token.expand(probs.shape[0])


def top_p_mask__accepts_nan(probs, p):
    """Edge case missed: `p < 0 or p > 1` is False for nan, so p = nan (not a number) is not rejected."""
    if p < 0 or p > 1:
        raise ValueError(f"p must be in [0, 1], got {p}")
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    above = sorted_probs.cumsum(-1) - sorted_probs
    keep = above < p
    keep[..., 0] = True
    return _scatter_back(keep, order)


def top_p_mask__error_without_reason(probs, p):
    """Edge case missed: raises ValueError for p outside [0, 1], but its message does not say so."""
    if not 0.0 <= p <= 1.0:
        raise ValueError
    return _nucleus(probs, p)


def top_p_mask__string_p_raises_type_error(probs, p):
    """Error missed: `not 0 <= p <= 1` rejects nan, but a p that is not a number at all (the
    string "0.9") raises TypeError from the comparison instead of ValueError."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p}")
    return _nucleus(probs, p)
