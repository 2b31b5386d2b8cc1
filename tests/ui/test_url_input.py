"""Finding URLs in pasted text, dropped data, URL-list files and command-line words."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QUrl

from wherry.ui.url_input import is_download_url, urls_from_arguments, urls_from_mime, urls_from_text


def test_is_download_url_wants_a_web_scheme_and_a_host():
    assert is_download_url("https://example.org/a.iso")
    assert is_download_url("ftp://mirror.example/pub/x")
    assert not is_download_url("file:///etc/passwd")
    assert not is_download_url("http://")
    assert not is_download_url("example.org/a.iso")


def test_urls_from_text_skips_comments_blanks_and_duplicates():
    text = "# list\nhttp://a/1  http://a/2\n\nnot-a-url\nhttp://a/1\n"
    assert urls_from_text(text) == ["http://a/1", "http://a/2"]


def test_urls_from_mime_reads_a_uri_list(qapp):
    mime = QMimeData()
    mime.setUrls([QUrl("http://a/1"), QUrl("https://b/2")])
    assert urls_from_mime(mime) == ["http://a/1", "https://b/2"]


def test_urls_from_mime_reads_plain_text(qapp):
    mime = QMimeData()
    mime.setText("see http://a/1 and\nhttp://a/2")
    assert urls_from_mime(mime) == ["http://a/1", "http://a/2"]


def test_urls_from_mime_reads_a_dropped_txt_file_of_urls(qapp, tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text("http://a/1\n# skip\nhttp://a/2\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(listing)), QUrl.fromLocalFile(str(tmp_path / "photo.jpg"))])
    assert urls_from_mime(mime) == ["http://a/1", "http://a/2"]


def test_urls_from_arguments_expands_txt_lists_relative_to_cwd(tmp_path):
    (tmp_path / "list.txt").write_text("http://a/2\nhttp://a/3\n")
    assert urls_from_arguments(["http://a/1", "list.txt", "missing.txt"], tmp_path) == [
        "http://a/1",
        "http://a/2",
        "http://a/3",
    ]
