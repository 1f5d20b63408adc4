"""A ``NotImplementedError`` reads as "not started" only when a ``raise`` of the learner's function
itself raised it (the stub's line); torch's own, beneath a written function (no float16 svd on
a CPU), is the learner's error with torch's message — in-process and through the sandbox alike
(:mod:`grading.harness.not_started`)."""
from __future__ import annotations

import pytest
import torch

from grading.harness.not_started import raised_by_its_own_raise
from grading.harness.target import NotStarted, load_target

# pca_2d written, but svd is called on the float16 vectors: torch raises NotImplementedError.
HALF_SVD = '''import torch


def pca_2d(vectors):
    centred = vectors - vectors.mean(dim=0)
    _, _, vh = torch.linalg.svd(centred, full_matrices=False)
    return centred @ vh[:2].T
'''
# The stub's own line, after some work: still "not started" for these inputs.
OWN_RAISE = '''import torch


def pca_2d(vectors):
    centred = vectors - vectors.mean(dim=0)
    if centred.dtype == torch.float16:
        raise NotImplementedError(
            "pca_2d: float16 is left to do")
    return centred[:, :2]
'''


STUB = '''def pca_2d(vectors):
    """Project onto the two principal directions."""
    raise NotImplementedError("pca_2d: see the docstring")
'''
HELPER_RAISE = '''def _todo():
    raise NotImplementedError


def pca_2d(vectors):
    return _todo()
'''


def _error_of(tmp_path, name: str, source: str, *args):
    """The NotImplementedError that pca_2d of ``source`` (a real module file, as a learner's is) raises."""
    import importlib.util

    path = tmp_path / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(f"learner_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with pytest.raises(NotImplementedError) as raised:
        module.pca_2d(*args)
    return raised.value, module.pca_2d


@pytest.mark.parametrize("name, source, own", [
    ("stub", STUB, True),                  # the stub as handed out
    ("own_raise", OWN_RAISE, True),        # a raise of the function's own, over two lines
    ("half_svd", HALF_SVD, False),         # torch's, from svd, called on the function's line
    ("helper_raise", HELPER_RAISE, False),  # a helper's: the exercise function itself was written
])
def test_the_rule_tells_the_functions_own_raise_from_others(tmp_path, name, source, own):
    error, function = _error_of(tmp_path, name, source, torch.randn(5, 3).half())
    assert raised_by_its_own_raise(error, function) is own, (
        f"raised_by_its_own_raise({error!r}, pca_2d of {name}) gave {not own}, expected {own}")
    assert raised_by_its_own_raise(ValueError("x"), function) is False, "a ValueError is never 'not started'"


def _submission(tmp_path, source: str):
    folder = tmp_path / "submission"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "embeddings.py").write_text(source)
    return folder


@pytest.mark.parametrize("kind", ["trusted", "isolated"])
def test_torchs_not_implemented_error_is_the_learners_error(tmp_path, kind):
    target = load_target(f"{kind}:{_submission(tmp_path, HALF_SVD)}")
    try:
        with pytest.raises(NotImplementedError) as raised:
            target.function("pca_2d")(torch.randn(6, 4).half())
    finally:
        target.close()
    assert not isinstance(raised.value, NotStarted), (
        f"pca_2d calling torch.linalg.svd on float16 ({kind} target) raised {raised.value!r}; expected torch's "
        "NotImplementedError, not 'not started'")
    assert "Half" in str(raised.value), f"expected torch's message about 'Half', got {raised.value!r}"


@pytest.mark.parametrize("kind", ["trusted", "isolated"])
def test_the_functions_own_raise_reads_not_started(tmp_path, kind):
    target = load_target(f"{kind}:{_submission(tmp_path, OWN_RAISE)}")
    try:
        with pytest.raises(NotStarted):
            target.function("pca_2d")(torch.randn(6, 4).half())
        assert target.function("pca_2d")(torch.randn(6, 4)).shape == (6, 2), "the written branch should run"
    finally:
        target.close()
