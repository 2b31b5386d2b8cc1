"""The cycle collector runs on the GUI thread only while the window runs."""

from __future__ import annotations

import gc

from wherry.ui.collector import GuiThreadCollector


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_automatic_collection_is_off_and_the_timer_collects_cycles(qtbot):
    gc.enable()
    collector = GuiThreadCollector()
    try:
        assert not gc.isenabled()
        gc.collect()
        import weakref

        cycles = [_Cycle() for _ in range(gc.get_threshold()[0] + 10)]
        probe = weakref.ref(cycles[0])
        del cycles
        assert probe() is not None  # nothing collects it behind our back
        qtbot.waitUntil(lambda: probe() is None, timeout=5000)  # the timer's pass did
    finally:
        collector.stop()
    assert gc.isenabled()
