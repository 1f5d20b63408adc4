"""The sandbox's framing (``grading/sandbox/wire.py``): what a reader promises against a peer that
misbehaves, and why it is not ``multiprocessing.connection`` (its docstring says so)."""
from __future__ import annotations

import os
import socket
import threading
import time
from multiprocessing.connection import Connection

import pytest
import torch

from grading.sandbox import wire


@pytest.fixture
def pair():
    ours, theirs = socket.socketpair()
    yield ours, theirs
    ours.close()
    theirs.close()


def test_a_value_crosses_whole(pair):
    ours, theirs = pair
    sent = {"op": "call", "args": [torch.arange(6).reshape(2, 3)], "text": "東京"}
    wire.send(theirs, sent)
    got = wire.receive(ours, deadline=time.monotonic() + 5)
    assert got["op"] == "call" and got["text"] == "東京" and torch.equal(got["args"][0], sent["args"][0]), (
        f"wire.receive after wire.send({sent!r}) gave {got!r}, expected the same value")


def test_half_a_frame_then_silence_ends_at_the_deadline(pair):
    ours, theirs = pair
    theirs.sendall(wire.HEADER.pack(100) + b"x" * 10)  # announces 100 bytes, sends 10, stops
    ours.settimeout(10)  # a guard: without the deadline, the read would block for ever
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        wire.receive_bytes(ours, deadline=started + 0.5)
    waited = time.monotonic() - started
    assert waited < 5, f"wire.receive_bytes gave up after {waited:.1f} s on a 0.5 s deadline, expected about 0.5 s"


def test_a_frame_the_peer_never_reads_ends_at_the_deadline(pair):
    # A learner's process that peeks at a request's length and then sleeps reads nothing: a
    # request larger than the socket's buffer (about 200 kB) would hold a plain sendall for ever.
    ours, theirs = pair
    ours.settimeout(10)  # a guard: without the deadline, the write would block for ever
    big = torch.zeros(2**20)  # 4 MB
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        wire.send(ours, {"op": "call", "args": [big]}, deadline=started + 0.5)
    waited = time.monotonic() - started
    assert waited < 5, f"wire.send gave up after {waited:.1f} s on a 0.5 s deadline, expected about 0.5 s"
    other_pair = socket.socketpair()  # with a reader, the same frame goes through within the deadline
    try:
        reading = threading.Thread(target=lambda: wire.receive(other_pair[1], deadline=time.monotonic() + 10),
                                   daemon=True)
        reading.start()
        wire.send(other_pair[0], {"op": "call", "args": [big]}, deadline=time.monotonic() + 10)
        reading.join(10)
        assert not reading.is_alive(), "a 4 MB frame sent with a deadline to a peer that reads it did not arrive"
    finally:
        other_pair[0].close()
        other_pair[1].close()


def test_multiprocessing_connection_would_block_on_the_same_half_frame():
    # Why the framing is our own: this is the library's behaviour the docstring names. Should a
    # release add a deadline within a frame, this test fails and the framing can be replaced.
    ours, theirs = socket.socketpair()
    connection = Connection(os.dup(ours.fileno()))
    theirs.sendall((100).to_bytes(4, "big", signed=True) + b"x" * 10)
    assert connection.poll(1), "Connection.poll(1) said nothing is there, expected True (10 bytes were sent)"
    finished = threading.Event()

    def read() -> None:
        try:
            connection.recv_bytes()
            finished.set()
        except OSError:  # "got end of file during message", once we close the other end below
            pass

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    blocked = not finished.wait(2)
    theirs.close()
    reader.join(5)
    connection.close()
    ours.close()
    assert blocked, "multiprocessing.connection's recv_bytes returned on half a frame, expected it to block"


def test_a_frame_over_the_limit_is_refused_before_its_body_is_read(pair):
    ours, theirs = pair
    theirs.sendall(wire.HEADER.pack(1 << 40))  # a terabyte announced, nothing sent
    ours.settimeout(10)  # a guard: a reader that went on to read the body would wait here
    with pytest.raises(wire.WireError, match="over the limit"):
        wire.receive_bytes(ours, deadline=time.monotonic() + 5, limit=1 << 20)


def test_a_peer_that_closes_mid_frame_is_an_end_of_stream(pair):
    ours, theirs = pair
    theirs.sendall(wire.HEADER.pack(100) + b"x" * 10)
    theirs.close()
    with pytest.raises(EOFError):
        wire.receive_bytes(ours, deadline=time.monotonic() + 5)


def test_a_second_frame_sent_without_waiting_is_refused(pair):
    ours, theirs = pair
    payload = b"abc"
    theirs.sendall((wire.HEADER.pack(len(payload)) + payload) * 2)
    with pytest.raises(wire.WireError, match="second message"):
        wire.receive_bytes(ours, deadline=time.monotonic() + 5)


def test_file_descriptors_travel_with_a_frame(pair, tmp_path):
    ours, theirs = pair
    path = tmp_path / "note.txt"
    path.write_text("through the socket")
    with open(path) as handle:
        wire.send(theirs, {"op": "spawn"}, fds=[handle.fileno()])
    received: list[int] = []
    message = wire.receive(ours, deadline=time.monotonic() + 5, fds=received)
    assert message == {"op": "spawn"} and len(received) == 1, (
        f"wire.receive(..., fds=[]) gave {message!r} and {len(received)} descriptors, expected the message and 1")
    with os.fdopen(received[0]) as handle:
        assert handle.read() == "through the socket", "the received descriptor does not read the sent file"
