"""``decodelab room serve``: a live view of a workshop room, for the instructor.

Starts the room's web server (:mod:`decodelab.room.server`, under uvicorn) and prints two
links: the join link learners pass to ``decodelab check --room`` (or put in
``$DECODELAB_ROOM``), and the view link for the instructor's page. The room lives in an SQLite
file (``--db``); serving the same file again keeps every learner's progress and both links.
"""
from __future__ import annotations

import argparse
import importlib
import re
import socket
from pathlib import Path

from decodelab.errors import UserError

DEFAULT_DB = Path("decodelab-room.sqlite")
DEFAULT_PORT = 8765


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "room",
        help="instructors: a live page of which exercises the room has done and where it is stuck",
        description="A live view of a workshop room. Learners opt in with `decodelab check --room LINK`; "
        "only exercise keys, their states and the names of failing tests are sent, never code.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    serve = actions.add_parser("serve", help="start the room's server and print its links",
                               description="Start the room's web server and print the join and view links.")
    serve.add_argument("--host", default="0.0.0.0",
                       help="address to listen on (default 0.0.0.0: every network of this machine)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    serve.add_argument("--db", type=Path, default=DEFAULT_DB,
                       help=f"the room's SQLite file; the same file again keeps the room (default {DEFAULT_DB})")
    serve.add_argument("--join-code", default=None, metavar="CODE",
                       help="the code learners join with (default: the file's, else a new random one)")
    serve.add_argument("--public-url", default=None, metavar="URL",
                       help="how learners reach this server, when not at this machine's address (a tunnel, a proxy)")
    serve.add_argument("--max-learners", type=_positive, default=None, metavar="N",
                       help="refuse new names once the room holds N learners (default 200)")
    serve.set_defaults(func=serve_room)
    forget = actions.add_parser(
        "forget", help="free a learner's name (a new machine, a lost key, a name taken by someone else)",
        description="Remove a learner and their progress from the room's file, so that the next check "
        "under that name joins afresh. Works while the server runs.")
    forget.add_argument("name", metavar="NAME",
                        help="the name as your page shows it (one starting with '-': put -- before it)")
    forget.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"the room's SQLite file (default {DEFAULT_DB})")
    forget.set_defaults(func=forget_learner)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def reachable_address(host: str) -> str:
    """The address learners should use: ``host``, or for 0.0.0.0 this machine's address on its network."""
    if host not in ("0.0.0.0", "", "::"):
        return host
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))  # no packet is sent: it only picks the outgoing interface
        return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def port_free(host: str, port: int) -> None:
    """:class:`UserError` when ``port`` cannot be listened on (another server has it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UserError(f"cannot listen on {host}:{port} ({error.strerror}): another server may have it; "
                            "choose another port with --port") from None


def serve_room(arguments: argparse.Namespace) -> int:
    try:
        importlib.import_module("uvicorn")  # here only to say what is missing; run_server uses it
        from decodelab.room.server import create_app
    except ImportError as error:
        raise UserError(f"the room server needs {error.name}: pip install 'decodelab[room]' "
                        "(learners need nothing more for --room)") from None
    from decodelab.room.report import JOIN_CODE, parse_room_url
    from decodelab.room.store import RoomStore

    if not 0 < arguments.port < 65536:
        raise UserError(f"--port must be between 1 and 65535, not {arguments.port}")
    if arguments.join_code is not None and not re.fullmatch(JOIN_CODE, arguments.join_code):
        raise UserError(f"--join-code must be 4 to 64 letters (a-z, A-Z), digits, '-' or '_', as it goes into the "
                        f"link learners type (no spaces, dots or accents), not {arguments.join_code!r}: "
                        "e.g. tokyo-ramen")
    port_free(arguments.host, arguments.port)
    base = (arguments.public_url or f"http://{reachable_address(arguments.host)}:{arguments.port}").rstrip("/")
    try:
        arguments.db.parent.mkdir(parents=True, exist_ok=True)
        store = RoomStore(arguments.db)
    except Exception as error:  # sqlite3.Error, OSError: a file we cannot open as a room
        raise UserError(f"cannot open the room's file {arguments.db}: {error}") from None
    join_code, view_code = store.codes(arguments.join_code)
    join_url = f"{base}/join/{join_code}"
    parse_room_url(join_url)  # a --public-url that makes no valid link fails here, not in a learner's check
    summary = store.summary()
    print(f"decodelab room: {summary['learners']} learners so far, kept in {arguments.db.resolve()}")
    print(f"  learners join with:  decodelab check --room {join_url}")
    print(f"                 or:   export DECODELAB_ROOM={join_url}")
    print(f"  your page (keep it to yourself):  {base}/view/{view_code}")
    print("  Ctrl-C stops the server; serving the same --db again keeps the room.", flush=True)
    try:
        from decodelab.room.server import MAX_LEARNERS, run_server

        run_server(create_app(store, join_code, view_code, join_url, arguments.max_learners or MAX_LEARNERS),
                   arguments.host, arguments.port)
    finally:
        store.close()
    return 0


def forget_learner(arguments: argparse.Namespace) -> int:
    from decodelab.room.report import ReportError, check_name
    from decodelab.room.store import RoomStore
    from grading.harness.submission import printable

    if not arguments.db.is_file():
        raise UserError(f"there is no room file {arguments.db}: give the --db the room was served with")
    try:
        shown = check_name(arguments.name)
    except ReportError:
        shown = None  # a name an older room kept before its rules were this strict: looked up as typed
    store = RoomStore(arguments.db)
    try:
        name = next((candidate for candidate in dict.fromkeys((arguments.name, shown))
                     if candidate is not None and store.forget(candidate)), None)
        if name is None:
            raise UserError(f"the room in {arguments.db} has no learner named {printable(arguments.name, 60)!r} "
                            "(names as your page shows them)")
    finally:
        store.close()
    print(f"decodelab room: forgot {printable(name, 60)!r} and their progress; their next check joins afresh under that name")
    return 0
