"""Expected values remembered across submissions (grading/expected.py): a remembered answer
must be exactly what a fresh call would give, and anything the answer depends on must make a
fresh call happen."""
from __future__ import annotations

import inspect
import types

import pytest
import torch

from grading.expected import remember, remembered


class Counting:
    """A reference function that counts its real calls."""

    def __init__(self, function):
        self.calls = 0
        self.function = function

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.function(*args, **kwargs)


def _remembered(function):
    counting = Counting(function)

    def reference(*args, **kwargs):  # a plain function, as remember() expects
        return counting(*args, **kwargs)

    reference.__qualname__ = f"test.{function.__name__}.{id(counting)}"  # a key of its own per test
    reference.__signature__ = inspect.signature(function)  # a sampler is told by its `generator` parameter
    return remember(reference), counting


def test_the_same_tensor_input_is_computed_once_and_a_copy_comes_back():
    def scaled(x):
        return {"rows": [x * 2, x.sum()]}

    function, counting = _remembered(scaled)
    x = torch.arange(6.0).view(2, 3)
    first = function(x)
    first["rows"][0].add_(100)  # a test that edits what it got must not edit the memory
    second = function(x.clone())
    assert counting.calls == 1, f"the reference ran {counting.calls} times for the same input, expected once"
    assert torch.equal(second["rows"][0], x * 2), f"the remembered value was {second['rows'][0]}, expected {x * 2}"


@pytest.mark.parametrize("other", [
    torch.arange(6.0).view(3, 2),                  # same values, another shape
    torch.arange(6.0).view(2, 3).double(),         # another dtype
    torch.arange(6.0).view(2, 3) + 1e-6,           # another value
])
def test_any_difference_in_a_tensor_means_a_fresh_call(other):
    function, counting = _remembered(lambda x: x.sum())
    function(torch.arange(6.0).view(2, 3))
    function(other)
    assert counting.calls == 2, f"{other!r} got the answer remembered for another tensor"


def test_plain_inputs_are_simply_computed():
    function, counting = _remembered(lambda text, n: text * n)
    assert function("ab", 2) == "abab" and function("ab", 2) == "abab"
    assert counting.calls == 2, "strings and numbers are cheap: they should not be remembered"


def test_unknown_objects_are_never_remembered():
    function, counting = _remembered(lambda spy, x: spy(x))
    values = iter([1, 2])
    assert function(lambda x: next(values), torch.ones(1)) == 1
    assert function(lambda x: next(values), torch.ones(1)) == 2, "an answer that depends on a callable was remembered"
    assert counting.calls == 2


def test_a_generator_comes_back_where_the_real_call_left_it():
    def draw(probs, generator=None):
        return torch.multinomial(probs, 5, replacement=True, generator=generator)

    function, counting = _remembered(draw)
    probs = torch.tensor([0.1, 0.2, 0.7])
    first_generator = torch.Generator().manual_seed(4)
    first = function(probs, generator=first_generator)
    again_generator = torch.Generator().manual_seed(4)
    again = function(probs, generator=again_generator)
    assert counting.calls == 1 and torch.equal(first, again), f"draws {first} then {again}"
    assert torch.equal(again_generator.get_state(), first_generator.get_state()), \
        "after a remembered draw the generator must be advanced as the real draw advanced it"
    other = function(probs, generator=again_generator)  # a later state: a new draw
    assert counting.calls == 2 and other.shape == first.shape


def test_a_sampler_without_a_generator_depends_on_the_global_random_state():
    def draw(probs, generator=None):
        return torch.multinomial(probs, 8, replacement=True, generator=generator)

    function, counting = _remembered(draw)
    probs = torch.full((4,), 0.25)
    torch.manual_seed(1)
    first = function(probs)
    after_first = torch.random.get_rng_state()
    torch.manual_seed(2)
    function(probs)
    assert counting.calls == 2, "another global seed must give a fresh draw"
    torch.manual_seed(1)
    again = function(probs)
    assert counting.calls == 2 and torch.equal(again, first)
    assert torch.equal(torch.random.get_rng_state(), after_first), "the global generator must advance as in the real call"


def test_an_edited_model_weight_gets_a_fresh_answer_and_a_restored_one_the_old():
    from grading.isolation import _EXTRA_BACKENDS, register_backend

    model = torch.nn.Linear(3, 2)
    register_backend("test-expected", types.SimpleNamespace(model=model, tokenizer=object()))
    try:
        function, counting = _remembered(lambda m, x: m(x))
        x = torch.ones(1, 3)
        with torch.no_grad():
            before = function(model, x)
            saved = model.weight.detach().clone()
            model.weight.mul_(2)
            edited = function(model, x)
            assert counting.calls == 2 and not torch.equal(before, edited), "an edited weight must change the answer"
            model.weight.copy_(saved)
            restored = function(model, x)
    finally:
        _EXTRA_BACKENDS.pop("test-expected", None)
    assert counting.calls == 2 and torch.equal(restored, before), \
        "weights restored to their values should find the first answer again"


def test_a_remembered_module_wraps_functions_and_passes_classes_through():
    from reference import sampling

    view = remembered(sampling)
    assert view.BigramModel is sampling.BigramModel, "classes must pass through untouched"
    assert view.sample_generate is view.sample_generate, "one wrapper per function"
    assert view.sample_generate.__wrapped__ is sampling.sample_generate
