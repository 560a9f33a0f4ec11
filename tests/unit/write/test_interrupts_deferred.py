"""Ctrl-C during the renames that publish the feeds waits for them (issue 13)."""

from __future__ import annotations

import os
import signal

import pytest

from exporter.interrupts import interrupts_deferred

pytestmark = pytest.mark.usefixtures("ctrl_c_raises")


def test_an_interrupt_inside_waits_for_the_end_of_the_block() -> None:
    steps: list[str] = []
    with pytest.raises(KeyboardInterrupt), interrupts_deferred():
        os.kill(os.getpid(), signal.SIGINT)
        steps.append("after the signal")
    assert steps == ["after the signal"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_no_interrupt_no_exception() -> None:
    with interrupts_deferred():
        pass
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
