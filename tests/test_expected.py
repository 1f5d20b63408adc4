"""Expected values remembered across submissions (grading/grader/expected.py): a remembered answer
must be exactly what a fresh call would give, and anything the answer depends on must make a
fresh call happen."""
from __future__ import annotations

import inspect
import os
import types

import pytest
import torch

from grading.grader.expected import remember, remembered


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


def test_a_large_tensor_is_remembered_until_it_changes_in_place_or_another_takes_its_place():
    """Large tensors (past LARGE elements) are hashed once per version of the object: a change
    in place, through the tensor or a view of it, and a new tensor of other values, even at the
    same address, must each mean a fresh call."""
    from grading.grader.expected import LARGE

    function, counting = _remembered(lambda x: x.sum())
    big = torch.zeros(LARGE + 1)
    assert function(big).item() == 0.0
    assert function(big).item() == 0.0 and counting.calls == 1, "the same unchanged tensor was computed again"
    big[5] = 1.0
    assert function(big).item() == 1.0, "a change in place was answered from memory"
    big.view(-1, 1)[7] = 2.0  # through a view: the version counter is shared
    assert function(big).item() == 3.0, "a change through a view was answered from memory"
    assert function(torch.zeros(LARGE + 1) + 1.0).item() == LARGE + 1, "a new tensor was answered from memory"
    for _ in range(20):  # freed tensors whose memory and object ids come back with other values
        assert function(torch.full((LARGE + 1,), 2.0)).item() == 2 * (LARGE + 1)
        assert function(torch.full((LARGE + 1,), 4.0)).item() == 4 * (LARGE + 1)
    with torch.inference_mode():  # no version counter: hashed each time
        frozen = torch.ones(LARGE + 1)
    assert function(frozen).item() == LARGE + 1


def test_a_freed_tensor_leaves_no_remembered_hash_behind():
    """A judge hashes every large tensor it sees, over a whole class: the hash of a tensor that
    is gone must go with it, or the judge's memory grows with every submission."""
    from grading.grader import expected

    function, _ = _remembered(lambda x: x.sum())
    kept = torch.zeros(expected.LARGE + 1)
    function(kept)
    before = len(expected._DIGESTS)  # an earlier test's tensors may still go meanwhile: at most this many
    for value in range(50):
        function(torch.full((expected.LARGE + 1,), float(value)))
    assert len(expected._DIGESTS) <= before, (
        f"after 50 tensors were hashed and freed, {len(expected._DIGESTS) - before} of their hashes were still "
        "kept, expected 0")
    assert function(kept).item() == 0.0


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
    from reference.backends import held_backends, load_backend

    backend = load_backend("tiny")
    # A loaded backend is known to the process while it is held: nobody registers it.
    assert held_backends().get(backend.name) is backend, "a loaded Backend that is held must be in held_backends()"
    weight = backend.model.get_output_embeddings().weight
    function, counting = _remembered(lambda m, x: m(input_ids=x).logits)
    x = torch.tensor([[1, 415, 5565]])
    with torch.no_grad():
        before = function(backend.model, x)
        saved = weight.detach().clone()
        weight.mul_(2)
        edited = function(backend.model, x)
        assert counting.calls == 2 and not torch.equal(before, edited), "an edited weight must change the answer"
        weight.copy_(saved)
        restored = function(backend.model, x)
    assert counting.calls == 2 and torch.equal(restored, before), \
        "weights restored to their values should find the first answer again"


def test_a_remembered_module_wraps_functions_and_passes_classes_through():
    from reference import sampling

    view = remembered(sampling)
    assert view.BigramModel is sampling.BigramModel, "classes must pass through untouched"
    assert view.sample_generate is view.sample_generate, "one wrapper per function"
    assert view.sample_generate.__wrapped__ is sampling.sample_generate


# ---------------------------------------------------------------------------------------------
# The memory on disk (expected.save / expected.load / expected.disk_key)


class Opaque:
    """An answer that is not plain data."""


@pytest.fixture
def empty_memory():
    """The process's memory emptied for one test, and after it (what it held is only computed again)."""
    from grading.grader import expected
    expected.forget()
    yield expected
    expected.forget()


def test_answers_read_back_from_disk_are_those_of_the_call(empty_memory, tmp_path):
    expected = empty_memory

    def draw(probs, generator=None):
        return {"ids": torch.multinomial(probs, 5, replacement=True, generator=generator), "sum": [probs.sum()]}

    function, counting = _remembered(draw)
    probs = torch.tensor([0.2, 0.3, 0.5])
    generator = torch.Generator().manual_seed(3)
    first = function(probs, generator=generator)
    after = generator.get_state()
    state_at_save = torch.random.get_rng_state()
    written = expected.save(tmp_path / "memory.pt")
    assert written == 1, f"save() wrote {written} answers, expected the 1 remembered"
    expected.forget()
    torch.manual_seed(123)  # the file sets the random states back to those at save()
    assert expected.load(tmp_path / "memory.pt") == 1, "load() should add the 1 answer save() wrote"
    assert torch.equal(torch.random.get_rng_state(), state_at_save), (
        "load() must set torch's random state to the one at save(): judges fork from it as after priming")
    generator = torch.Generator().manual_seed(3)
    again = function(probs, generator=generator)
    assert counting.calls == 1, f"the function ran {counting.calls} times, expected once: the second answer is the file's"
    assert torch.equal(again["ids"], first["ids"]) and torch.equal(again["sum"][0], first["sum"][0]), (
        f"the answer read from disk was {again}, expected {first}")
    assert torch.equal(generator.get_state(), after), "the generator must advance as in the real call"


def test_only_plain_answers_are_written_and_reading_builds_no_object(empty_memory, tmp_path):
    expected = empty_memory
    plain, _ = _remembered(lambda x: (x * 2, {"n": 3, "text": "a"}))
    opaque, _ = _remembered(lambda x: Opaque())
    plain(torch.ones(2))
    opaque(torch.ones(2))
    assert expected.remembered_calls() == 2
    written = expected.save(tmp_path / "memory.pt")
    assert written == 1, f"save() wrote {written} answers, expected 1: an object of a class of ours is not plain data"
    hostile = tmp_path / "hostile.pt"
    torch.save({"format": expected.DISK_FORMAT, "entries": [[b"k", Opaque(), [], torch.get_rng_state()]],
                "random_states": {}}, hostile)
    expected.forget()
    assert expected.load(hostile) == 0 and expected.remembered_calls() == 0, (
        "load() of a file holding an object must add nothing: it reads with weights_only=True")


@pytest.mark.parametrize("content", [b"", b"not a torch file", None], ids=["empty", "garbage", "other format"])
def test_a_damaged_or_foreign_file_adds_nothing(empty_memory, tmp_path, content):
    expected = empty_memory
    path = tmp_path / "memory.pt"
    if content is None:
        torch.save({"format": expected.DISK_FORMAT + 1, "entries": []}, path)
    else:
        path.write_bytes(content)
    state = torch.random.get_rng_state()
    assert expected.load(path) == 0 and expected.remembered_calls() == 0, f"load() of a {content!r} file should add nothing"
    assert torch.equal(torch.random.get_rng_state(), state), "a file that is not read must not touch the random state"
    assert expected.load(tmp_path / "missing.pt") == 0, "load() of a missing file should add nothing"


def test_saving_keeps_the_most_recently_used_files(empty_memory, tmp_path):
    expected = empty_memory
    for index in range(expected.KEEP_FILES + 3):
        old = tmp_path / f"old{index}.pt"
        old.write_bytes(b"x")
        os.utime(old, (1_000_000 + index, 1_000_000 + index))
    expected.save(tmp_path / "new.pt")
    left = sorted(path.name for path in tmp_path.glob("*.pt"))
    assert len(left) == expected.KEEP_FILES and "new.pt" in left and "old0.pt" not in left, (
        f"after save() the folder holds {left}, expected the {expected.KEEP_FILES} most recent, new.pt among them")


def _fake_backend(root, device="cpu"):
    for folder, name in (("model", "model.safetensors"), ("tokenizer", "tokenizer.json")):
        (root / folder).mkdir(exist_ok=True)
        if not (root / folder / name).exists():
            (root / folder / name).write_bytes(b"weights" if folder == "model" else b"{}")
    return types.SimpleNamespace(model_id=str(root / "model"), device=torch.device(device),
                                 tokenizer=types.SimpleNamespace(name_or_path=str(root / "tokenizer")))


def test_the_files_name_changes_with_everything_an_answer_depends_on(tmp_path, monkeypatch):
    from grading.grader import expected
    package = tmp_path / "src" / "suites_for_the_key"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "test_a.py").write_text("def test(): pass\n")
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    monkeypatch.setattr(expected, "_SOURCES", ("suites_for_the_key",))
    backend = _fake_backend(tmp_path)

    def key(**change):
        arguments = {"backend_name": "tiny", "backend": backend, "suites": ["hidden"], "exercises": ["top_p"]} | change
        return expected.disk_key(**arguments)

    first = key()
    assert first and first == key(), "the same set-up must give the same file name"
    changes = {"another backend name": {"backend_name": "other"}, "other suites": {"suites": ["hidden", "public"]},
               "other exercises": {"exercises": ["top_k"]}}
    for what, change in changes.items():
        assert key(**change) != first, f"{what} gave the same file name"
    for what, path in (("a suite's source", package / "test_a.py"), ("the model's weights", tmp_path / "model" / "model.safetensors"),
                       ("the tokenizer", tmp_path / "tokenizer" / "tokenizer.json")):
        before = key()
        path.write_bytes(path.read_bytes() + b" ")
        assert key() != before, f"changing {what} gave the same file name"
    assert key(backend=_fake_backend(tmp_path, "meta")) is None, "a backend not on the CPU must not be kept on disk"
    hub = types.SimpleNamespace(model_id="mistralai/Mistral-7B-v0.1", device=torch.device("cpu"), tokenizer=backend.tokenizer)
    assert key(backend=hub) is None, "a model that is not a local folder must not be kept on disk"


def test_the_grader_keeps_the_memory_only_behind_bubblewrap(monkeypatch, tmp_path):
    from grading.grader.driver import GradeOptions, Judge
    from reference.backends import load_backend

    monkeypatch.setenv("DECODELAB_CACHE", str(tmp_path / "cache"))
    judge = Judge(GradeOptions(backend="tiny"))
    judge.backend_name = "tiny"
    backend = load_backend("tiny")
    judge.learner = types.SimpleNamespace(plan=types.SimpleNamespace(kind="none"))
    assert judge._memory_file(backend) is None, (
        "without bubblewrap a learner runs as the grader's user and could write the file: it must not be used")
    judge.learner = types.SimpleNamespace(plan=types.SimpleNamespace(kind="bwrap"))
    found = judge._memory_file(backend)
    assert found is not None and found.parent == tmp_path / "cache" / "expected", (
        f"behind bubblewrap the memory's file was {found}, expected one in {tmp_path / 'cache' / 'expected'}")
    judge.options = GradeOptions(backend="tiny", capture="numbers.json")
    assert judge._memory_file(backend) is None, "with a capture file (which the key does not cover) it must not be used"
