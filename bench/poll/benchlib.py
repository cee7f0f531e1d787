# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared pieces of bench/poll/run and bench/scale/run: /proc sampling, a private libvirtd,
an Xvfb display, GUI subjects (Hako, virt-manager) with preset GSettings, statistics."""

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HARNESS = os.path.join(ROOT, "tests", "harness")
CTL = os.path.join(HARNESS, "private-libvirtd")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(*args):
    print("[%s]" % time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


# --- /proc ---------------------------------------------------------------------------------


def cpu_seconds(pid):
    """utime + stime of a whole process (all its threads, dead ones included), in seconds;
    None when it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # fields[0] is the state (field 3); utime and stime are fields 14 and 15
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_kib(pid, field="VmRSS"):
    """VmRSS (all resident pages, shared libraries included) or RssAnon (the process's own
    heap and stacks) from /proc/PID/status, in KiB."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def sum_cpu(pids):
    total = 0.0
    for pid in pids:
        cpu = cpu_seconds(pid)
        if cpu is not None:
            total += cpu
    return total


# --- a private libvirtd ----------------------------------------------------------------------


class Daemon:
    """tests/harness/private-libvirtd in DIR: start, URI, the pids of libvirtd and its QEMUs."""

    def __init__(self, directory):
        self.dir = directory
        self.uri = "qemu:///system?socket=%s/run/libvirt-sock" % directory

    def ctl(self, command):
        subprocess.run([CTL, self.dir, command], check=True, stdout=subprocess.DEVNULL)

    def running(self):
        return subprocess.run([CTL, self.dir, "status"]).returncode == 0

    def libvirtd_pid(self):
        with open(os.path.join(self.dir, "libvirtd.pid")) as f:
            return int(f.read().strip())

    def qemu_pids(self):
        pids = []
        qdir = os.path.join(self.dir, "run", "qemu")
        for name in sorted(os.listdir(qdir)) if os.path.isdir(qdir) else []:
            if not name.endswith(".pid"):
                continue
            try:
                with open(os.path.join(qdir, name)) as f:
                    pid = int(f.read().strip())
            except (OSError, ValueError):
                continue
            if "qemu-system" in cmdline(pid):
                pids.append(pid)
        return pids

    def virsh(self, *args, check=True, stdin=None):
        return subprocess.run(
            ["virsh", "-q", "-c", self.uri] + list(args),
            check=check,
            input=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ).stdout


# --- X display and GUI subjects --------------------------------------------------------------


class Xvfb:
    def __init__(self, size="1280x1024x24"):
        r, w = os.pipe()
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(w), "-screen", "0", size, "-nolisten", "tcp"],
            pass_fds=(w,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(w)
        with os.fdopen(r) as f:
            number = f.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        self.display = ":" + number
        self.pid = self.proc.pid

    def screenshot(self, path):
        subprocess.run(
            ["import", "-display", self.display, "-window", "root", path],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def write_keyfile(config_home, groups):
    """GLib's keyfile GSettings backend: XDG_CONFIG_HOME/glib-2.0/settings/keyfile, one group
    per schema path without its outer slashes, values in GVariant text form."""
    directory = os.path.join(config_home, "glib-2.0", "settings")
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "keyfile"), "w") as f:
        for group, keys in groups.items():
            f.write("[%s]\n" % group)
            for key, value in keys.items():
                f.write("%s=%s\n" % (key, value))
            f.write("\n")


HAKO_BIN = os.path.join(ROOT, "build", "src", "hako")


# Hako's list: about this many pixels of window around the rows, and this many per row
# (measured under Xvfb at 600 and 900 pixels: 22 and 35 rows on screen).
HAKO_LIST_CHROME_PX = 92
HAKO_ROW_PX = 23


def window_height_for_rows(rows):
    """The window height at which Hako's list shows about `rows` guest rows."""
    return HAKO_LIST_CHROME_PX + rows * HAKO_ROW_PX


def hako_settings(interval=1, height=600, slow_interval=30):
    return {
        "org/hako/Hako": {
            "stats-interval": str(interval),
            "stats-slow-interval": str(slow_interval),
            "poll-memory": "true",
            "poll-disk": "true",
            "poll-network": "true",
            "column-guest-cpu": "true",
            "column-host-cpu": "true",
            "column-memory": "true",
            "column-disk": "true",
            "column-network": "true",
            "window-width": "800",
            "window-height": str(height),
        }
    }


def virt_manager_settings(interval=1, height=600):
    return {
        "org/virt-manager/virt-manager": {
            "manager-window-width": "800",
            "manager-window-height": str(height),
            "system-tray": "false",
            "enable-libguestfs-vm-inspection": "false",
        },
        "org/virt-manager/virt-manager/stats": {
            "update-interval": str(interval),
            "enable-cpu-poll": "true",
            "enable-disk-poll": "true",
            "enable-net-poll": "true",
            "enable-memory-poll": "true",
        },
        "org/virt-manager/virt-manager/vmlist-fields": {
            "cpu-usage": "true",
            "host-cpu-usage": "true",
            "memory-usage": "true",
            "disk-usage": "true",
            "network-traffic": "true",
        },
    }


class Gui:
    """One GUI subject in its own D-Bus session on the display, with its own XDG directories
    and GSettings keyfile. pid is the application's own process."""

    def __init__(self, name, argv, settings, display, workdir, extra_env=None):
        self.name = name
        self.home = tempfile.mkdtemp(prefix=name + ".", dir=workdir)
        env = dict(os.environ)
        for var in ("DBUS_SESSION_BUS_ADDRESS", "NO_AT_BRIDGE", "GTK_MODULES", "G_MESSAGES_DEBUG"):
            env.pop(var, None)
        env.update(
            {
                "DISPLAY": display,
                "XDG_CONFIG_HOME": os.path.join(self.home, "config"),
                "XDG_CACHE_HOME": os.path.join(self.home, "cache"),
                "XDG_DATA_HOME": os.path.join(self.home, "data"),
                "XDG_RUNTIME_DIR": os.path.join(self.home, "runtime"),
                "GSETTINGS_BACKEND": "keyfile",
                "GSETTINGS_SCHEMA_DIR": os.path.join(ROOT, "build", "data"),
                "LC_ALL": "C.UTF-8",
            }
        )
        env.update(extra_env or {})
        for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR"):
            os.makedirs(env[var], mode=0o700, exist_ok=True)
        write_keyfile(env["XDG_CONFIG_HOME"], settings)
        self.env = env
        pidfile = os.path.join(self.home, "pid")
        self.log_path = os.path.join(self.home, "log")
        self.started = time.monotonic()
        self.session = subprocess.Popen(
            ["dbus-run-session", "--", "sh", "-c", 'echo $$ >"$0"; exec "$@"', pidfile] + argv,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=open(self.log_path, "w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        self.pid = None
        while time.monotonic() < deadline:
            try:
                with open(pidfile) as f:
                    self.pid = int(f.read().strip())
                break
            except (OSError, ValueError):
                time.sleep(0.02)
        if self.pid is None:
            raise RuntimeError("%s did not start" % name)

    def alive(self):
        return alive(self.pid)

    def stop(self):
        if alive(self.pid):
            os.kill(self.pid, signal.SIGTERM)
        try:
            self.session.wait(15)
        except subprocess.TimeoutExpired:
            if alive(self.pid):
                os.kill(self.pid, signal.SIGKILL)
            self.session.wait(15)
        # the session's own helpers (at-spi-bus-launcher, its dbus-daemon) end with the bus;
        # whatever is left in the process group goes now
        try:
            os.killpg(self.session.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def log_tail(self, n=20):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""


def hako_gui(
    uri, display, workdir, probe_path, interval=1, extra_env=None, height=600, trace_path=None
):
    env = {"HAKO_MAINLOOP_PROBE": probe_path}
    if trace_path:
        env["HAKO_STATS_TRACE"] = trace_path
    env.update(extra_env or {})
    return Gui(
        "hako",
        [HAKO_BIN, "--connect", uri],
        hako_settings(interval, height),
        display,
        workdir,
        env,
    )


def virt_manager_gui(uri, display, workdir, interval=1, extra_env=None, height=600):
    return Gui(
        "virt-manager",
        ["virt-manager", "--no-fork", "--connect", uri],
        virt_manager_settings(interval, height),
        display,
        workdir,
        extra_env,
    )


def read_stats_trace(path, since=0):
    """Hako's HAKO_STATS_TRACE from byte `since` on: one (kind, groups, names) per request;
    names is None for a full tick (every running guest)."""
    requests = []
    try:
        with open(path) as f:
            f.seek(since)
            for line in f:
                parts = line.split()
                if len(parts) < 2:
                    continue
                names = None if parts[2:] == ["*"] else parts[2:]
                requests.append((parts[0], parts[1], names))
    except OSError:
        pass
    return requests


def read_probe(path):
    """{'max_gap_us': N, 'turns': N} from the file HAKO_MAINLOOP_PROBE names, or None."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return None
    values = {}
    for item in text.split():
        key, _, value = item.partition("=")
        values[key] = int(value)
    return values


def probe_write_now(pid, path, timeout=3.0):
    """SIGUSR2: Hako's probe writes its file now. Returns the new contents."""
    try:
        before = os.stat(path).st_mtime_ns
    except OSError:
        before = 0
    os.kill(pid, signal.SIGUSR2)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if os.stat(path).st_mtime_ns != before:
                break
        except OSError:
            pass
        time.sleep(0.02)
    return read_probe(path)


# --- statistics and tables -------------------------------------------------------------------


def mmm(values, fmt="%.1f", unit=""):
    """"median (min–max) unit" of the values that are not None."""
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    lo, med, hi = min(values), statistics.median(values), max(values)
    if len(values) == 1:
        return fmt % med + unit
    return "%s (%s–%s)%s" % (fmt % med, fmt % lo, fmt % hi, unit)


def need(*tools):
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        sys.exit("missing: %s" % " ".join(missing))
