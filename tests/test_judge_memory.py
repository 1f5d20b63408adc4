"""The judge's peak memory is recorded per submission, and stays under 1.5 GB (the issue's target).

``decodelab grade`` (one worker, the ``tiny`` backend, the ``temperature`` exercise only) grades
one class of two: a copy of ``solutions/`` and a copy that sends the judge a crafted oversized
reply (``tests/hostile/judge_bomb``, the ``shared_bytes`` bomb of ``tests/test_judge_limits.py``:
100 000 references to one 1 MB string, 100 GB once rebuilt). Every ``results.json`` must carry
``extra_data.judge_peak_rss_mb`` (the forked judge's ``ru_maxrss`` when it is reaped, shared
pages included) as a positive number under 1536 MB. ``benchmarks/judge_memory.py`` measures the
same over every hostile submission.
"""
from __future__ import annotations

import pytest

from reference.backends import tiny_status
from tests.test_grade_cli import _grade
from tests.test_hostile import _copy_solutions, build_hostile
from tests.test_judge_limits import BOMBS

TARGET_MB = 1536  # the issue: "the judge's peak memory grading any submission stays under 1.5 GB"
BOMB = "shared_bytes"
assert BOMB in BOMBS, f"tests/test_judge_limits.py no longer has the {BOMB!r} bomb (it has {BOMBS})"

pytestmark = pytest.mark.skipif(not tiny_status()[0], reason="the bundled tiny model is not built yet")


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """``{name: results.json}`` for ``honest`` and ``bomb``, graded in one ``decodelab grade`` run."""
    base = tmp_path_factory.mktemp("judge-memory")
    _copy_solutions(base / "class" / "honest")
    bomb = build_hostile("judge_bomb", base / "class" / "bomb")
    module = bomb / "distributions.py"
    module.write_text(module.read_text().replace("@BOMB@", BOMB))  # as tests/test_judge_limits.py does
    results = _grade(base / "class", base / "out", exercises=["temperature"], workers=1)
    assert set(results) == {"honest", "bomb"}, (
        f"decodelab grade wrote results.json for {sorted(results)}, expected ['bomb', 'honest']")
    return results


@pytest.mark.parametrize("name", ["honest", "bomb"])
def test_the_judges_peak_memory_is_recorded_and_under_the_target(graded, name):
    extra = graded[name]["extra_data"]
    peak = extra.get("judge_peak_rss_mb", "<missing>")
    assert isinstance(peak, (int, float)) and not isinstance(peak, bool) and peak > 0, (
        f"{name}: results.json has extra_data.judge_peak_rss_mb = {peak!r}, expected a positive number of MB")
    assert peak < TARGET_MB, (
        f"{name}: the judge's peak resident memory was {peak} MB, expected under {TARGET_MB} MB (1.5 GB)")
    assert not extra.get("grader_error"), (
        f"{name}: results.json reports a grader error ({extra['grader_error']}), expected none")


def test_the_honest_submission_scores_the_maximum(graded):
    honest = graded["honest"]
    assert honest["score"] == honest["max_score"] > 0, (
        f"honest scored {honest['score']}/{honest['max_score']}, expected the maximum (a copy of solutions/)")


def test_the_bomb_went_off(graded):
    # Otherwise the bomb's peak measures nothing hostile.
    bomb = graded["bomb"]
    assert bomb["score"] < bomb["max_score"], (
        f"bomb scored {bomb['score']}/{bomb['max_score']}, expected less: its crafted reply should cost it its tests")
