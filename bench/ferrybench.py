"""What the bench/ scripts share: building, starting a release ferryd, a blocking client and an
asyncio client for many connections, the sample fixtures turned into campaign bodies, wrk, git
fast-import, and the memory of a process. Python 3 standard library only."""
import asyncio, http.client, json, os, re, resource, secrets, signal, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# FERRY_BENCH_BUILD: another build directory (e.g. build/dev, to try a row without a release build).
BUILD = os.environ.get("FERRY_BENCH_BUILD") or os.path.join(ROOT, "build", "release")
FERRYD = os.path.join(BUILD, "service", "ferryd")
TENANT = "bench"

# Filtered lists, each a page of 50: over the sample-based campaigns of Sandbox below, "status"
# finds the activated ones, "tag" one campaign in 20, "channel" about 3 in 10, "name" 2 in 36.
LIST_FILTERS = [
    ("default", "limit=50"),
    ("status", "status=active&limit=50"),
    ("tag", "tag=t7&limit=50"),
    ("channel", "channel=sms&limit=50"),
    ("name", "q=relance&limit=50"),
    ("combined", "status=draft&tag=promo&channel=email&limit=50"),
]


def bench_binary(name):
    return os.path.join(BUILD, "bench", name)


def build(*targets):
    """Configures the release preset once, then builds only the targets a bench needs, niced (the
    machine is shared: nothing else is built)."""
    if not os.path.exists(os.path.join(BUILD, "CMakeCache.txt")):
        subprocess.run(["cmake", "--preset", "release"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["nice", "cmake", "--build", BUILD, "--target", "ferryd", *targets], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def log(message):
    print(message, file=sys.stderr, flush=True)


def source_version():
    """The commit the binaries were built from, and whether the work tree differed (read-only git)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "service", "approval", "packager", "CMakeLists.txt"], cwd=ROOT, capture_output=True,
                               text=True).stdout.strip()
        return commit + (" with local changes" if dirty else "")
    except OSError:
        return "unknown"


# ---- ferryd ----------------------------------------------------------------------------------

class Ferryd:
    """A release ferryd on a free port with its own data directory under work/. stderr (one JSON
    line per request) goes to a file, never to a pipe that nobody reads."""

    def __init__(self, work, *args):
        # A SIGTERM to the bench ends it through its finally blocks, which stop ferryd.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        self.data = os.path.join(work, "data")
        self.log_path = os.path.join(work, "ferryd.log")
        self.operator_token = "bench-operator-" + secrets.token_hex(16)
        env = dict(os.environ, FERRY_OPERATOR_TOKEN=self.operator_token)
        with open(self.log_path, "w") as log_file:
            self.proc = subprocess.Popen([FERRYD, "--data-dir", self.data, "--listen", "127.0.0.1:0", *args],
                                         stdout=subprocess.DEVNULL, stderr=log_file, env=env)
        self.port = None
        for _ in range(400):
            time.sleep(0.05)
            with open(self.log_path) as f:
                m = re.search(r'"msg":"listening".*"port":(\d+)', f.read(65536))
            if m:
                self.port = int(m.group(1))
                return
            if self.proc.poll() is not None:
                break
        self.stop()
        raise SystemExit("ferryd did not start; see " + self.log_path)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def cpu_s(self):
        """CPU seconds (user + system) ferryd has used so far: a measure the other tenants of a
        shared machine disturb less than wall time."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self):
        return proc_status_mb(self.proc.pid, "VmRSS")

    def hwm_mb(self):
        return proc_status_mb(self.proc.pid, "VmHWM")

    def reset_hwm(self):
        """Resets VmHWM (the peak RSS) to the current RSS (Linux >= 4.0), so that the next peak is
        the peak of what follows."""
        with open("/proc/%d/clear_refs" % self.proc.pid, "w") as f:
            f.write("5")


def proc_status_mb(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    raise ValueError(field)


class Client:
    """One blocking keep-alive connection (http.client): for setup steps and timed single calls."""

    def __init__(self, port, token=""):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.token = token
        self.last_use = time.monotonic()

    def call(self, method, path, body=None, headers=None):
        if time.monotonic() - self.last_use > 20:
            self.conn.close()  # ferryd closes idle connections (--idle-timeout); http.client reconnects
        h = {"Authorization": "Bearer " + self.token} if self.token else {}
        h.update(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=h)
        r = self.conn.getresponse()
        payload = r.read()
        self.last_use = time.monotonic()
        return r.status, (json.loads(payload) if payload else None)

    def expect(self, status, method, path, body=None, headers=None):
        got, answer = self.call(method, path, body, headers)
        if got != status:
            raise SystemExit("%s %s: expected %d, got %d: %s" % (method, path, status, got, answer))
        return answer


def create_tenant(ferryd):
    """Creates the tenant "bench" and answers its admin's token."""
    answer = Client(ferryd.port, ferryd.operator_token).expect(201, "POST", "/v1/tenants", {"id": TENANT, "name": "Bench"})
    return answer["admin_token"]


# ---- asyncio client --------------------------------------------------------------------------

class AsyncConn:
    """One keep-alive HTTP/1.1 connection driven by asyncio: cheap enough for hundreds of
    concurrent clients from one Python process. Bodies are read by Content-Length."""

    def __init__(self, port, token):
        self.port = port
        self.auth = ("Authorization: Bearer %s\r\n" % token).encode()
        self.reader = self.writer = None

    async def request(self, method, path, body=None, headers=None, timeout=60):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        data = b"" if body is None else json.dumps(body).encode()
        head = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n" % (method, path)
        extra = "".join("%s: %s\r\n" % kv for kv in (headers or {}).items())
        if body is not None:
            extra += "Content-Type: application/json\r\n"
        if body is not None or method in ("POST", "PUT", "PATCH"):
            extra += "Content-Length: %d\r\n" % len(data)
        self.writer.write(head.encode() + self.auth + extra.encode() + b"\r\n" + data)
        try:
            return await asyncio.wait_for(self._response(), timeout)
        except BaseException:
            self.close()
            raise

    async def _response(self):
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        payload = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, payload

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def run_pool(port, token, connections, count, job):
    """Runs job(conn, i) for i in 0..count-1 over `connections` concurrent connections; answers
    the elapsed seconds."""
    counter = iter(range(count))

    async def worker():
        conn = AsyncConn(port, token)
        for i in counter:
            await job(conn, i)
        conn.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return time.perf_counter() - start


# ---- the sample fixtures as campaign bodies --------------------------------------------------

def load_fixture(name):
    with open(os.path.join(ROOT, "fixtures", "sample", name + ".json")) as f:
        return json.load(f)


class Sandbox:
    """A sandbox of the bench tenant holding the sample segments and templates, and the campaign
    bodies made from the 36 sample campaigns: campaign i is sample i % 36 with a unique key and name,
    and one of 20 extra tags t0..t19. Webhook auth headers are left out (a package would carry them
    as bindings that every import would have to fill)."""

    def __init__(self, client, sandbox_id, kind="development"):
        self.id = sandbox_id
        self.path = "/v1/tenants/%s/sandboxes/%s" % (TENANT, sandbox_id)
        client.expect(201, "POST", "/v1/tenants/%s/sandboxes" % TENANT, {"id": sandbox_id, "type": kind})
        self.ids = {}
        for kind_name in ("segments", "templates"):
            for obj in load_fixture(kind_name):
                self.ids[obj["key"]] = client.expect(201, "POST", self.path + "/" + kind_name, obj)["id"]
        self.samples = load_fixture("campaigns")

    def campaign(self, i):
        sample = json.loads(json.dumps(self.samples[i % len(self.samples)]))
        status = sample.pop("fixture_status")
        sample["key"] = "%s-%d" % (sample["key"][:48], i)
        sample["name"] = "%s #%d" % (sample["name"], i)
        sample["tags"] = sample.get("tags", []) + ["t%d" % (i % 20)]
        audience = sample.get("audience", {})
        if "segment_key" in audience:
            audience["segment"] = self.ids[audience.pop("segment_key")]
        for content in sample.get("content", {}).values():
            if "template_key" in content:
                content["template"] = self.ids[content.pop("template_key")]
            content.pop("auth_header", None)
        return sample, status

    async def create(self, conn, i, activate=False):
        """Creates campaign i; with activate, a sample that is active in the fixtures is activated
        too (one in three of them). Answers the new campaign's id."""
        body, status = self.campaign(i)
        code, _, payload = await conn.request("POST", self.path + "/campaigns", body)
        if code != 201:
            raise SystemExit("create campaign %d: %d %s" % (i, code, payload[:300]))
        campaign_id = json.loads(payload)["id"]
        if activate and status == "active" and i % 3 == 0:
            await conn.request("POST", self.path + "/campaigns/%s/actions/activate" % campaign_id)
        return campaign_id

    def seed(self, port, token, count, connections, activate=False, ids=None):
        """Creates campaigns 0..count-1 over `connections` clients, noting ids[i] when given a dict;
        answers the elapsed seconds."""
        async def job(conn, i):
            campaign_id = await self.create(conn, i, activate)
            if ids is not None:
                ids[i] = campaign_id
        return asyncio.run(run_pool(port, token, connections, count, job))


# ---- wrk -------------------------------------------------------------------------------------

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def wrk(url, connections, seconds, token=None, script=None, timeout=10):
    """Runs wrk (one thread: the other core is the server's) and answers req/s, latency
    percentiles in ms, socket errors and non-2xx/3xx responses."""
    cmd = ["wrk", "-t1", "-c%d" % connections, "-d%ds" % seconds, "--latency", "--timeout", "%ds" % timeout]
    if token:
        cmd += ["-H", "Authorization: Bearer " + token]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], check=True, capture_output=True, text=True).stdout
    result = {"req_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
              "requests": int(re.search(r"(\d+) requests in", out).group(1)),
              "errors": 0, "non_2xx": 0}
    for p, value, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M):
        result["p" + p] = float(value) * UNITS[unit]
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        result["errors"] = sum(int(x) for x in m.groups())
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        result["non_2xx"] = int(m.group(1))
    return result


# ---- git fast-import -------------------------------------------------------------------------

def children_cpu_s():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def fast_import(files, repo, cpu=None):
    """Seconds for git fast-import to write `files` (path -> text) as one commit into a fresh bare
    repository, fsyncing like ferry does (core.fsync=all). Appends its CPU seconds to `cpu` if given."""
    subprocess.run(["git", "init", "-q", "--bare", repo], check=True)
    stream = ["commit refs/heads/bench", "committer bench <bench@ferry> 1700000000 +0000", "data 6", "bench", ""]
    parts = ["\n".join(stream).encode()]
    for path, data in sorted(files.items()):
        blob = data.encode()
        parts.append(b"M 100644 inline " + path.encode() + b"\ndata " + str(len(blob)).encode() + b"\n" + blob + b"\n")
    payload = b"".join(parts)
    cpu_start, start = children_cpu_s(), time.perf_counter()
    subprocess.run(["git", "-c", "core.fsync=all", "-c", "core.fsyncMethod=fsync", "--git-dir=" + repo,
                    "fast-import", "--quiet"], input=payload, check=True)
    seconds = time.perf_counter() - start
    if cpu is not None:
        cpu.append(children_cpu_s() - cpu_start)
    return seconds


def export_files(client, package, version):
    """The files of a package version (manifest and signature included), as bench/publish reads them."""
    export = client.expect(200, "GET", "/v1/tenants/%s/packages/%s/versions/%d/export" % (TENANT, package, version))
    files = dict(export["files"])
    files["manifest.json"] = export["manifest"]
    files["manifest.sig"] = export["signature"]
    return files


def loose_objects(files, work, name):
    """Seconds for libgit2 to write `files` as loose objects with one fsync each (bench_loose_objects)."""
    tree = os.path.join(work, name + "-files")
    for path, content in files.items():
        os.makedirs(os.path.dirname(os.path.join(tree, path)), exist_ok=True)
        with open(os.path.join(tree, path), "w") as f:
            f.write(content)
    out = subprocess.run([bench_binary("bench_loose_objects"), os.path.join(work, name + ".git"), tree],
                         check=True, capture_output=True, text=True).stdout.split()
    return float(out[0])
