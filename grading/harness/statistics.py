"""Goodness-of-fit checks for samplers: does a learner draw from the right distribution?

A learner may draw correctly but differently from the reference (sorting first and mapping
the index back, say); then the exact, same-seed comparison fails while the draws still follow
the right distribution. The suites give such a sampler the points of a statistical check:
draw ``N`` tokens with the learner's own sampler and test the counts against the expected
distribution (for top-p: the nucleus, renormalised).

The test (:func:`check_sampler_fit`):

1. Any draw of a token whose expected probability is 0 (outside the nucleus) fails at once.
   A correct sampler never does that, so this part has no false failures at all.
2. For each of the ``K`` tokens with expected probability ``0 < q < 1``, its count is
   ``Binomial(N, q)`` under a correct sampler. The check computes the exact two-sided binomial
   tail probability (twice the smaller of ``P(X <= count)`` and ``P(X >= count)``, from
   ``scipy.stats.binom``) and fails when it is below ``alpha / K`` (Bonferroni over tokens).

False-failure rate. Treating a correct sampler's draws as random, each token's test rejects
with probability at most ``alpha / K`` (exact tails are conservative for a discrete
distribution), so one check fails with probability at most ``alpha`` by the union bound.
Every check uses ``alpha = CHECK_ALPHA = 1e-7`` and a run (one pytest session grading one
target) may perform at most ``MAX_CHECKS_PER_RUN = 10`` checks (enforced: an eleventh raises
``RuntimeError``, a bug in the suites), so a correct sampler fails a run with probability at
most ``10 * 1e-7 = 1e-6`` (Bonferroni over checks). The suites seed the learner's generator with fixed seeds, so a
run is also reproducible: the same submission gets the same grade every time.

Why not a chi-square test: its p-value comes from an asymptotic approximation that is poor
in the far tail we need (1e-8) and with small expected counts; the exact binomial tails with
a union bound give a false-failure bound that holds for any ``N``. The price is some power;
with ``N`` in the thousands and 5–50 tokens, a shift of a few percentage points in any
token's probability is still caught.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from scipy.stats import binom

from grading.harness.compare import Hint, Mismatch

RUN_FALSE_FAILURE_BUDGET = 1e-6
MAX_CHECKS_PER_RUN = 10
CHECK_ALPHA = RUN_FALSE_FAILURE_BUDGET / MAX_CHECKS_PER_RUN

_checks_done = 0  # in this run: a pytest session (the plugin calls start_run when one starts)


def start_run() -> None:
    """Start counting afresh: one run is one pytest session, one target graded.

    A process may hold several sessions: the grader's judge server primes by running the suites
    once on ``solutions/`` and then forks a judge per submission; the in-process runner runs one
    session per target. Their checks are separate draws, each run with its own budget.
    """
    global _checks_done
    _checks_done = 0


@dataclass
class FitReport:
    """The outcome of one goodness-of-fit check.

    Attributes:
        draws: ``N``, the number of draws.
        counts: how often each token was drawn, ``(vocab,)`` int64.
        expected: the expected probabilities, ``(vocab,)`` float64, summing to 1.
        outside: draws of tokens whose expected probability is 0 (or ids outside the vocabulary).
        worst_token: the token whose count is least likely under ``expected`` (-1 if none tested).
        worst_p_value: its two-sided exact binomial tail probability.
        threshold: the per-token level ``alpha / K``.
        passed: no draw outside, and every tested token's tail probability above the threshold.
    """

    draws: int
    counts: torch.Tensor
    expected: torch.Tensor
    outside: int
    worst_token: int
    worst_p_value: float
    threshold: float
    passed: bool

    def describe(self) -> str:
        """A few numbers a learner can read: what was drawn too often or too rarely."""
        if self.outside:
            bad = [int(i) for i in torch.nonzero((self.counts > 0) & (self.expected == 0)).flatten()[:5]]
            ids = f" (token ids {bad})" if bad else ""
            return f"{self.outside} of {self.draws} draws fell outside the nucleus{ids}: those tokens have probability 0"
        token = self.worst_token
        count, q = int(self.counts[token]), float(self.expected[token])
        spread = (self.draws * q * (1 - q)) ** 0.5
        return (
            f"in {self.draws} draws token {token} came {count} times ({count / self.draws:.1%}), expected "
            f"{q:.1%} (about {self.draws * q:.0f} ± {spread:.0f}); a correct sampler is this far off with "
            f"probability {self.worst_p_value:.1e}"
        )


def fit_report(samples: torch.Tensor, expected: torch.Tensor, alpha: float = CHECK_ALPHA) -> FitReport:
    """Test ``samples`` (token ids, any shape) against the distribution ``expected`` ``(vocab,)``."""
    expected = expected.detach().to("cpu", torch.float64).flatten()
    expected = expected / expected.sum()
    vocab = expected.numel()
    ids = samples.detach().to("cpu").flatten().long()
    in_range = (ids >= 0) & (ids < vocab)
    counts = torch.bincount(ids[in_range], minlength=vocab)
    draws = ids.numel()
    outside = int((~in_range).sum()) + int(counts[expected == 0].sum())
    tested = [i for i in range(vocab) if 0.0 < float(expected[i]) < 1.0]
    threshold = alpha / max(len(tested), 1)
    worst_token, worst_p = -1, 1.0
    for token in tested:
        count, q = int(counts[token]), float(expected[token])
        lower = float(binom.cdf(count, draws, q))
        upper = float(binom.sf(count - 1, draws, q))
        p_value = min(1.0, 2.0 * min(lower, upper))
        if p_value < worst_p:
            worst_token, worst_p = token, p_value
    passed = outside == 0 and worst_p >= threshold
    return FitReport(draws, counts, expected, outside, worst_token, worst_p, threshold, passed)


def check_sampler_fit(
    samples: torch.Tensor,
    expected: torch.Tensor,
    *,
    call: str,
    hint: Hint = None,
    alpha: float = CHECK_ALPHA,
) -> FitReport:
    """Raise :class:`~grading.harness.compare.Mismatch` unless ``samples`` fit ``expected``; see the module docstring.

    Counts towards :data:`MAX_CHECKS_PER_RUN`. ``samples`` must be a tensor of token ids (the
    caller checks type and shape first, so a malformed result reads as such, not as bad luck).
    """
    global _checks_done
    _checks_done += 1
    if _checks_done > MAX_CHECKS_PER_RUN:
        raise RuntimeError(
            f"more than {MAX_CHECKS_PER_RUN} statistical checks in one run: the false-failure bound of "
            f"{RUN_FALSE_FAILURE_BUDGET:g} no longer holds (lower CHECK_ALPHA or remove a check)"
        )
    report = fit_report(samples, expected, alpha)
    if not report.passed:
        raise Mismatch(call, report.describe(), hint)
    return report


def crossing_tokens(probs: torch.Tensor, p: float) -> list[int]:
    """The ids of a 1-D ``probs`` whose running total passes ``p`` as they join the nucleus: kept
    by the top-p rule (the mass ranked above them is below ``p``), and left out by its classic
    slip, ``cumsum <= p``. Tied tokens count together, as any order of them is a valid ranking;
    a most probable token alone is kept by both."""
    values = probs.detach().to("cpu", torch.float64).flatten()
    groups, group_of, sizes = torch.unique(values, sorted=True, return_inverse=True, return_counts=True)
    mass = groups * sizes  # ascending values: the mass above a group is that of the groups after it
    above = mass.flip(0).cumsum(0).flip(0) - mass
    crossing = (above < p) & (above + mass > p)
    if int(sizes[-1]) == 1:
        crossing[-1] = False
    return torch.nonzero(crossing[group_of]).flatten().tolist()


def left_out_crossing_hint(draws: torch.Tensor, expected: torch.Tensor, before: torch.Tensor, p: float,
                           name: str = "p", cut_from: str = "") -> str | None:
    """A hint for 1-D ``draws`` of token ids where exactly one token that ``expected`` (the nucleus
    distribution) gives them at least 5 times in that many draws never came, and it crosses
    ``name`` = ``p`` in ``before`` (the distribution the nucleus is cut from): what the comparison
    established, and the rule. The ``cumsum <= p`` slip leaves out that one token; with more
    missing (an argmax, a strict top-k cut) something else is wrong, and None lets the caller's
    hint stand. ``cut_from`` names ``before`` where a nucleus cut from another distribution
    (before the temperature, say) can leave out that token too: the hint then says so."""
    expected = expected.detach().to("cpu", torch.float64).flatten()
    ids = draws.detach().to("cpu").flatten().long()
    ids = ids[(ids >= 0) & (ids < len(expected))]  # as fit_report counts them: out-of-range ids are reported there
    counts = torch.bincount(ids, minlength=len(expected))
    missing = [token for token in range(len(expected)) if counts[token] == 0 and expected[token] * draws.numel() >= 5]
    if len(missing) != 1 or missing[0] not in crossing_tokens(before, p):
        return None
    if cut_from:
        return (f"token {missing[0]} never came, and it is the token whose running total passes {name} in "
                f"{cut_from}, which the nucleus keeps: either your rule leaves it out (a token stays when the mass "
                f"ranked ABOVE it is below {name}) or your nucleus is cut from another distribution")
    return (f"token {missing[0]} never came, and it is the token whose running total passes {name} as it joins "
            f"the nucleus: the nucleus keeps it (a token stays when the mass ranked ABOVE it is below {name})")


def draw_repeatedly(draw: Callable[[], torch.Tensor], times: int) -> torch.Tensor:
    """Call ``draw()`` ``times`` times and concatenate the flattened results (int64, on the CPU)."""
    return torch.cat([torch.as_tensor(draw()).detach().to("cpu").flatten().long() for _ in range(times)])
