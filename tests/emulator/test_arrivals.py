"""A recorded request's `arrived`: when its first bytes came, before the emulator's own work."""

from __future__ import annotations

import asyncio
import json

import aiohttp

from bot.emulator import Emulator

PAUSE = 0.2


async def _post_in_two_parts(
    emu: Emulator, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, content: str
) -> tuple[float, float]:
    """POST a message on an open keep-alive connection, its body PAUSE seconds after its
    head: (when the head was written, when the body was), on the emulator's clock."""
    body = json.dumps({"content": content}).encode()
    head = (
        f"POST /api/v10/channels/{emu.channel('general').id}/messages HTTP/1.1\r\n"
        f"Host: {emu.host}\r\nAuthorization: Bot {emu.token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    head_at = emu.clock.now()
    writer.write(head)
    await writer.drain()
    await asyncio.sleep(PAUSE)
    body_at = emu.clock.now()
    writer.write(body)
    await writer.drain()
    status = await reader.readline()
    assert b" 200 " in status, status
    length = 0
    while (line := await reader.readline()) != b"\r\n":
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    return head_at, body_at


async def test_a_request_arrives_with_its_first_bytes_and_the_next_with_its_own(
    emu: Emulator,
) -> None:
    reader, writer = await asyncio.open_connection(emu.host, emu.port)
    try:
        first_head, first_body = await _post_in_two_parts(emu, reader, writer, "one")
        await asyncio.sleep(PAUSE)
        second_head, _ = await _post_in_two_parts(emu, reader, writer, "two")
    finally:
        writer.close()
        await writer.wait_closed()

    first, second = emu.requests
    assert first.json == {"content": "one"} and second.json == {"content": "two"}
    # The head's arrival, not the body's, which came PAUSE later.
    assert first_head <= first.arrived < first_body
    # The first body's bytes did not count as the next request's arrival.
    assert second.arrived >= second_head


async def test_each_request_on_a_kept_alive_connection_has_its_own_arrival(
    emu: Emulator,
) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(3):  # one kept-alive connection
            async with session.get(
                f"{emu.api_base}/users/@me", headers={"Authorization": f"Bot {emu.token}"}
            ) as response:
                assert response.status == 200

    assert len(emu.requests) == 3
    for request in emu.requests:
        assert request.arrived is not None and request.arrived <= request.time
    arrivals = [request.arrived for request in emu.requests]
    assert arrivals == sorted(arrivals) and len(set(arrivals)) == 3
