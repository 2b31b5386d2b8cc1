"""The proxy setting as a person edits it: the address, and its login kept apart and masked.

``Settings.proxy`` holds one URL (``socks5h://user:password@host:1080``); here the password sits
in a password field, so it is never shown on screen.
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit, urlunsplit

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QWidget

__all__ = ["ProxyFields", "join_proxy", "split_proxy"]


def split_proxy(url: str) -> tuple[str, str, str]:
    """(address without login, user, password) of a proxy URL."""
    parts = urlsplit(url.strip())
    if "@" not in parts.netloc:
        return url.strip(), "", ""
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    bare = urlunsplit((parts.scheme, hostport, parts.path, parts.query, parts.fragment))
    return bare, unquote(user), unquote(password)


def join_proxy(address: str, user: str, password: str) -> str:
    address = address.strip()
    if not address or not user or "://" not in address:
        return address
    parts = urlsplit(address)
    login = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
    return urlunsplit((parts.scheme, f"{login}@{parts.netloc}", parts.path, parts.query, parts.fragment))


class ProxyFields:
    """Three line edits for one proxy URL; ``address`` and ``login_row`` go into a form."""

    def __init__(self, proxy: str) -> None:
        bare, user, password = split_proxy(proxy)
        self.address = QLineEdit(bare)
        self.address.setObjectName("proxy_address")
        self.address.setPlaceholderText("From HTTP_PROXY / HTTPS_PROXY / ALL_PROXY, or “direct”")
        self.address.setToolTip("http://, https://, socks5:// or socks5h://host:port; NO_PROXY still applies")
        self.user = QLineEdit(user)
        self.user.setPlaceholderText("User (if the proxy wants one)")
        self.password = QLineEdit(password)
        self.password.setObjectName("proxy_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Password")
        self.login_row = QWidget()
        row = QHBoxLayout(self.login_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.user)
        row.addWidget(self.password)

    def value(self) -> str:
        return join_proxy(self.address.text(), self.user.text(), self.password.text())
