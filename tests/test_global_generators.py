"""A learner's code that draws from a global random generator draws the same in every
hypothesis example, sandboxed or in-process (grading.harness.target.Target._seed_if_a_new_example).

Hypothesis shrinks a failing example for a bounded time, so how many calls come before the
example it reports depends on the machine's speed. A sampler that ignores the generator it is
given draws from torch's global one; before each example's first call was seeded, the draws
quoted in its feedback changed from one grading of the same file to the next.
"""
from __future__ import annotations

import random

import numpy
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from grading.harness.target import load_target

# sample_top_p of a learner who draws from the global generators (and reports all three).
GLOBAL_DRAWS = '''
import random

import numpy
import torch


def sample_top_p(probs, p, generator=None):
    return torch.rand(3), random.random(), float(numpy.random.rand())
'''


def _seeded_with_zero() -> tuple[list[float], float, float]:
    """What the three global generators give first after seeding them with 0."""
    return (torch.rand(3, generator=torch.Generator().manual_seed(0)).tolist(), random.Random(0).random(),
            float(numpy.random.RandomState(0).rand()))


def _plain(drawn) -> tuple[list[float], float, float]:
    tensor, python_float, numpy_float = drawn
    return tensor.tolist(), python_float, numpy_float


@pytest.fixture(scope="module", params=["isolated", "trusted"])
def target(request, tmp_path_factory):
    """The submission sandboxed, then imported into this process (one worker for both tests)."""
    folder = tmp_path_factory.mktemp("submission")
    (folder / "nucleus.py").write_text(GLOBAL_DRAWS)
    state = torch.random.get_rng_state()  # in-process, the learner's draws are this process's
    made = load_target(f"{request.param}:{folder}")
    yield made
    made.close()
    torch.random.set_rng_state(state)


def test_each_example_starts_with_the_global_generators_seeded_with_zero(target):
    sample = target.function("sample_top_p")
    probs = torch.tensor([[0.5, 0.5]])
    sample(probs, 0.9)  # calls before the examples must not matter
    pairs = []

    @settings(max_examples=6, derandomize=True, database=None)
    @given(st.integers(0, 100))
    def examples(number):
        pairs.append((_plain(sample(probs, 0.9)), _plain(sample(probs, 0.9))))

    examples()
    seeded = _seeded_with_zero()
    firsts = [first for first, _ in pairs]
    assert len(pairs) == 6 and all(first == seeded for first in firsts), (
        f"sample_top_p drawing from the global generators gave {firsts} at each example's first call, "
        f"expected {seeded} (the generators seeded with 0) every time")
    assert all(second != first for first, second in pairs), (
        f"the second call of an example drew {pairs[0][1]}, the same as the first: only an example's first "
        "call may reseed, or a sampler that ignores its generator would repeat itself and pass")


def test_outside_hypothesis_the_global_generators_move_on(target):
    sample = target.function("sample_top_p")
    probs = torch.tensor([[0.5, 0.5]])
    draws = [_plain(sample(probs, 0.9)) for _ in range(3)]
    assert draws[1] != _seeded_with_zero() and draws[2] != _seeded_with_zero() and len(set(map(str, draws))) == 3, (
        f"three calls outside hypothesis drew {draws}; expected three different draws, none reseeded with 0 "
        "after the first (a test's own calls run in a fixed order and must see the generators move on)")
