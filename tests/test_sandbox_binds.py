"""What bubblewrap is told to show a submission's process (grading/sandbox/grader_side.py, _Binds).

A project cloned under /tmp (as CI does) puts its virtual environment under the sandbox's own
/tmp, a tmpfs. Submission processes run with another uid than the sandbox's root, so every
folder on the way to the environment must be one they may enter: a package the worker had not
imported before the fork (scikit-learn, say) could not be found otherwise, and a correct version
that imports it scored 0 in a clone under /tmp and the maximum in one elsewhere.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from grading.sandbox.grader_side import _Binds

SANDBOX_TMP = Path("/tmp")


def _made_readable(args: list[str]) -> dict[str, int]:
    """Folder -> where in ``args`` it is made with ``--perms 0755 --dir``."""
    return {args[i + 3]: i for i in range(len(args) - 3) if args[i:i + 3] == ["--perms", "0755", "--dir"]}


def test_every_folder_on_the_way_to_a_bind_inside_the_sandboxs_tmp_is_made_enterable():
    clone = Path(tempfile.mkdtemp(prefix="decodelab-binds-", dir=SANDBOX_TMP))
    try:
        venv = clone / "project" / ".venv"
        venv.mkdir(parents=True)
        binds = _Binds()
        binds.tmpfs(SANDBOX_TMP, size=2**20, perms="1777")
        binds.bind(venv)
        made = _made_readable(binds.args)
        bind_at = binds.args.index(str(venv))
        on_the_way = [parent for parent in venv.parents if SANDBOX_TMP in parent.parents]
        missing = [str(parent) for parent in on_the_way if made.get(str(parent), bind_at) >= bind_at]
        assert not missing, (
            f"binding {venv} inside a tmpfs at {SANDBOX_TMP} gave the arguments {binds.args}; expected each of "
            f"{[str(p) for p in on_the_way]} made with --perms 0755 --dir before the bind, missing {missing}")
    finally:
        shutil.rmtree(clone, ignore_errors=True)


def test_nothing_is_made_inside_a_folder_bound_from_the_host(tmp_path):
    # Under a bound folder the parents exist already (read-only): making them would fail.
    site = tmp_path / "site-packages"
    (site / "torch").mkdir(parents=True)
    binds = _Binds()
    binds.bind(site)
    binds.bind(site / "torch")
    made = _made_readable(binds.args)
    assert str(site) not in made and str(site / "torch") not in made, (
        f"binding {site / 'torch'} inside the bound {site} gave the arguments {binds.args}; expected no folder "
        "made under a bound one")
