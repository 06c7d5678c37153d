# SPDX-License-Identifier: ISC
"""gwagentd started by the lab from the build tree, with its own settings
file and gateway INI in the lab directory."""
import os
import subprocess

from .proc import LabError, wait_until


def gwagentd_path():
    """The built daemon: $GWAGENTD, else $top_builddir/agent/gwagentd."""
    for p in (os.environ.get("GWAGENTD"),
              os.path.join(os.environ.get("top_builddir", ""), "agent", "gwagentd")
              if os.environ.get("top_builddir") else None):
        if p and os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def gwagentctl_path():
    """The built client: $GWAGENTCTL, else $top_builddir/agent/gwagentctl."""
    for p in (os.environ.get("GWAGENTCTL"),
              os.path.join(os.environ.get("top_builddir", ""), "agent", "gwagentctl")
              if os.environ.get("top_builddir") else None):
        if p and os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def settings_text(values):
    """values: {"section": {"key": "value"}} -> gwagentd.conf text."""
    out = []
    for sec, kv in values.items():
        out.append("[%s]" % sec)
        for k, v in kv.items():
            if v is not None:  # None: leave the key out
                out.append("%s = %s" % (k, v))
    return "\n".join(out) + "\n"


class Gwagentd:
    """gwagentd -f -c LAB/gwagentd/gwagentd.conf [-x agentx | -M addr].

    gateway_ini: text of the gateway INI written to LAB/gwagentd/gateway.ini
    (CRLF added), or None for no file (defaults).  settings: extra
    {section: {key: value}} merged over the lab defaults; a value of None
    leaves that key out.  Started as root, the lab runs gwagentd with
    [agent] run_as_root = yes unless the settings name a user to drop to."""

    def __init__(self, lab, agentx_socket=None, master=None, gateway_ini=None,
                 settings=None, args=(), valgrind=False):
        self.lab = lab
        self.dir = lab.subdir("gwagentd")
        self.agentx_socket = agentx_socket
        self.master = master
        self.ini_path = os.path.join(self.dir, "gateway.ini")
        self.conf_path = os.path.join(self.dir, "gwagentd.conf")
        self.args = list(args)
        self.valgrind = valgrind or os.environ.get("GW_VALGRIND") == "1"
        self.proc = None
        self.returncode = None
        self.settings = {
            # file: uploads are confined to ini_dir: the tests write theirs
            # into the lab directory.
            "agent": {"gateway_ini": self.ini_path, "log_level": "debug",
                      "ini_dir": lab.dir,
                      # gwagentctl's socket, the lab's own
                      "control_socket": os.path.join(self.dir, "ctl.sock")},
            "snmp": {"persist_dir": os.path.join(self.dir, "snmp")},
            "sip": {"bind_address": "127.0.0.1", "udp_port": "0", "pace_rate": "0"},
            "traps": {"rate_limit": "100"},
        }
        for sec, kv in (settings or {}).items():
            self.settings.setdefault(sec, {}).update(kv)
        agent = self.settings["agent"]
        if os.geteuid() == 0 and agent.get("user") is None:
            agent.setdefault("run_as_root", "yes")
        if gateway_ini is not None:
            self.write_ini(gateway_ini)

    def write_ini(self, text):
        with open(self.ini_path, "w", newline="") as f:
            f.write(text.replace("\r\n", "\n").replace("\n", "\r\n"))
        os.chmod(self.ini_path, 0o600)

    def read_ini(self):
        with open(self.ini_path, newline="") as f:
            return f.read()

    def argv(self):
        exe = gwagentd_path()
        if exe is None:
            raise LabError("gwagentd is not built (set GWAGENTD or top_builddir)")
        with open(self.conf_path, "w") as f:
            f.write(settings_text(self.settings))
        os.chmod(self.conf_path, 0o600)
        argv = [exe, "-f", "-d", "-c", self.conf_path]
        if self.agentx_socket:
            argv += ["-x", "unix:" + self.agentx_socket]
        if self.master:
            argv += ["-M", self.master]
        argv += self.args
        if self.valgrind:
            # GW_VALGRIND_LOGDIR keeps the logs after the lab is gone
            # (tools/valgrind.sh scans them once the suites have run).
            logdir = os.environ.get("GW_VALGRIND_LOGDIR") or self.dir
            supp = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "valgrind.supp")
            argv = ["valgrind", "--error-exitcode=99", "--leak-check=full",
                    "--errors-for-leak-kinds=definite", "--suppressions=" + supp,
                    "--log-file=" + os.path.join(logdir, "valgrind.%p.log")] + argv
        return argv

    def start(self, ready=None, timeout=15.0):
        self.proc = self.lab.spawn("gwagentd", self.argv(), cwd=self.dir)
        wait_until(lambda: self._started(), timeout, "gwagentd to start")
        if ready is not None:
            wait_until(ready, timeout, "gwagentd to be ready")
        return self

    def _started(self):
        self.proc.check_alive()
        return "[main] gwagentd " in self.proc.output() and \
            " started" in self.proc.output()

    def check_alive(self):
        self.proc.check_alive()

    @property
    def ctl_socket(self):
        return self.settings["agent"]["control_socket"]

    def ctl(self, *args, timeout=30.0):
        """Run gwagentctl -s SOCKET ARGS: (exit status, stdout, stderr)."""
        exe = gwagentctl_path()
        if exe is None:
            raise LabError("gwagentctl is not built (set GWAGENTCTL or top_builddir)")
        p = subprocess.run([exe, "-s", self.ctl_socket] + [str(a) for a in args],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, check=False)
        return p.returncode, p.stdout.decode(errors="replace"), \
            p.stderr.decode(errors="replace")

    def output(self):
        return self.proc.output() if self.proc else ""

    def signal(self, sig):
        os.kill(self.proc.pid, sig)

    def stop(self):
        if self.proc is not None:
            self.returncode = self.proc.stop(timeout=15.0)
            if self.proc in self.lab.procs:
                self.lab.procs.remove(self.proc)
            self.proc = None
        return self.returncode

    def kill9(self):
        if self.proc is not None:
            self.returncode = self.proc.kill9()
            if self.proc in self.lab.procs:
                self.lab.procs.remove(self.proc)
            self.proc = None
        return self.returncode
