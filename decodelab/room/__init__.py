"""A live view of a workshop room: which exercises the room has done and where it is stuck.

The instructor runs ``decodelab room serve`` (a Starlette app under uvicorn, state in SQLite);
each learner who opts in runs ``decodelab check --room URL`` (or sets ``$DECODELAB_ROOM`` once),
and every check then sends the room its verdicts: exercise keys, their states and the names
of failing tests. Never code, never messages, never file names.

- :mod:`decodelab.room.report`: what a learner sends, checked the same way on both sides, and
  the client that sends it (standard library only: a learner installs nothing for it);
- :mod:`decodelab.room.store`: the room's state in SQLite, and the summary the page shows;
- :mod:`decodelab.room.server`: the web app (needs the ``room`` extra: starlette, uvicorn).

Only the instructor's side imports :mod:`decodelab.room.server`; ``decodelab check`` imports
:mod:`decodelab.room.report` alone.
"""
