"""aria2-compatible remote control: JSON-RPC over HTTP and WebSocket, on the engine's loop.

It talks to the engine through its public methods and events only, like the window does.
"""

from wherry.remote.server import MAX_BODY, RemoteConfig, RemoteServer

__all__ = ["MAX_BODY", "RemoteConfig", "RemoteServer"]
