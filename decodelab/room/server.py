"""The room's web app (Starlette): learners' checks post reports, the instructor's page reads the summary.

Routes (``CODE`` is the join code learners get, ``VIEW`` the view code only the instructor has):

- ``POST /join/CODE/report``: one learner's report (:mod:`decodelab.room.report`); 403 for a
  wrong code, 411 without a ``Content-Length`` (no chunked bodies), 413 above
  :data:`~decodelab.room.report.MAX_BODY` bytes (read no further), 409
  for a name another machine's key holds, 400 with the reason for anything else the room does
  not accept. Written to SQLite before the answer.
  Failing tests the public suites do not have are dropped (the page never shows a learner's text
  but their name).
- ``GET /join/CODE``: the join link opened in a browser: a line on how a check uses it.
- ``GET /view/VIEW``: the instructor's page, which reads ``/view/VIEW/state`` every
  :data:`POLL_SECONDS` seconds and redraws; learner names are set as text, never as HTML.
- ``GET /view/VIEW/state``: :meth:`decodelab.room.store.RoomStore.summary` as JSON.

:func:`run_server` serves it under uvicorn, with what uvicorn does not do against a client that
holds connections open by sending a request a byte at a time: each request must arrive and be
answered within :data:`REQUEST_SECONDS` of the connection's start or its previous answer, and the
server may hold as many open files as the system lets it.
"""
from __future__ import annotations

import asyncio
import errno
import json
import logging
import secrets
import time
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from decodelab.commands.list_exercises import public_test_names
from decodelab.room.report import MAX_BODY, ReportError, validate_report
from decodelab.room.store import NameTaken, RoomFull, RoomStore

POLL_SECONDS = 2
REQUEST_SECONDS = 10
OPEN_FILES = 65536
NOTICE_SECONDS = 30
SHUTDOWN_SECONDS = 3  # Ctrl-C stops the server within this, whatever its connections do
MAX_LEARNERS = 200
PAGE = Path(__file__).with_name("page.html")


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _body_within(request: Request, limit: int) -> bytes | None:
    """The request's body, or None as soon as it passes ``limit`` bytes (the rest is never read)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(store: RoomStore, join_code: str, view_code: str, join_url: str,
               max_learners: int = MAX_LEARNERS) -> Starlette:
    """The app over ``store``; ``join_url`` is shown on the page for learners to copy. A new name
    beyond ``max_learners`` is refused (403): a script's thousands of made-up learners would
    otherwise slow every update of the page (2,000 took 1.5 s each)."""
    page = (PAGE.read_text(encoding="utf-8")
            .replace("{{POLL_MS}}", str(POLL_SECONDS * 1000))
            .replace("{{JOIN_COMMAND}}", json.dumps(f"decodelab check --room {join_url}").replace("<", "\\u003c")))

    known_tests = public_test_names()  # a failing test the suite does not have is never shown

    def right(given: str, expected: str) -> bool:
        return secrets.compare_digest(given.encode(), expected.encode())

    async def home(request: Request) -> PlainTextResponse:
        return PlainTextResponse("This is a decodelab room. Learners join with the link the instructor gives:\n"
                                 "  decodelab check --room http://HOST:PORT/join/CODE\n")

    async def join(request: Request) -> PlainTextResponse:
        # The join link opened in a browser: say what it is for, rather than a bare 404.
        if not right(request.path_params["code"], join_code):
            return PlainTextResponse("Wrong join code: ask your instructor for the room's link.\n", status_code=403)
        return PlainTextResponse("This is a decodelab room's join link, for checks rather than for a browser. "
                                 "Report your progress with\n"
                                 f"  decodelab check --room {join_url}\n"
                                 f"or, in a notebook, %env DECODELAB_ROOM={join_url}\n")

    async def report(request: Request) -> JSONResponse:
        if not right(request.path_params["code"], join_code):
            return _error(403, "wrong join code: ask your instructor for the room's link")
        if not request.headers.get("content-length", "").isdigit() or "transfer-encoding" in request.headers:
            # a body sent in chunks costs the server per chunk: one byte each made a report 600x dearer
            return _error(411, "a report is sent whole, with its Content-Length")
        body = await _body_within(request, MAX_BODY)
        if body is None:
            return _error(413, f"a report is at most {MAX_BODY} bytes")
        try:
            checked = validate_report(json.loads(body), known_tests)
        except (ValueError, UnicodeDecodeError, RecursionError) as error:
            message = str(error) if isinstance(error, ReportError) else "the report is not JSON"
            return _error(400, message)
        try:
            learners = await run_in_threadpool(store.record, checked, None, max_learners)
        except RoomFull:
            return _error(403, f"the room is full ({max_learners} learners): ask your instructor")
        except NameTaken:
            return _error(409, f"the name '{checked.learner}' is already in this room from another machine "
                               "(or from this one before its room key was lost): choose another name "
                               "with --name or $DECODELAB_NAME, or ask your instructor to free it")
        return JSONResponse({"ok": True, "learners": learners})

    async def view(request: Request) -> HTMLResponse:
        if not right(request.path_params["code"], view_code):
            return HTMLResponse("<p>Wrong view link: use the one <code>decodelab room serve</code> printed.</p>",
                                status_code=403)
        return HTMLResponse(page, headers={"Cache-Control": "no-store"})

    async def state(request: Request) -> JSONResponse:
        if not right(request.path_params["code"], view_code):
            return _error(403, "wrong view code")
        summary = await run_in_threadpool(store.summary)
        # ASCII-escaped: a row stored by an older room (a lone surrogate in a name, say) can
        # never make this reply fail to encode, which left the page at "cannot reach" for good.
        return Response(json.dumps(summary, ensure_ascii=True), media_type="application/json",
                        headers={"Cache-Control": "no-store"})

    return Starlette(routes=[
        Route("/", home),
        Route("/join/{code}", join),
        Route("/join/{code}/report", report, methods=["POST"]),
        Route("/view/{code}", view),
        Route("/view/{code}/state", state),
    ])


def _more_open_files(wanted: int = OPEN_FILES) -> int | None:
    """Raise this process's limit of open files (each connection is one) towards ``wanted``, as far
    as the hard limit allows: at the usual 1,024, a thousand half-open connections leave no file
    to accept the next learner with. The limit now, or None where there is no such limit."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    top = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
    # macOS refuses more than its own ceiling (often 10,240) even with no hard limit: try less
    for target in (top, 10240, 4096, 2048, 1024):
        if soft == resource.RLIM_INFINITY or target <= soft or target > top:
            continue
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            break
        except (ValueError, OSError):
            continue
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class _OutOfFilesNotice(logging.Filter):
    """asyncio logs a traceback each second while no file is left to accept a connection with: one
    plain line every :data:`NOTICE_SECONDS` instead, saying what it means."""

    def __init__(self) -> None:
        super().__init__()
        self.last = -NOTICE_SECONDS

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, ValueError) and "_start_serving" in record.getMessage():
            return False  # the retry of accept it scheduled, run after Ctrl-C closed the listener: harmless
        if not isinstance(error, OSError) or error.errno not in (errno.EMFILE, errno.ENFILE):
            return True
        if time.monotonic() - self.last < NOTICE_SECONDS:
            return False
        self.last = time.monotonic()
        record.msg, record.args, record.exc_info, record.exc_text = (
            "room: every connection this server may open is in use (too many at once, or held open on "
            f"purpose); new ones wait until some are let go, within {REQUEST_SECONDS} s", (), None, None)
        return True


def run_server(app: Starlette, host: str, port: int) -> None:
    """Serve ``app`` until Ctrl-C, cutting off connections that take longer than
    :data:`REQUEST_SECONDS` to send a request (uvicorn's keep-alive timer restarts on every byte
    received, so a client sending one byte a second would hold its connection for ever)."""
    import uvicorn
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class DeadlineProtocol(H11Protocol):
        """uvicorn's h11 protocol with a deadline per request."""

        deadline: asyncio.TimerHandle | None = None

        def _arm(self) -> None:
            if self.deadline is not None:
                self.deadline.cancel()
            self.deadline = asyncio.get_running_loop().call_later(REQUEST_SECONDS, self._too_slow)

        def _too_slow(self) -> None:
            # abort, not close: close waits to send what is buffered, and a client that never
            # reads its answers would keep the connection (and Ctrl-C) waiting for ever
            self.transport.abort()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            if self.deadline is not None:
                self.deadline.cancel()
            super().connection_lost(exc)

    _more_open_files()
    logging.getLogger("asyncio").addFilter(_OutOfFilesNotice())
    uvicorn.run(app, host=host, port=port, log_level="warning", http=DeadlineProtocol,
                timeout_graceful_shutdown=SHUTDOWN_SECONDS)
