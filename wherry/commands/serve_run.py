"""The body of ``wherry serve``, imported only when the command runs."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from pathlib import Path

from wherry import paths
from wherry.commands.store_access import open_user_store, say
from wherry.core.errors import ErrorKind, InputError
from wherry.core.events import Event
from wherry.core.settings import Settings
from wherry.headless import configure_logging, headless_engine
from wherry.remote import RemoteConfig, RemoteServer
from wherry.remote.removals import REMOVALS_FILE

__all__ = ["read_secret", "serve"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
log = logging.getLogger(__name__)


def read_secret(args: argparse.Namespace) -> str:
    if args.secret_file:
        try:
            return Path(args.secret_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            message = f"Could not read the secret file {args.secret_file}."
            raise InputError(ErrorKind.BAD_INPUT, message) from exc
    return args.secret or ""


def _log_event(event: Event) -> None:
    log.info("%s", event)


async def serve(args: argparse.Namespace) -> int:
    configure_logging()
    try:
        secret = read_secret(args)
    except InputError as error:
        say(error.message)
        return EXIT_USAGE
    config = RemoteConfig(args.port, secret, args.listen_all, args.allow_origin_all)
    if config.listen_all and not config.secret:
        say("Listening on every network interface needs a secret (--secret or --secret-file).")
        return EXIT_USAGE
    repository = open_user_store()
    if repository is None:
        return EXIT_FAILED
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with headless_engine(repository, _log_event, manage_all=True) as engine:

            def apply(settings: Settings) -> None:
                repository.save_settings(settings)
                engine.update_settings(settings)

            server = RemoteServer(
                engine,
                config,
                default_dir=lambda: engine.settings.download_dir or str(paths.default_download_dir()),
                apply_settings=apply,
                shutdown=stop.set,
                removals_file=paths.data_dir() / REMOVALS_FILE,
            )
            try:
                port = await server.start()
            except InputError as error:
                say(error.message)
                return EXIT_FAILED
            print(f"Wherry is listening for aria2 clients on port {port}.", flush=True)
            await stop.wait()
            await server.stop()
        # Leaving the block closed the engine: transfers stopped at their last checkpoint and
        # continue at the next start.
        return EXIT_OK
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        repository.close()
