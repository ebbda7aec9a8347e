"""One supervisor for many processes: honcho's Manager, plus loud crash reports and a safe shutdown.

    supervise([Proc("web", "exec gunicorn ..."), ...]) -> exit code

Each child runs in its own process group with its output prefixed by its name. Ctrl-C / SIGTERM, or
any child exiting, stops every child (SIGTERM, then SIGKILL after honcho's KILL_WAIT seconds). A child
that exits while nobody asked it to is reported as a CRASH with its name and exit code, and its
exit code becomes the supervisor's.
"""
from __future__ import annotations

import os
import re
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from honcho.manager import KILL_WAIT, SYSTEM_PRINTER_NAME, Manager
from honcho.printer import Printer

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Proc:
    """One supervised child: a shell command (run with ``exec``) and its extra environment."""
    name: str
    command: str
    env: dict[str, str] = field(default_factory=dict)


def say(text: str, output=None) -> None:
    try:
        print(text, file=output or sys.stdout, flush=True)
    except OSError:  # the terminal or pipe is gone; keep shutting down
        pass



class _Discard:
    """Where output goes once the terminal or pipe is gone (``make run | tee`` after Ctrl-C)."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class CrashPrinter(Printer):
    """Honcho's printer, plus a loud banner when a child stops while nobody asked it to.

    A closed output must not stop the shutdown: honcho prints from its signal handler.
    """
    STOPPED = re.compile(r"^(\S+) stopped \(rc=(-?\d+)\)")

    def __init__(self, output, supervisor: Supervisor):
        super().__init__(output)
        self.supervisor = supervisor

    def write(self, message):
        try:
            super().write(message)
        except OSError:
            self.output = _Discard()
        if message.name != SYSTEM_PRINTER_NAME or self.supervisor.stopping:
            return
        match = self.STOPPED.match(str(message.data))
        if match:
            name, code = match.group(1), int(match.group(2))
            self.supervisor.crashed.append((name, code))
            how = f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited with code {code}"
            bar = "!" * 78
            say(f"{bar}\n!!! CRASH: {name} {how}; stopping every other process\n{bar}", self.output)


class Supervisor(Manager):
    def __init__(self, output=None):
        self.stopping = False
        self.crashed: list[tuple[str, int]] = []
        super().__init__(CrashPrinter(output or sys.stdout, self))

    def terminate(self):
        self.stopping = True  # from here on, children stopping is expected
        super().terminate()

    def _killall(self, force=False):
        """honcho's, minus children whose start it has not heard of yet (Ctrl-C during start-up).

        Those get SIGKILL once honcho's KILL_WAIT has passed after the first child stopped.
        """
        for name, entry in self._processes.items():  # honcho 2.0.0 internals (pinned)
            if "returncode" in entry or entry.get("pid") is None:
                continue
            signame, send = ("SIGKILL", self._procmgr.kill) if force else ("SIGTERM", self._procmgr.terminate)
            self._system_print(f"sending {signame} to {name} (pid {entry['pid']})\n")
            send(entry["pid"])

    def stop_all(self) -> None:
        """After an error in the loop itself: SIGTERM every child, then SIGKILL what is left."""
        self.terminate()
        deadline = time.monotonic() + KILL_WAIT
        for entry in self._processes.values():  # honcho 2.0.0 internals (pinned)
            if "process" in entry:
                entry["process"].join(max(0.0, deadline - time.monotonic()))
        self.kill()

    def exit_code(self) -> int:
        if self.crashed:
            code = self.crashed[0][1]
            return code if code > 0 else (128 - code if code < 0 else 1)
        return self.returncode or 0


def supervise(procs: list[Proc], output=None) -> int:
    """Run ``procs`` until Ctrl-C / SIGTERM or until one exits; return the exit code."""
    supervisor = Supervisor(output)
    for proc in procs:
        supervisor.add_process(proc.name, proc.command, env={**os.environ, **proc.env}, cwd=str(ROOT))
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        supervisor.loop()  # installs honcho's SIGINT/SIGTERM handlers: stop every child
    except BaseException:
        supervisor.stop_all()  # no child outlives the supervisor
        raise
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    return supervisor.exit_code()
