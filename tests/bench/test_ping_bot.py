"""The floor bot, as the benchmark runs it: its own process, against the emulator."""

import pytest

from bench.ping_bot import iterations_per_ms, spin
from bench.scenarios import CALLBACK_ROUTE, emulator_share, floor_bot, floor_jobs, slash_ms
from bot.emulator import Emulator, default_world


def test_spin_does_the_work_it_is_given():
    assert spin(10) == sum(range(10))
    assert iterations_per_ms(trials=3, warm_up=1) > 0


async def test_the_floor_answers_ping_and_work_ping_with_pong(tmp_path):
    async with Emulator(default_world("Ping Bot")) as emu, floor_bot(emu, tmp_path):
        for command, options in (("ping", {}), ("work-ping", {"iterations": 1000})):
            reply = await (await emu.slash(emu.member, command, options)).message(10)
            assert reply.content == "pong"
        # The search rounds time /work-ping; the read rounds /embed-ping.
        assert set(floor_jobs(emu, work=1000)) == {"floor: wake", "ping", "work-ping"}
        assert set(floor_jobs(emu)) == {"floor: wake", "ping", "embed-ping"}


async def test_a_round_trip_is_timed_from_the_write_of_interaction_create(tmp_path):
    async with Emulator(default_world("Ping Bot")) as emu, floor_bot(emu, tmp_path):
        latency = await slash_ms(emu, "ping", {})
        (interaction,) = emu.interactions.values()
        (sent,) = [f for f in emu.gateway_frames if f.t == "INTERACTION_CREATE"]
        (callback,) = [r for r in emu.requests if r.route == CALLBACK_ROUTE]
        # The frame is recorded as it is written, after the emulator encoded it; the callback
        # as its first bytes arrive, before the emulator parsed and routed it.
        assert interaction.created_at < sent.time < callback.arrived <= callback.time
        assert latency == pytest.approx((callback.arrived - sent.time) * 1000)
        # What was left out is shown beside the round trips.
        share = emulator_share(emu)
        assert share["n"] == 1
        assert share["p50"] == pytest.approx((callback.time - callback.arrived) * 1000, abs=1e-3)
