"""One supervisor for many processes: honcho's Manager, plus loud crash reports and a safe shutdown.

    supervise([Proc("web", "exec gunicorn ..."), ...]) -> exit code

Each child runs in its own process group (honcho starts each in a new session) with its output
prefixed by its name. Ctrl-C / SIGTERM, or any child exiting, stops every child: SIGTERM to each
child's own process (as ``docker stop`` does), then SIGKILL to the process groups still there
honcho's KILL_WAIT seconds after the first child stopped. A child that exits while nobody asked it
to is reported as a CRASH with its name and exit code, and its exit code becomes the supervisor's.
Only honcho's public API is used: Manager.add_process / loop / terminate / kill / returncode, and a
Printer subclass that reads honcho's own "started" and "stopped" lines through write().
"""
from __future__ import annotations

import os
import re
import signal
import sys
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import psutil
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



def _signal(pid: int, sig: signal.Signals, name: str, output, group: bool = True) -> None:
    """``sig`` to the child's process group (it leads one), or to its own process only."""
    say(f"sending {sig.name} to {name} (pid {pid})", output)
    with suppress(ProcessLookupError, PermissionError):
        (os.killpg if group else os.kill)(pid, sig)


class _Discard:
    """Where output goes once the terminal or pipe is gone (``make run | tee`` after Ctrl-C)."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class CrashPrinter(Printer):
    """Honcho's printer, plus what the supervisor needs to hear from honcho's own lines: which
    children have started, and a loud banner when one stops while nobody asked it to.

    A closed output must not stop the shutdown: honcho prints from its signal handler.
    """
    STARTED = re.compile(r"^(\S+) started \(pid=(\d+)\)")
    STOPPED = re.compile(r"^(\S+) stopped \(rc=(-?\d+)\)")

    def __init__(self, output, supervisor: Supervisor):
        super().__init__(output)
        self.supervisor = supervisor

    def write(self, message):
        try:
            super().write(message)
        except OSError:
            self.output = _Discard()
        if message.name != SYSTEM_PRINTER_NAME:
            return
        if started := self.STARTED.match(str(message.data)):
            self.supervisor.started(started.group(1), int(started.group(2)))
        elif stopped := self.STOPPED.match(str(message.data)):
            self.supervisor.exited.add(stopped.group(1))
            if self.supervisor.stopping:
                return
            name, code = stopped.group(1), int(stopped.group(2))
            self.supervisor.crashed.append((name, code))
            how = f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited with code {code}"
            bar = "!" * 78
            say(f"{bar}\n!!! CRASH: {name} {how}; stopping every other process\n{bar}", self.output)


class Supervisor(Manager):
    """honcho's Manager through its public methods only (add_process, loop, terminate, kill,
    returncode). A stop asked for before every child has reported its start (Ctrl-C during
    start-up) waits until the last one has: honcho can only signal children whose pid it knows.

    ``terminate`` sends SIGTERM to each child's own process, not to its process group as honcho's
    does: a Celery worker then makes its warm shutdown (the task in hand finishes, then its pool
    stops) and a gunicorn master its graceful one. Signalled as a group, a Celery pool process
    dies under its task (``WorkerLostError``). honcho's ``kill`` still sends SIGKILL to each group
    running KILL_WAIT seconds after the first child stopped, and ``sweep`` to what a child left
    behind."""

    def __init__(self, output=None):
        self.stopping = False
        self.signalled = False  # each child's process got its SIGTERM
        self.crashed: list[tuple[str, int]] = []
        self.pids: dict[str, int] = {}
        self.exited: set[str] = set()  # stopped, as honcho reported
        self.waiting: set[str] = set()  # added, start not reported yet
        self.printer = CrashPrinter(output or sys.stdout, self)
        super().__init__(self.printer)

    def add_process(self, name, cmd, quiet=False, env=None, cwd=None):
        self.waiting.add(name)
        return super().add_process(name, cmd, quiet=quiet, env=env, cwd=cwd)

    def started(self, name: str, pid: int) -> None:
        self.pids[name] = pid
        self.waiting.discard(name)
        if self.stopping and not self.waiting:
            self._signal_children()  # the stop asked for during start-up

    def terminate(self):
        self.stopping = True  # from here on, children stopping is expected
        if not self.waiting:
            self._signal_children()
        else:
            say(f"stopping once {len(self.waiting)} more children have reported their start",
                self.printer.output)

    def _signal_children(self) -> None:
        if self.signalled:
            return
        self.signalled = True
        for name, pid in self.pids.items():
            if name not in self.exited:
                _signal(pid, signal.SIGTERM, name, self.printer.output, group=False)

    def sweep(self) -> None:
        """Once every child has stopped: SIGKILL what one left running in its process group (a
        pool it did not stop), so no child's process outlives the supervisor."""
        for name, pid in self.pids.items():
            with suppress(ProcessLookupError, PermissionError):  # the group is empty: gone
                os.killpg(pid, signal.SIGKILL)
                say(f"sent SIGKILL to what {name} left running", self.printer.output)

    def kill(self):
        if not self.waiting:
            super().kill()

    def stop_all(self) -> None:
        """After an error in the loop itself (honcho's bookkeeping then stops): SIGTERM the process
        group of every child that reported its start, then SIGKILL what is left after KILL_WAIT."""
        self.stopping = True
        names, children = {pid: name for name, pid in self.pids.items()}, []
        for pid, name in names.items():
            with suppress(psutil.NoSuchProcess):
                children.append(psutil.Process(pid))
                _signal(pid, signal.SIGTERM, name, self.printer.output)
        _, alive = psutil.wait_procs(children, timeout=KILL_WAIT)
        for child in alive:
            _signal(child.pid, signal.SIGKILL, names[child.pid], self.printer.output)

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
        supervisor.sweep()
    except BaseException:
        supervisor.stop_all()  # no child outlives the supervisor
        raise
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    return supervisor.exit_code()
