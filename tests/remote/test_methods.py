"""Every aria2 method against a real engine and the test server, through real HTTP."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from pathlib import Path

import pytest

from tests.engine.conftest import payload
from tests.helpers.flaky_server import FaultPlan
from wherry.core.jobs import Job, JobState
from wherry.remote.methods_query import page

TIMEOUT = 20.0
SIZE = 300_000


def job_of(local, gid: str) -> Job:
    (job,) = [j for j in local.engine.jobs() if j.id.startswith(gid)]
    return job


async def settled(local, gid: str) -> Job:
    return await asyncio.wait_for(local.engine.wait(job_of(local, gid).id), TIMEOUT)


async def gated(local, flaky_server, name: str = "/gated.bin", **options: str) -> tuple[str, str]:
    """A download held at the test server's gate after 100 kB: active until released."""
    url = flaky_server.add(name, payload(SIZE), plan=FaultPlan(gate_after=100_000, gate_times=None))
    gid = await local.call("aria2.addUri", [url], {"split": "1", **options})
    assert await asyncio.to_thread(flaky_server.wait_gate, name, TIMEOUT)
    return gid, url


def all_strings(value) -> bool:
    if isinstance(value, dict):
        return all(all_strings(v) for v in value.values())
    if isinstance(value, list):
        return all(all_strings(v) for v in value)
    return isinstance(value, str)


async def test_add_uri_downloads_the_exact_file_and_tell_status_speaks_aria2(local, flaky_server):
    body = payload(SIZE)
    url = flaky_server.add("/file.bin", body)
    gid = await local.call("aria2.addUri", [url])
    assert len(gid) == 16
    assert int(gid, 16) >= 0
    assert (await settled(local, gid)).state is JobState.FINISHED
    status = await local.call("aria2.tellStatus", gid)
    assert all_strings(status)
    assert status["gid"] == gid
    assert status["status"] == "complete"
    assert status["totalLength"] == status["completedLength"] == str(SIZE)
    assert status["errorCode"] == "0"
    assert status["dir"] == str(local.downloads)
    assert status["numPieces"] == "1"
    assert status["pieceLength"] == str(1024 * 1024)
    assert status["bitfield"] == "80"
    (file,) = status["files"]
    assert file["index"] == "1"
    assert file["selected"] == "true"
    assert file["path"] == str(local.downloads / "file.bin")
    assert file["uris"] == [{"uri": url, "status": "waiting"}]
    assert (local.downloads / "file.bin").read_bytes() == body


async def test_tell_status_keys_keeps_only_the_keys_asked_for(local, flaky_server):
    gid = await local.call("aria2.addUri", [flaky_server.add("/k.bin", payload(1000))], {"pause": "true"})
    status = await local.call("aria2.tellStatus", gid, ["gid", "status", "nonsense"])
    assert status == {"gid": gid, "status": "paused"}


async def test_a_unique_gid_prefix_finds_the_download_and_a_wrong_one_is_a_sentence(local, flaky_server):
    gid = await local.call("aria2.addUri", [flaky_server.add("/p.bin", payload(1000))], {"pause": "true"})
    assert (await local.call("aria2.tellStatus", gid[:6], ["gid"]))["gid"] == gid
    missing = "0" * 16 if not gid.startswith("0") else "f" * 16
    error = await local.fault("aria2.tellStatus", missing)
    assert error["code"] == 1
    assert "not found" in error["message"]


async def test_a_job_left_to_adapt_reports_the_most_connections_it_may_grow_to(local, flaky_server):
    gid = await local.call("aria2.addUri", [flaky_server.add("/auto.bin", payload(1000))], {"pause": "true"})
    assert job_of(local, gid).connections == 0  # adapts to the link
    cap = local.engine.settings.max_connections_per_host
    assert (await local.call("aria2.getOption", gid))["split"] == str(min(cap, 32))


async def test_add_uri_options_reach_the_job(local, flaky_server):
    url = flaky_server.add("/o.bin", payload(1000))
    digest = hashlib.sha256(payload(1000)).hexdigest()
    gid = await local.call(
        "aria2.addUri",
        [url],
        {
            "out": "../../escaped.bin",
            "header": ["X-Token: abc", "Cookie: a=b"],
            "referer": "http://example.test/page",
            "user-agent": "Browser/1.0",
            "checksum": f"sha-256={digest}",
            "split": "3",
            "max-download-limit": "1M",
            "pause": "true",
            "gid": "00112233aabbccdd",
        },
    )
    assert gid == "00112233aabbccdd"
    job = job_of(local, gid)
    assert job.state is JobState.PAUSED
    assert job.filename == "escaped.bin"
    assert Path(job.directory) == local.downloads
    assert ("X-Token", "abc") in job.headers
    assert ("Referer", "http://example.test/page") in job.headers
    assert str(job.checksum) == f"sha256:{digest}"
    assert job.connections == 3
    assert job.speed_limit == 1024 * 1024
    options = await local.call("aria2.getOption", gid)
    assert options["referer"] == "http://example.test/page"
    assert options["user-agent"] == "Browser/1.0"
    assert options["header"].split("\n") == ["X-Token: abc", "Cookie: a=b"]
    assert options["checksum"] == f"sha-256={digest}"
    assert options["out"] == "escaped.bin"
    assert options["split"] == "3"
    assert all_strings(options)


async def test_a_name_already_taken_becomes_a_numbered_name_unless_overwrite_is_allowed(local, flaky_server):
    (local.downloads / "taken.bin").write_bytes(b"old")
    url = flaky_server.add("/t.bin", payload(3000))
    first = await local.call("aria2.addUri", [url], {"out": "taken.bin"})
    second = await local.call("aria2.addUri", [url], {"out": "taken.bin"})
    assert job_of(local, first).filename == "taken (1).bin"
    assert job_of(local, second).filename == "taken (2).bin"
    for gid in (first, second):
        await settled(local, gid)
    assert (local.downloads / "taken.bin").read_bytes() == b"old"
    replacing = await local.call("aria2.addUri", [url], {"out": "taken.bin", "allow-overwrite": "true"})
    assert (await settled(local, replacing)).state is JobState.FINISHED
    assert (local.downloads / "taken.bin").read_bytes() == payload(3000)


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"checksum": "sha-256=zz"}, "checksum"),
        ({"checksum": "crc32=00"}, "checksum"),
        ({"split": "many"}, "split"),
        ({"max-download-limit": "fast"}, "max-download-limit"),
        ({"pause": "maybe"}, "pause"),
        ({"gid": "xyz"}, "gid"),
        ({"header": "no colon here"}, "header"),
    ],
)
async def test_a_bad_option_value_is_an_error_with_a_sentence_and_adds_nothing(
    local, flaky_server, options, words
):
    error = await local.fault("aria2.addUri", [flaky_server.add("/b.bin", b"x")], options)
    assert error["code"] == 1
    assert words in error["message"]
    assert local.engine.jobs() == []


async def test_a_folder_that_cannot_be_written_is_a_sentence_not_a_crash(local, flaky_server, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"")
    error = await local.fault(
        "aria2.addUri", [flaky_server.add("/d.bin", b"x")], {"dir": str(blocker / "sub")}
    )
    assert error["code"] == 1
    assert "cannot write" in error["message"]
    assert await local.call("aria2.getVersion")  # still serving


async def test_add_metalink_adds_its_files_with_their_checksums(local, flaky_server):
    body = payload(5000)
    url = flaky_server.add("/m.bin", body)
    digest = hashlib.sha256(body).hexdigest()
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><metalink xmlns="urn:ietf:params:xml:ns:metalink">'
        f'<file name="m.bin"><size>5000</size><hash type="sha-256">{digest}</hash>'
        f"<url>{url}</url></file></metalink>"
    )
    (gid,) = await local.call("aria2.addMetalink", base64.b64encode(xml.encode()).decode())
    job = await settled(local, gid)
    assert job.state is JobState.FINISHED
    assert job.checksum is not None
    assert (local.downloads / "m.bin").read_bytes() == body


async def test_a_checksum_mismatch_is_an_error_with_aria2s_code_32(local, flaky_server):
    url = flaky_server.add("/wrong.bin", payload(20_000))
    gid = await local.call("aria2.addUri", [url], {"checksum": "sha-256=" + "0" * 64})
    assert (await settled(local, gid)).state is JobState.FAILED
    status = await local.call("aria2.tellStatus", gid, ["status", "errorCode", "errorMessage"])
    assert status["status"] == "error"
    assert status["errorCode"] == "32"
    assert "0" * 64 + " was expected" in status["errorMessage"]  # Wherry's sentence


async def test_add_torrent_says_wherry_does_not_download_torrents(local):
    error = await local.fault("aria2.addTorrent", base64.b64encode(b"d4:infoe").decode())
    assert error["code"] == 1
    assert "torrents" in error["message"]


async def test_pause_and_unpause_and_the_lists_follow(local, flaky_server):
    gid, _ = await gated(local, flaky_server)
    assert [s["gid"] for s in await local.call("aria2.tellActive", ["gid"])] == [gid]
    assert await local.call("aria2.pause", gid) == gid
    assert job_of(local, gid).state is JobState.PAUSED
    assert (await local.call("aria2.tellWaiting", 0, 10, ["gid", "status"])) == [
        {"gid": gid, "status": "paused"}
    ]
    assert (await local.fault("aria2.pause", gid))["code"] == 1  # cannot be paused now
    assert await local.call("aria2.unpause", gid) == gid
    assert job_of(local, gid).state in (JobState.QUEUED, JobState.RUNNING)
    assert await local.call("aria2.forcePause", gid) == gid
    assert await local.call("aria2.unpauseAll") == "OK"
    assert job_of(local, gid).state is not JobState.PAUSED
    assert await local.call("aria2.pauseAll") == "OK"
    assert job_of(local, gid).state is JobState.PAUSED
    assert await local.call("aria2.unpauseAll") == "OK"
    assert await local.call("aria2.forcePauseAll") == "OK"
    assert job_of(local, gid).state is JobState.PAUSED
    assert job_of(local, gid).bytes_done > 0  # the bytes so far were kept


@pytest.mark.parametrize("method", ["aria2.remove", "aria2.forceRemove"])
async def test_removing_a_running_download_pauses_it_and_keeps_its_part_file(local, flaky_server, method):
    gid, _ = await gated(local, flaky_server)
    assert await local.call(method, gid) == gid
    job = job_of(local, gid)
    assert job.state is JobState.PAUSED
    assert job.bytes_done > 0
    assert job.part_path is not None
    assert job.part_path.exists()
    status = await local.call("aria2.tellStatus", gid, ["status", "errorCode"])
    assert status == {"status": "removed", "errorCode": "31"}
    assert [s["gid"] for s in await local.call("aria2.tellStopped", 0, 10, ["gid"])] == [gid]
    assert (await local.fault("aria2.unpause", gid))["code"] == 1
    assert await local.call("aria2.removeDownloadResult", gid) == "OK"
    assert (await local.fault("aria2.tellStatus", gid))["code"] == 1
    # Gone from the client's view, never from Wherry: the window still has it, bytes and all.
    assert job_of(local, gid).state is JobState.PAUSED
    assert job.part_path.exists()


async def test_results_of_finished_downloads_are_removed_but_their_files_stay(local, flaky_server):
    gids = [
        await local.call("aria2.addUri", [flaky_server.add(n, payload(2000))]) for n in ("/r1.bin", "/r2.bin")
    ]
    for gid in gids:
        await settled(local, gid)
    assert await local.call("aria2.removeDownloadResult", gids[0]) == "OK"
    assert [j.id[:16] for j in local.engine.jobs()] == gids[1:]
    assert await local.call("aria2.purgeDownloadResult") == "OK"
    assert local.engine.jobs() == []
    assert (local.downloads / "r1.bin").exists()
    assert (local.downloads / "r2.bin").exists()
    error = await local.fault("aria2.removeDownloadResult", gids[0])
    assert error["code"] == 1


@pytest.mark.parametrize(
    ("offset", "num", "expected"),
    [(0, 2, [0, 1]), (1, 10, [1, 2, 3]), (-1, 2, [3, 2]), (-2, 10, [2, 1, 0]), (-5, 2, []), (4, 1, [])],
)
def test_pages_follow_aria2_with_negative_offsets_reversed(offset, num, expected):
    assert page([0, 1, 2, 3], offset, num) == expected


async def test_tell_waiting_and_stopped_with_negative_offsets(local, flaky_server):
    gids = [
        await local.call("aria2.addUri", [flaky_server.add(f"/w{i}.bin", payload(100))], {"pause": "true"})
        for i in range(3)
    ]
    listed = await local.call("aria2.tellWaiting", -1, 2, ["gid"])
    assert [s["gid"] for s in listed] == [gids[2], gids[1]]
    listed = await local.call("aria2.tellWaiting", 1, 5, ["gid"])
    assert [s["gid"] for s in listed] == gids[1:]
    for gid in gids:
        await local.call("aria2.unpause", gid)
        await settled(local, gid)
    stopped = await local.call("aria2.tellStopped", -1, 3, ["gid", "status"])
    assert [s["gid"] for s in stopped] == gids[::-1]
    assert {s["status"] for s in stopped} == {"complete"}


async def test_change_position_moves_within_the_waiting_queue(local, flaky_server):
    gids = [
        await local.call("aria2.addUri", [flaky_server.add(f"/q{i}.bin", payload(100))], {"pause": "true"})
        for i in range(4)
    ]

    async def order() -> list[str]:
        return [s["gid"] for s in await local.call("aria2.tellWaiting", 0, 10, ["gid"])]

    assert await local.call("aria2.changePosition", gids[3], 0, "POS_SET") == 0
    assert await order() == [gids[3], gids[0], gids[1], gids[2]]
    assert await local.call("aria2.changePosition", gids[3], 2, "POS_CUR") == 2
    assert await order() == [gids[0], gids[1], gids[3], gids[2]]
    assert await local.call("aria2.changePosition", gids[0], 0, "POS_END") == 3
    assert await order() == [gids[1], gids[3], gids[2], gids[0]]
    assert await local.call("aria2.changePosition", gids[0], -10, "POS_CUR") == 0
    assert [j.id[:16] for j in local.engine.jobs()] == [gids[0], gids[1], gids[3], gids[2]]
    assert (await local.fault("aria2.changePosition", gids[0], 0, "POS_NOWHERE"))["code"] == -32602


async def test_add_uri_position_puts_it_in_the_waiting_queue(local, flaky_server):
    first = await local.call("aria2.addUri", [flaky_server.add("/a.bin", b"a")], {"pause": "true"})
    second = await local.call("aria2.addUri", [flaky_server.add("/b.bin", b"b")], {"pause": "true"}, 0)
    assert [s["gid"] for s in await local.call("aria2.tellWaiting", 0, 10, ["gid"])] == [second, first]


async def test_change_uri_keeps_the_bytes_when_the_new_address_serves_the_same_file(local, flaky_server):
    gid, old = await gated(local, flaky_server)
    await local.call("aria2.pause", gid)
    had = job_of(local, gid).bytes_done
    new = flaky_server.add("/mirror.bin", payload(SIZE))
    assert await local.call("aria2.changeUri", gid, 1, [old], [new]) == [1, 1]
    job = job_of(local, gid)
    assert job.url == new
    assert job.bytes_done == had > 0
    await local.call("aria2.unpause", gid)
    assert (await settled(local, gid)).state is JobState.FINISHED
    assert (local.downloads / "gated.bin").read_bytes() == payload(SIZE)
    error = await local.fault("aria2.changeUri", gid, 2, [], [new])
    assert error["code"] == 1


async def test_uris_files_servers_and_peers(local, flaky_server):
    gid, url = await gated(local, flaky_server)
    assert await local.call("aria2.getUris", gid) == [{"uri": url, "status": "used"}]
    (file,) = await local.call("aria2.getFiles", gid)
    assert file["length"] == str(SIZE)
    assert int(file["completedLength"]) > 0
    (server,) = await local.call("aria2.getServers", gid)
    assert server["index"] == "1"
    assert server["servers"][0]["uri"] == url
    assert await local.call("aria2.getPeers", gid) == []
    status = await local.call("aria2.tellStatus", gid, ["connections", "status", "downloadSpeed"])
    assert status["status"] == "active"
    assert status["connections"] == "1"
    await local.call("aria2.pause", gid)
    assert (await local.fault("aria2.getServers", gid))["code"] == 1


async def test_global_stat_and_options(local, flaky_server):
    await local.call("aria2.addUri", [flaky_server.add("/g.bin", b"g")], {"pause": "true"})
    stat = await local.call("aria2.getGlobalStat")
    assert all_strings(stat)
    assert stat["numWaiting"] == "1"
    assert stat["numActive"] == "0"
    options = await local.call("aria2.getGlobalOption")
    assert options["rpc-listen-port"] == str(local.server.port)
    assert options["dir"] == str(local.downloads)
    assert all_strings(options)
    assert (
        await local.call(
            "aria2.changeGlobalOption",
            {"max-concurrent-downloads": "2", "max-overall-download-limit": "500K", "split": "4"},
        )
        == "OK"
    )
    settings = local.engine.settings
    assert (settings.max_active, settings.speed_limit, settings.connections) == (2, 500 * 1024, 4)
    options = await local.call("aria2.getGlobalOption")
    assert options["max-concurrent-downloads"] == "2"
    assert options["split"] == "4"
    elsewhere = local.downloads / "elsewhere"
    assert await local.call("aria2.changeGlobalOption", {"dir": str(elsewhere)}) == "OK"
    assert local.engine.settings.download_dir == str(elsewhere)
    error = await local.fault("aria2.changeGlobalOption", {"max-concurrent-downloads": "zero"})
    assert error["code"] == 1
    assert local.engine.settings.max_active == 2


async def test_change_option_sets_the_speed_limit(local, flaky_server):
    gid = await local.call("aria2.addUri", [flaky_server.add("/c.bin", b"c")], {"pause": "true"})
    assert await local.call("aria2.changeOption", gid, {"max-download-limit": "64K"}) == "OK"
    assert job_of(local, gid).speed_limit == 64 * 1024
    assert (await local.call("aria2.getOption", gid))["max-download-limit"] == str(64 * 1024)


async def test_version_session_and_shutdown(local):
    version = await local.call("aria2.getVersion")
    assert version["version"] == "1.37.0"
    assert "BitTorrent" not in version["enabledFeatures"]
    assert "Metalink" in version["enabledFeatures"]
    session = await local.call("aria2.getSessionInfo")
    assert len(session["sessionId"]) == 40
    assert await local.call("aria2.saveSession") == "OK"
    assert await local.call("aria2.shutdown") == "OK"
    assert await local.call("aria2.forceShutdown") == "OK"
    await asyncio.sleep(0)  # the shutdown runs once the answer is on its way
    assert local.shutdowns == 2


ISSUE_METHODS = [  # the issue's list, in its order
    "addUri",
    "addMetalink",
    "addTorrent",
    "remove",
    "forceRemove",
    "pause",
    "forcePause",
    "pauseAll",
    "forcePauseAll",
    "unpause",
    "unpauseAll",
    "tellStatus",
    "tellActive",
    "tellWaiting",
    "tellStopped",
    "getUris",
    "getFiles",
    "getServers",
    "getPeers",
    "changePosition",
    "changeUri",
    "getOption",
    "changeOption",
    "getGlobalOption",
    "changeGlobalOption",
    "getGlobalStat",
    "purgeDownloadResult",
    "removeDownloadResult",
    "getVersion",
    "getSessionInfo",
    "saveSession",
    "shutdown",
    "forceShutdown",
]


async def test_list_methods_and_notifications_need_no_token(local):
    methods = (await local.answer("system.listMethods", token=None))["result"]
    assert {f"aria2.{m}" for m in ISSUE_METHODS} <= set(methods)
    assert {"system.multicall", "system.listMethods", "system.listNotifications"} <= set(methods)
    notifications = (await local.answer("system.listNotifications", token=None))["result"]
    assert set(notifications) == {
        "aria2.onDownloadStart",
        "aria2.onDownloadPause",
        "aria2.onDownloadStop",
        "aria2.onDownloadComplete",
        "aria2.onDownloadError",
    }


async def test_add_uri_without_dir_follows_the_category_rules_once_they_are_on(local, flaky_server):
    url = flaky_server.add("/isos/boot.iso", b"iso bytes")
    off = await local.call("aria2.addUri", [url], {"out": "off.iso"})
    assert (await settled(local, off)).target == local.downloads / "off.iso"
    local.engine.update_settings(local.engine.settings.with_changes(categories_enabled=True))
    on = await local.call("aria2.addUri", [url])
    assert (await settled(local, on)).target == local.downloads / "Disk images" / "boot.iso"
    given = await local.call("aria2.addUri", [url], {"dir": str(local.downloads / "mine")})
    assert (await settled(local, given)).target == local.downloads / "mine" / "boot.iso"
