# SPDX-License-Identifier: ISC
"""gwagentd started by the lab from the build tree."""
import os

from .proc import LabError, wait_until


def gwagentd_path():
    """The built daemon: $GWAGENTD, else $top_builddir/agent/gwagentd."""
    for p in (os.environ.get("GWAGENTD"),
              os.path.join(os.environ.get("top_builddir", ""), "agent", "gwagentd")
              if os.environ.get("top_builddir") else None):
        if p and os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


class Gwagentd:
    def __init__(self, lab, agentx_socket=None, master=None, args=(), valgrind=False):
        self.lab = lab
        self.dir = lab.subdir("gwagentd")
        self.agentx_socket = agentx_socket
        self.master = master
        self.args = list(args)
        self.valgrind = valgrind or os.environ.get("GW_VALGRIND") == "1"
        self.proc = None
        self.returncode = None

    def argv(self):
        exe = gwagentd_path()
        if exe is None:
            raise LabError("gwagentd is not built (set GWAGENTD or top_builddir)")
        argv = [exe, "-f", "-d"]
        if self.agentx_socket:
            argv += ["-x", "unix:" + self.agentx_socket]
        if self.master:
            argv += ["-M", self.master]
        argv += self.args
        if self.valgrind:
            argv = ["valgrind", "--error-exitcode=99", "--leak-check=full",
                    "--errors-for-leak-kinds=definite", "--log-file=" +
                    os.path.join(self.dir, "valgrind.%p.log")] + argv
        return argv

    def start(self, ready=None, timeout=15.0):
        self.proc = self.lab.spawn("gwagentd", self.argv(), cwd=self.dir)
        wait_until(lambda: self._started(), timeout, "gwagentd to start")
        if ready is not None:
            wait_until(ready, timeout, "gwagentd to be ready")
        return self

    def _started(self):
        self.proc.check_alive()
        return "started" in self.proc.output()

    def check_alive(self):
        self.proc.check_alive()

    def output(self):
        return self.proc.output() if self.proc else ""

    def stop(self):
        if self.proc is not None:
            self.returncode = self.proc.stop(timeout=10.0)
            if self.proc in self.lab.procs:
                self.lab.procs.remove(self.proc)
            self.proc = None
        return self.returncode
