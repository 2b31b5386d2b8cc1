"""Category rules: which folder a URL's file goes to, and how the rules are stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wherry.core import Settings
from wherry.core.categories import (
    DEFAULT_CATEGORY_RULES,
    CategoryRule,
    choose_folder,
    file_name_of,
    folder_for,
    matching_rule,
    name_matches,
    parse_rules,
    rules_to_settings,
)

DEFAULTS = parse_rules(DEFAULT_CATEGORY_RULES)


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://example.org/pub/linux-6.9.tar.xz", "linux-6.9.tar.xz"),
        ("https://example.org/a%20b.iso?token=1#frag", "a b.iso"),
        ("https://example.org/dir/", ""),
        ("https://example.org", ""),
        ("http://[::1", ""),  # unreadable: no name, never an exception
    ],
)
def test_file_name_is_the_last_path_segment_decoded(url: str, name: str) -> None:
    assert file_name_of(url) == name


@pytest.mark.parametrize(
    ("name", "extensions", "expected"),
    [
        ("ubuntu.ISO", [".iso"], True),
        ("linux.tar.zst", [".tar.*"], True),
        ("linux.tar", [".tar.*"], False),
        ("model.safetensors", ["safetensors"], True),  # the dot may be left out
        (".zip", [".zip"], False),  # a hidden file named .zip, not an archive
        ("notes.zip.txt", [".zip"], False),
        ("x.gguf", ["", "  "], False),
    ],
)
def test_extensions_match_the_end_of_the_name(name: str, extensions: list[str], expected: bool) -> None:
    assert name_matches(name, extensions) is expected


@pytest.mark.parametrize(
    ("url", "category"),
    [
        ("https://example.org/debian-12.iso", "Disk images"),
        ("https://example.org/src/linux-6.9.tar.xz", "Archives"),
        ("https://example.org/llama-3-8b.Q4_K_M.gguf?download=true", "Models"),
        ("https://example.org/film.MKV", "Video"),
        ("https://example.org/paper.pdf", "Documents"),
        ("https://example.org/page.html", None),
        ("https://example.org/", None),
    ],
)
def test_default_rules_pick_a_category_by_extension(url: str, category: str | None) -> None:
    rule = matching_rule(DEFAULTS, url)
    assert (rule.name if rule else None) == category


def test_url_patterns_match_anywhere_and_the_first_rule_wins() -> None:
    rules = [
        CategoryRule("Hugging Face", "huggingface.co/*/resolve/", "Models/hf"),
        CategoryRule("Archives", ".zip", "Archives"),
    ]
    hf = "https://HuggingFace.co/org/model/resolve/main/weights.zip"
    assert matching_rule(rules, hf) is rules[0]
    assert matching_rule(rules, "https://example.org/weights.zip") is rules[1]
    assert matching_rule(rules, "https://huggingface.co/org/model/blob/main/README.md") is None


def test_a_name_the_user_gave_decides_over_the_url() -> None:
    assert matching_rule(DEFAULTS, "https://example.org/get?id=7", "clip.webm").name == "Video"


def test_relative_folders_live_in_the_download_folder_absolute_ones_stay(tmp_path: Path) -> None:
    rules = [CategoryRule("Video", ".mp4", "Video"), CategoryRule("Big", ".iso", str(tmp_path / "isos"))]
    base = str(tmp_path / "Downloads")
    video = choose_folder(rules, "https://e.org/a.mp4", base)
    assert (video.directory, video.rule) == (str(tmp_path / "Downloads" / "Video"), rules[0])
    assert choose_folder(rules, "https://e.org/a.iso", base).directory == str(tmp_path / "isos")
    other = choose_folder(rules, "https://e.org/a.txt", base)
    assert (other.directory, other.rule) == (base, None)


def test_categories_apply_only_when_turned_on(tmp_path: Path) -> None:
    url = "https://example.org/debian.iso"
    off = folder_for(Settings(), url, str(tmp_path))
    assert (off.directory, off.rule) == (str(tmp_path), None)
    on = folder_for(Settings(categories_enabled=True), url, str(tmp_path))
    assert on.directory == str(tmp_path / "Disk images")
    assert on.rule is not None
    assert on.rule.name == "Disk images"


def test_malformed_stored_rules_are_skipped() -> None:
    stored = [("Video", ".mp4", "Video"), ("", ".zip", "x"), ("NoPattern", " ", "x"), ("Short", ".a")]
    assert parse_rules(stored) == [CategoryRule("Video", ".mp4", "Video")]


def test_rules_round_trip_through_stored_settings() -> None:
    rules = [CategoryRule("Models", ".gguf .safetensors", "/srv/models"), CategoryRule("Zip", ".zip", "Zip")]
    settings = Settings(categories_enabled=True, category_rules=rules_to_settings(rules))
    data = json.loads(json.dumps(settings.to_dict()))
    assert data["category_rules"][0] == ["Models", ".gguf .safetensors", "/srv/models"]
    restored = Settings.from_dict(data)
    assert restored == settings
    assert parse_rules(restored.category_rules) == rules


@pytest.mark.parametrize(
    "bad",
    [
        "Video",
        ["Video", ".mp4", "Video"],  # strings where triples belong
        [["Video", ".mp4"]],
        [["Video", ".mp4", 3]],
    ],
)
def test_stored_rules_of_the_wrong_shape_fall_back_to_the_defaults(bad: object) -> None:
    assert Settings.from_dict({"category_rules": bad}).category_rules == DEFAULT_CATEGORY_RULES
