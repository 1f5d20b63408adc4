"""What a caller of ``pytest.main`` hands a session (``grading.harness.plugin.Given``) is what
the session uses: the ``backend`` fixture returns the given backend instead of loading one, the
``target`` fixture uses the given sandbox session for its submission's path instead of starting
a worker, and what the target holds is closed when the session ends. The grader's judges rely on
all three (grading/grader/driver.py): without them each submission would load the model and
start a sandboxed worker of its own, and grade right, only slower, so no end-to-end test of
grading would notice.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CALLER = '''
import sys, types
from pathlib import Path
import pytest
from grading.harness.plugin import Given

objects = types.ModuleType("given_objects")
sys.modules["given_objects"] = objects


class StandInSession:
    owns_server = True  # as a session the target started itself: the target must close it
    closed = False

    def close(self):
        StandInSession.closed = True


objects.backend = types.SimpleNamespace(name="stand-in")
objects.session = StandInSession()
folder = Path(sys.argv[1])
submission = folder / "submission"
submission.mkdir()
code = pytest.main(["-p", "grading.harness.plugin", "-p", "no:cacheprovider", "-q", "--rootdir", str(folder),
                    "--target", str(submission), "--backend", "tiny", str(folder / "test_probe.py")],
                   plugins=[Given(backends={"tiny": objects.backend}, sessions={submission.resolve(): objects.session})])
print("CLOSED", StandInSession.closed)
sys.exit(int(code))
'''

PROBE = '''
import given_objects


def test_the_backend_is_the_one_given(backend):
    assert backend is given_objects.backend, f"the backend fixture gave {backend!r}, expected the Given one"


def test_the_target_uses_the_session_given(target):
    assert target.session is given_objects.session, (
        f"the target's session is {target.session!r}, expected the Given one")
'''


def test_a_session_uses_what_it_is_given_and_closes_what_its_target_holds(tmp_path):
    (tmp_path / "caller.py").write_text(textwrap.dedent(CALLER), encoding="utf-8")
    (tmp_path / "test_probe.py").write_text(textwrap.dedent(PROBE), encoding="utf-8")
    done = subprocess.run([sys.executable, str(tmp_path / "caller.py"), str(tmp_path)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, f"the probe session exited {done.returncode}, expected 0:\n{done.stdout[-3000:]}{done.stderr[-2000:]}"
    assert "2 passed" in done.stdout, f"expected both probe tests to pass:\n{done.stdout[-2000:]}"
    assert "CLOSED True" in done.stdout, (
        "the target's session was not closed when the pytest session ended (expected the target "
        f"fixture to close what it holds):\n{done.stdout[-1000:]}")
