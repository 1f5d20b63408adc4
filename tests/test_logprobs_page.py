"""The logprobs page in a real browser: headless Chromium loads it with no console message, and
a screenshot shows the token boxes.

Chromium comes from Debian's packages (CI: ``apt-get install -y chromium fonts-ipafont-gothic``;
the font draws the Japanese tokens). Console messages are read from Chromium's own log
(``--enable-logging=stderr --v=0`` prints every page console message and uncaught error as an
``INFO:CONSOLE`` line); a control page with a deliberate error proves that this detection works
on the Chromium at hand, so a silent log cannot pass the test by accident.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from decodelab.cli import main
from reference.backends import tiny_status

CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(name)), None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (CI installs it: apt-get install -y chromium fonts-ipafont-gothic)",
)
HIGHLIGHT = (0xFF, 0xE0, 0x8A)  # the chosen token's background in the page's CSS (#ffe08a)


def chromium(page: Path, profile: Path, *action: str) -> subprocess.CompletedProcess:
    """Run headless Chromium once on ``page`` with a fresh profile; its log comes back on stderr."""
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--window-size=1400,1000",
        *action, page.resolve().as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180)


def console_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    if not tiny_status()[0]:
        pytest.skip("the bundled tiny model is not built yet")
    out = tmp_path_factory.mktemp("logprobs") / "logprobs.html"
    code = main(["demo", "logprobs", "--backend", "tiny", "--reference", "--max-new-tokens", "12", "--out", str(out)])
    assert code == 0 and out.is_file(), "decodelab demo logprobs did not write its page"
    return out


def test_console_detection_works_on_this_chromium(tmp_path):
    control = tmp_path / "broken.html"
    control.write_text("<!DOCTYPE html><html><body><p>x</p><script>missingFunction();</script></body></html>")
    done = chromium(control, tmp_path / "profile", "--dump-dom")
    assert any("missingFunction" in line for line in console_lines(done.stderr)), (
        "Chromium's log showed no console line for a page that throws, so a clean log would prove nothing:\n"
        + done.stderr[-2000:]
    )


def test_page_loads_without_console_messages(page, tmp_path):
    done = chromium(page, tmp_path / "profile", "--dump-dom")
    assert done.returncode == 0, f"chromium --dump-dom exited {done.returncode}:\n{done.stderr[-2000:]}"
    assert not console_lines(done.stderr), "the page wrote to the console:\n" + "\n".join(console_lines(done.stderr))
    dom = done.stdout
    assert dom.count('class="step"') >= 2, "the rendered page should hold one box per generated token"
    assert 'id="show-logprobs"' in dom


def test_screenshot_shows_the_tokens(page, tmp_path):
    from PIL import Image

    shot = tmp_path / "logprobs.png"
    done = chromium(page, tmp_path / "profile", f"--screenshot={shot}")
    assert shot.is_file(), f"chromium wrote no screenshot:\n{done.stderr[-2000:]}"
    assert not console_lines(done.stderr), "\n".join(console_lines(done.stderr))
    image = Image.open(shot).convert("RGB")
    pixels = list(getattr(image, "get_flattened_data", image.getdata)())
    colours = set(pixels)
    not_white = sum(1 for pixel in pixels if pixel != (255, 255, 255)) / len(pixels)
    highlighted = sum(1 for pixel in pixels if pixel == HIGHLIGHT)
    assert len(colours) > 50 and not_white > 0.02, (
        f"the screenshot looks blank: {len(colours)} colours, {not_white:.1%} of pixels not white"
    )
    assert highlighted > 500, f"the highlighted chosen tokens are missing from the screenshot ({highlighted} pixels)"
