"""The watched-folder benchmark's driver (run by scripts/bench-watch.sh):
starts s3s-fs and `chute --json watch run` in a private world, writes
files, reads the agent's JSON lines as they come and prints the figures."""

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

CHUTE = os.environ["CHUTE_BIN"]
S3S_FS = os.environ["S3S_FS"]
LATENCY_FILES = int(os.environ.get("BENCH_LATENCY_FILES", "200"))
BURST_FILES = int(os.environ.get("BENCH_BURST_FILES", "10000"))
IDLE_SECS = int(os.environ.get("BENCH_IDLE_SECS", "60"))
SETTLE = os.environ.get("BENCH_SETTLE", "500ms")
SETTLE_S = int(SETTLE[:-2]) / 1000 if SETTLE.endswith("ms") else float(SETTLE.rstrip("s"))
TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def memory(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1]) / 1024
    return out


class World:
    def __init__(self, root, port):
        self.root = root
        self.env = dict(os.environ, HOME=f"{root}/home", CHUTE_DATA_DIR=f"{root}/data",
                        AWS_CONFIG_FILE=f"{root}/home/.aws/config",
                        AWS_SHARED_CREDENTIALS_FILE=f"{root}/home/.aws/credentials",
                        AWS_EC2_METADATA_DISABLED="true")
        os.makedirs(f"{root}/home/.aws")
        with open(self.env["AWS_CONFIG_FILE"], "w") as f:
            f.write("[profile bench]\nregion = us-east-1\n")
        with open(self.env["AWS_SHARED_CREDENTIALS_FILE"], "w") as f:
            f.write("[bench]\naws_access_key_id = bench-access-key\naws_secret_access_key = bench-secret-key-0123456789\n")
        self.chute("destination", "add", "--name", "bench", "--provider", "minio", "--bucket", "bench",
                   "--endpoint", f"http://127.0.0.1:{port}", "--prefix", "w/", "--key-template",
                   "{prefix}{relpath}", "--profile", "bench")

    def chute(self, *args):
        subprocess.run([CHUTE, *args], env=self.env, check=True, stdout=subprocess.DEVNULL)

    def watch(self, name, *extra):
        folder = f"{self.root}/{name}"
        os.makedirs(folder)
        self.chute("watch", "add", name, folder, "--to", "bench", "--settle", SETTLE, *extra)
        return folder


class Agent:
    """`chute --json watch run`, its lines timestamped as they arrive."""

    def __init__(self, world, watches):
        self.proc = subprocess.Popen([CHUTE, "--json", "watch", "run"], env=world.env, stdout=subprocess.PIPE, text=True)
        self.lines = []
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()
        self.wait(lambda ls: sum(l["event"] == "watching" for l in ls) >= watches, 60)

    def _read(self):
        for line in self.proc.stdout:
            with self.lock:
                self.lines.append((time.monotonic(), json.loads(line)))

    def events(self):
        with self.lock:
            return list(self.lines)

    def wait(self, done, timeout):
        end = time.monotonic() + timeout
        while not done([e for _, e in self.events()]):
            if time.monotonic() > end:
                sys.exit("timed out")
            time.sleep(0.02)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(60)


def delivered(agent):
    return {e["path"]: t for t, e in agent.events() if e["event"] == "delivered"}


def latency(root, port):
    world = World(f"{root}/latency", port)
    folder = world.watch("lat")
    agent = Agent(world, 1)
    written = {}
    for i in range(LATENCY_FILES):
        name = f"f{i:04d}.json"
        with open(f"{folder}/{name}", "wb") as f:
            f.write(os.urandom(1024))
        written[name] = time.monotonic()
        time.sleep(0.02)
    agent.wait(lambda ls: sum(l["event"] == "delivered" for l in ls) >= LATENCY_FILES, 300)
    agent.stop()
    landed = delivered(agent)
    waits = sorted((landed[n] - (t + SETTLE_S)) * 1000 for n, t in written.items())
    return statistics.median(waits), waits[int(len(waits) * 0.95) - 1]


def burst(root, port):
    world = World(f"{root}/burst", port)
    folder = world.watch("burst", "--no-subfolders")
    agent = Agent(world, 1)
    cpu0 = cpu_seconds(agent.proc.pid)
    start = time.monotonic()
    for i in range(BURST_FILES):
        with open(f"{folder}/b{i:05d}.bin", "wb") as f:
            f.write(os.urandom(1024))
    agent.wait(lambda ls: sum(l["event"] == "delivered" for l in ls) >= BURST_FILES, 1800)
    elapsed = time.monotonic() - start
    cpu = cpu_seconds(agent.proc.pid) - cpu0
    peak = memory(agent.proc.pid)["VmHWM"]
    agent.stop()
    on_server = sum(n.startswith("b") for n in os.listdir(f"{root}/server/bench/w"))
    return elapsed, cpu, peak, on_server


def idle(root, port):
    world = World(f"{root}/idle", port)
    for i in range(10):
        world.watch(f"idle{i}")
    agent = Agent(world, 10)
    time.sleep(2)
    cpu0, t0 = cpu_seconds(agent.proc.pid), time.monotonic()
    time.sleep(IDLE_SECS)
    cpu = cpu_seconds(agent.proc.pid) - cpu0
    wall = time.monotonic() - t0
    mem = memory(agent.proc.pid)
    agent.stop()
    return 100 * cpu / wall, mem["VmRSS"], mem["VmHWM"]


def main():
    with tempfile.TemporaryDirectory(prefix="chute-bench-watch.") as root:
        port = free_port()
        os.makedirs(f"{root}/server/bench")
        server = subprocess.Popen([S3S_FS, "--host", "127.0.0.1", "--port", str(port), "--access-key", "bench-access-key",
                                   "--secret-key", "bench-secret-key-0123456789", "--domain", f"localhost:{port}",
                                   f"{root}/server"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), 0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            print(f"==> latency: {LATENCY_FILES} files, 20 ms apart, settle {SETTLE}")
            med, p95 = latency(root, port)
            print(f"==> burst: {BURST_FILES} files of 1 KiB")
            elapsed, cpu, peak, on_server = burst(root, port)
            print(f"==> idle: 10 watches, {IDLE_SECS} s")
            idle_cpu, rss, hwm = idle(root, port)
        finally:
            server.terminate()
            server.wait()
    print()
    print("| figure | value |")
    print("|---|---|")
    print(f"| settled → landed, median ({LATENCY_FILES} files) | {med:.0f} ms |")
    print(f"| settled → landed, p95 | {p95:.0f} ms |")
    print(f"| {BURST_FILES:,}-file burst, end to end | {elapsed:.1f} s ({BURST_FILES / elapsed:,.0f} files/s; {on_server:,} objects on the server) |")
    print(f"| burst: agent CPU, peak RSS | {cpu:.1f} s, {peak:.0f} MiB |")
    print(f"| idle, 10 watches, {IDLE_SECS} s: agent CPU, RSS (peak) | {idle_cpu:.2f} %, {rss:.0f} MiB ({hwm:.0f} MiB) |")


main()
