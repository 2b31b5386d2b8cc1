"""Settings round-trip; keys from a newer Wherry stay in the file but are not used."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from wherry.core import Settings
from wherry.store import SqliteRepository, open_store


def test_fresh_store_gives_default_settings(repo: SqliteRepository) -> None:
    assert repo.load_settings() == Settings()


def test_every_setting_round_trips(repo: SqliteRepository) -> None:
    changed = Settings(
        download_dir="/home/someone/Downloads/wherry",
        max_active=9,
        connections=2,
        adaptive_connections=False,
        max_connections_per_host=3,
        min_split_size=5 * 1024 * 1024,
        speed_limit=250_000,
        auto_resume=False,
        close_to_tray=False,
        notifications=False,
        hash_every_download=True,
        ask_on_handoff=True,
        stall_timeout=7.5,
        connect_timeout=11.25,
        retry_max_tries=2,
        retry_max_seconds=30.5,
        retry_base_delay=0.25,
        retry_max_delay=9.0,
        checkpoint_interval=2.5,
        breaker_threshold=11,
        breaker_cooldown=12.5,
        history_days=90,
        reuse_existing=False,
        link_existing=True,
        library_dirs=("/srv/isos", "/home/someone/models"),
        proxy="socks5h://user:pw@proxy.example:1080",
        remote_enabled=True,
        remote_port=6801,
        remote_secret="kept-between-starts",
        remote_allow_origin_all=True,
        categories_enabled=True,
        category_rules=(("Models", ".gguf", "/srv/models"), ("Zip", ".zip", "Zip")),
        schedule_enabled=True,
        schedule_days=("sat", "sun"),
        schedule_start="02:30",
        schedule_stop="",
        limit_schedule_enabled=True,
        limit_schedule_days=("mon",),
        limit_schedule_from="08:00",
        limit_schedule_to="17:30",
        limit_schedule_rate=300_000,
        clipboard_watch=True,
        clipboard_extensions=(".iso",),
        when_done_command="notify-send done",
    )
    assert all(getattr(changed, k) != getattr(Settings(), k) for k in Settings().to_dict())
    repo.save_settings(changed)
    assert repo.load_settings() == changed
    repo.save_settings(changed.with_changes(max_active=1))
    assert repo.load_settings() == changed.with_changes(max_active=1)


def test_unknown_keys_are_kept_but_ignored(repo: SqliteRepository, db_path: Path) -> None:
    with sqlite3.connect(db_path) as raw:
        raw.execute("INSERT INTO settings (key, value) VALUES ('theme_from_the_future', '\"dark\"')")
    raw.close()
    repo.save_settings(Settings(max_active=4))
    assert repo.load_settings() == Settings(max_active=4)
    with sqlite3.connect(db_path) as raw:
        row = raw.execute("SELECT value FROM settings WHERE key = 'theme_from_the_future'").fetchone()
    raw.close()
    assert row is not None
    assert json.loads(row[0]) == "dark"


def test_unreadable_or_mistyped_values_fall_back_to_defaults(repo: SqliteRepository, db_path: Path) -> None:
    repo.save_settings(Settings(max_active=6, connections=5))
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE settings SET value = '{not json' WHERE key = 'max_active'")
        raw.execute("UPDATE settings SET value = '\"many\"' WHERE key = 'connections'")
    raw.close()
    loaded = repo.load_settings()
    assert loaded.max_active == Settings().max_active
    assert loaded.connections == Settings().connections


def test_settings_survive_reopening(db_path: Path) -> None:
    repo, _ = open_store(db_path)
    repo.save_settings(Settings(speed_limit=1234))
    repo.close()
    again, _ = open_store(db_path)
    try:
        assert again.load_settings().speed_limit == 1234
    finally:
        again.close()
