#!/usr/bin/env python3
"""The nintei benchmark (issue 8). Run through `bench/run`; stdlib only, plus `wrk` for the load.

For every scale N: generate the data (`nintei demo --scale N`, kept in bench/data/ and reused), start
`nintei serve`, measure start-up (process start → `GET /livez` 200) and idle RSS, then load from wrk (a second
process, loopback) against `GET /livez`, public search (API and the /directory page), certificate verification
(API and page), a staff case page (signed in through the login form) and an API lifecycle of accreditation cases
(this script's own client), and print p50/p99 and throughput, each also as a ratio to /livez of the same run.
Results go to bench/results/<timestamp>-<N>.json and a Markdown table on standard output.
"""
import argparse, base64, hashlib, hmac, http.client, json, os, platform, re, shutil, socket, struct, subprocess
import statistics, sys, tempfile, threading, time, urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROFILE = os.environ.get("NINTEI_PROFILE", "release")  # debug only to try the script out
BIN = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), PROFILE, "nintei")
DATA = os.path.join(ROOT, "bench", "data")
RESULTS = os.path.join(ROOT, "bench", "results")
PASSWORD = "Kaede-Sakura-4172"  # the demo accounts (crates/web/src/demo.rs)
ADMIN_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# Search terms a visitor would type: cities, a prefecture, a word of organization names, a family name, a
# method, a 2-character word that is in about half the listings.
QUERIES = ["北九州", "東京都", "さくら", "横浜", "メンタル", "佐藤", "オンライン", "精神", "札幌", "カウンセリング"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive HTTP/1.1 connection with a cookie jar of one session."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies = {}
        self.latencies = []

    def call(self, method, path, body=None, token=None, form=None, record=False):
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["content-type"] = "application/json"
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["content-type"] = "application/x-www-form-urlencoded"
            headers["origin"] = f"http://127.0.0.1:{self.port}"
        if token:
            headers["authorization"] = f"Bearer {token}"
        if self.cookies:
            headers["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        t = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            r = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request(method, path, body=data, headers=headers)
            r = self.conn.getresponse()
        raw = r.read()
        if record:
            self.latencies.append(time.perf_counter() - t)
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name] = rest.split(";")[0]
        is_json = "json" in (r.getheader("content-type") or "")
        return r.status, (json.loads(raw) if is_json and raw else raw.decode("utf-8", "replace"))


def totp(secret, at=None):
    key = base64.b32decode(secret)
    step = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def token(c, email, code=None):
    body = {"email": email, "password": PASSWORD}
    if code:
        body["totp"] = code
    s, j = c.call("POST", "/api/v1/auth/token", body)
    if s != 200:
        raise SystemExit(f"token for {email}: {s} {j}")
    return j["token"]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def start_server(db, port):
    t0 = time.perf_counter()
    p = subprocess.Popen([BIN, "serve", "--listen", f"127.0.0.1:{port}", "--database", db],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/livez")
            if conn.getresponse().status == 200:
                return p, time.perf_counter() - t0
        except OSError:
            pass
        if time.perf_counter() - t0 > 60:
            p.kill()
            raise SystemExit("nintei serve did not start within 60 s")
        time.sleep(0.001)


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def wrk(port, name, paths, seconds, connections, cookie=None):
    """Runs wrk over `paths` (round robin) and returns p50/p99 in ms, requests/s and non-2xx count."""
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    quoted = ", ".join(json.dumps(p, ensure_ascii=True) for p in paths)
    script.write("local paths = {" + quoted + "}\nlocal i = 0\n"
                 "request = function()\n  i = i + 1\n  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n")
    script.close()
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cmd.append(f"http://127.0.0.1:{port}")
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    os.unlink(script.name)

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(m.group(1)) * UNITS[m.group(2)] if m else None

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"name": name, "p50_ms": pct(50), "p99_ms": pct(99), "rps": float(rps.group(1)) if rps else None,
            "non_2xx": int(bad.group(1)) if bad else 0, "socket_errors": errors.group(1) if errors else "",
            "paths": len(paths), "connections": connections}


def sign_in(port, email):
    c = Client(port)
    s, html = c.call("GET", "/login")
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    if not m:
        raise SystemExit("no csrf on /login")
    s, _ = c.call("POST", "/login", form={"csrf": m.group(1), "email": email, "password": PASSWORD})
    if s not in (200, 303) or not c.cookies:
        raise SystemExit(f"sign-in failed: {s}")
    return c


def lifecycle(port, tokens, org_token, org_id, day, codes):
    """One accreditation case through the API, application → accreditation (ACC-3 … ACC-11)."""
    c = Client(port)
    base = "/api/v1/accreditation/cases"
    app = {"organization_id": org_id, "annual_revenue_yen": 87_000_000, "applied_on": day(0),
           "services": [{"code": "a", "started_on": "2024-03-01"}, {"code": "b", "started_on": "2024-03-01"}],
           "other_services": []}

    def ok(status, body, want, step):
        if status != want:
            raise RuntimeError(f"{step}: {status} {str(body)[:300]}")
        return body

    case = ok(*c.call("POST", base, app, org_token, record=True), 201, "apply")
    cid = case["id"]
    ok(*c.call("POST", f"{base}/{cid}/eligibility", {"eligible": True, "decided_on": day(1)}, tokens["office"],
               record=True), 200, "eligibility")
    ok(*c.call("POST", f"{base}/{cid}/plan", {"coordinator_id": tokens["coordinator_id"],
               "self_study_due_on": day(30), "site_visit_on": day(40)}, tokens["office"], record=True), 200, "plan")
    ok(*c.call("POST", f"{base}/{cid}/self-study/confirmation", {"confirmed_on": day(19)}, org_token,
               record=True), 200, "confirmation")
    ok(*c.call("POST", f"{base}/{cid}/self-study/submission", {"submitted_on": day(20)}, org_token, record=True),
       200, "self-study")
    ok(*c.call("POST", f"{base}/{cid}/surveyors", {"user_id": tokens["surveyor_id"], "lead": True},
               tokens["office"], record=True), 201, "surveyor")
    for code in codes:
        ok(*c.call("POST", f"{base}/{cid}/ratings", {"standard": code, "rating": 1, "comment": "確認しました"},
                   tokens["surveyor"], record=True), 201, f"rating {code}")
    ok(*c.call("POST", f"{base}/{cid}/report", {"issued_on": day(45)}, tokens["surveyor"], record=True), 200,
       "report")
    ok(*c.call("POST", f"{base}/{cid}/votes", {"outcome": "accredit"}, tokens["committee"], record=True), 201, "vote")
    ok(*c.call("POST", f"{base}/{cid}/decision", {"outcome": "accredit", "decided_on": day(60)}, tokens["office"],
               record=True), 200, "decision")
    ok(*c.call("GET", f"{base}/{cid}", None, tokens["office"], record=True), 200, "show")
    return c.latencies


def percentile(values, p):
    s = sorted(values)
    if not s:
        return None
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def pg(url, sql, db="postgres"):
    """One statement through psql (the machine's client); its first value."""
    out = subprocess.run(["psql", f"{url}/{db}", "-tAc", sql], check=True, capture_output=True, text=True).stdout
    return out.strip()


def prepare(n, database):
    """The database URL of scale `n` (generated once and reused), the seconds generation took (None when reused)
    and a function giving its size in MB."""
    gen_cmd = lambda db: subprocess.run([BIN, "demo", "--scale", str(n), "--database", db], check=True,
                                        stdout=subprocess.DEVNULL)
    if database.startswith("postgres"):
        base = database.rstrip("/")
        name = f"nintei_bench_{n}"
        db = f"{base}/{name}"
        gen = None
        if pg(base, f"SELECT 1 FROM pg_database WHERE datname = '{name}'") != "1":
            pg(base, f"CREATE DATABASE {name}")
            t = time.perf_counter()
            gen_cmd(db)
            gen = time.perf_counter() - t
        return db, gen, lambda: int(pg(base, f"SELECT pg_database_size('{name}')")) / 1e6
    os.makedirs(DATA, exist_ok=True)
    path = os.path.join(DATA, f"scale-{n}.db")
    db = f"sqlite://{path}"
    gen = None
    if not os.path.exists(path):
        t = time.perf_counter()
        gen_cmd(db)
        gen = time.perf_counter() - t
    size = lambda: sum(os.path.getsize(os.path.join(DATA, f)) for f in os.listdir(DATA)
                       if f.startswith(f"scale-{n}.db")) / 1e6
    return db, gen, size


def bench(n, seconds, connections, lifecycles, keep, database, pair, repeat=1):
    db, gen, size = prepare(n, database)
    size_mb = size()
    port = free_port()
    proc, startup = start_server(db, port)
    second = None
    try:
        time.sleep(1.0)
        idle_rss = rss_kib(proc.pid)
        c = Client(port)
        office = token(c, "office@nintei.example")
        s, j = c.call("GET", "/api/v1/accreditation/cases", None, office)
        case_ids = [x["id"] for x in j["items"]][:200]
        s, j = c.call("GET", "/api/v1/public/accreditations?limit=200")
        numbers = [x["number"] for x in j["items"]]
        s, j = c.call("GET", "/api/v1/public/registrations?limit=200")
        reg_numbers = [x["number"] for x in j["items"]]
        q = urllib.parse.quote
        staff = sign_in(port, "office@nintei.example")
        cookie = "; ".join(f"{k}={v}" for k, v in staff.cookies.items())
        rows = [
            ("search API (registrations)", [f"/api/v1/public/registrations?q={q(t)}" for t in QUERIES], None),
            ("search API (accreditations)", [f"/api/v1/public/accreditations?q={q(t)}" for t in QUERIES], None),
            ("directory page", [f"/directory?q={q(t)}" for t in QUERIES], None),
            ("verification API (accreditations)",
             [f"/api/v1/public/accreditations/{x}" for x in numbers] or ["/livez"], None),
            ("verification API (registrations)",
             [f"/api/v1/public/registrations/{x}" for x in reg_numbers] or ["/livez"], None),
            ("verify page", [f"/verify/{x}" for x in numbers + reg_numbers[:50]] or ["/livez"], None),
            ("staff case page", [f"/accreditation/cases/{x}" for x in case_ids], cookie),
        ]
        # Each path's first answer, one at a time before any load: what a visitor pays after a change empties the
        # directory's cache (a count over every match, a page rendered). wrk then measures the answers after it.
        cold = {}
        for name, paths, ck in rows:
            if ck:
                continue
            times = []
            for path in paths[:10]:
                t = time.perf_counter()
                c.call("GET", path)
                times.append((time.perf_counter() - t) * 1000)
            cold[name] = (percentile(times, 50), max(times))
        runs = []
        for conns in connections:
            # Each repetition pairs its rows with a /livez of its own: a ratio compares neighbours in time.
            for rep in range(repeat):
                base = wrk(port, "livez", ["/livez"], seconds, conns)
                base["livez"] = base
                base["rep"] = rep
                runs.append(base)
                for name, paths, ck in rows:
                    r = wrk(port, name, paths, seconds, conns, cookie=ck)
                    r["livez"] = base
                    r["rep"] = rep
                    if conns == connections[0] and rep == 0 and name in cold:
                        r["cold_ms"] = cold[name]
                    runs.append(r)
        if pair:
            # A second instance on the same database: the pair's search throughput against one instance's.
            port2 = free_port()
            second, _ = start_server(db, port2)
            time.sleep(1.0)
            paths = rows[0][1]
            conns = max(connections)
            one = wrk(port, "search API (registrations), one instance", paths, seconds, conns)
            both = wrk_pair([port, port2], "search API (registrations), two instances", paths, seconds, conns)
            for r in (one, both):
                r["livez"] = runs[0]
                runs.append(r)
        # The API lifecycle: setup (organizations, their users and tokens) is not measured.
        admin = token(c, "admin@nintei.example", totp(ADMIN_TOTP))
        s, me = c.call("GET", "/api/v1/me", None, token(c, "coordinator@nintei.example"))
        coordinator_id = me["id"]
        surveyor = token(c, "surveyor@nintei.example")
        s, me = c.call("GET", "/api/v1/me", None, surveyor)
        tokens = {"office": office, "coordinator_id": coordinator_id, "surveyor": surveyor, "surveyor_id": me["id"],
                  "committee": token(c, "committee@nintei.example")}
        s, std = c.call("GET", "/api/v1/accreditation/standards", None, surveyor)
        codes = [x["code"] for x in std["items"] if x.get("service") in (None, "a", "b")]
        orgs = []
        stamp = int(time.time())
        for i in range(lifecycles):
            body = {"name": f"株式会社ベンチ{stamp}-{i}", "legal_form": "kabushiki_kaisha", "prefecture": "13",
                    "address": "東京都千代田区1-1", "representative": "代表 太郎",
                    "contact": {"name": "担当", "email": "c@example.jp", "phone": "03-5555-0000"}}
            s, o = c.call("POST", "/api/v1/organizations", body, office)
            email = f"bench{stamp}-{i}@bench.example"
            s, u = c.call("POST", "/api/v1/users", {"email": email, "name": "ベンチ 利用者", "role": "organization",
                                                     "organization_id": o["id"], "password": PASSWORD}, admin)
            if s != 201:
                raise SystemExit(f"user: {s} {u}")
            orgs.append((o["id"], token(c, email)))
        today = time.strftime("%Y-%m-%d")
        import datetime
        start_day = datetime.date.fromisoformat(today) - datetime.timedelta(days=90)

        def day(k):
            return (start_day + datetime.timedelta(days=k)).isoformat()

        latencies, failures = [], []
        lock = threading.Lock()
        pending = list(orgs)

        def worker():
            while True:
                with lock:
                    if not pending:
                        return
                    org_id, org_token = pending.pop()
                try:
                    lat = lifecycle(port, tokens, org_token, org_id, day, codes)
                    with lock:
                        latencies.extend(lat)
                except RuntimeError as e:
                    with lock:
                        failures.append(str(e))

        t = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        elapsed = time.perf_counter() - t
        runs.append({"livez": runs[0], "connections": 2, "name": f"API lifecycle ({lifecycles} cases, {len(codes)} ratings each, 2 clients)",
                     "p50_ms": percentile(latencies, 50) * 1000 if latencies else None,
                     "p99_ms": percentile(latencies, 99) * 1000 if latencies else None,
                     "rps": len(latencies) / elapsed if elapsed else None, "non_2xx": len(failures),
                     "socket_errors": "; ".join(failures[:3]), "paths": len(latencies),
                     "cases_per_s": (lifecycles - len(failures)) / elapsed if elapsed else None})
        time.sleep(2.0)
        idle_rss_after = rss_kib(proc.pid)
    finally:
        for p in (proc, second):
            if p:
                p.terminate()
                p.wait(timeout=30)
    for r in runs:
        livez = r.pop("livez")
        r["throughput_ratio"] = r["rps"] / livez["rps"] if r["rps"] and livez["rps"] else None
        r["p50_ratio"] = r["p50_ms"] / livez["p50_ms"] if r["p50_ms"] and livez["p50_ms"] else None
        r["p99_ratio"] = r["p99_ms"] / livez["p99_ms"] if r["p99_ms"] and livez["p99_ms"] else None
    backend = "postgres" if db.startswith("postgres") else "sqlite"
    result = {"scale": n, "backend": backend, "commit": commit(), "generation_s": gen, "database_mb": size_mb,
              "startup_ms": startup * 1000,
              "idle_rss_mb": idle_rss / 1024, "idle_rss_after_load_mb": idle_rss_after / 1024,
              "seconds": seconds, "connections": connections, "repeat": repeat, "runs": runs,
              "machine": machine(), "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, f"{time.strftime('%Y%m%d-%H%M%S')}-{backend}-{n}.json"), "w") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)
    if not keep and gen is not None and n >= 1_000_000 and backend == "sqlite":
        os.remove(db.removeprefix("sqlite://"))
    return result


def commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip() or "?"
    except OSError:
        return "?"


def wrk_pair(ports, name, paths, seconds, connections):
    """Two wrk processes at once, one per instance, half the connections each: summed throughput, worse
    percentile of the two."""
    out = [None, None]

    def one(i):
        out[i] = wrk(ports[i], name, paths, seconds, max(1, connections // 2))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    a, b = out
    worst = lambda k: max(x[k] for x in out) if all(x[k] is not None for x in out) else None
    return {"name": name, "p50_ms": worst("p50_ms"), "p99_ms": worst("p99_ms"),
            "rps": (a["rps"] or 0) + (b["rps"] or 0), "non_2xx": a["non_2xx"] + b["non_2xx"],
            "socket_errors": a["socket_errors"] + b["socket_errors"], "paths": len(paths),
            "connections": connections}


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "os": platform.platform(),
            "load_before": os.getloadavg()}


def fmt(v, d=2):
    return "–" if v is None else f"{v:.{d}f}"


def table(r):
    load = r["machine"]["load_before"]
    lines = [f"### {r['scale']:,} organizations on {r['backend']} ({r['at']}, commit {r['commit']})", "",
             f"{r['machine']['cores']} cores, load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
             f"generation {fmt(r['generation_s'], 1)} s (– = reused), database {r['database_mb']:.0f} MB, "
             f"start-up {r['startup_ms']:.0f} ms, idle RSS {r['idle_rss_mb']:.1f} MB "
             f"(after the load {r['idle_rss_after_load_mb']:.1f} MB); wrk -t1 -d{r['seconds']}s per row, ratios "
             f"to /livez at the same connections", "",
             "| what | conns | p50 ms | p99 ms | req/s | throughput ÷ livez | p99 ÷ livez | non-2xx | "
             "first answers, cold: median / max ms |",
             "|---|---|---|---|---|---|---|---|---|"]
    for x in r["runs"]:
        cold = x.get("cold_ms")
        cold = f"{cold[0]:.1f} / {cold[1]:.1f}" if cold else ""
        lines.append(f"| {x['name']} | {x.get('connections', '')} | {fmt(x['p50_ms'])} | {fmt(x['p99_ms'])} | "
                     f"{fmt(x['rps'], 0)} | {fmt(x['throughput_ratio'])} | {fmt(x['p99_ratio'], 1)} | "
                     f"{x['non_2xx']} | {cold} |")
    if r.get("repeat", 1) > 1:
        # The verdict a host's noise cannot flip with one unlucky run: the median over the repetitions.
        lines += ["", f"Median of {r['repeat']} repetitions (each row's ratio to the /livez run just before it):", "",
                  "| what | conns | throughput ÷ livez: median (min–max) | p99 ms: median (max) |", "|---|---|---|---|"]
        groups = {}
        for x in r["runs"]:
            groups.setdefault((x["name"], x.get("connections", "")), []).append(x)
        for (name, conns), xs in groups.items():
            if len(xs) < 2:
                continue
            ratios = [x["throughput_ratio"] for x in xs if x["throughput_ratio"] is not None]
            p99s = [x["p99_ms"] for x in xs if x["p99_ms"] is not None]
            lines.append(f"| {name} | {conns} | {fmt(statistics.median(ratios) if ratios else None)} "
                         f"({fmt(min(ratios) if ratios else None)}–{fmt(max(ratios) if ratios else None)}) | "
                         f"{fmt(statistics.median(p99s) if p99s else None)} ({fmt(max(p99s) if p99s else None)}) |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, action="append", help="organizations (repeatable; default 10000)")
    ap.add_argument("--seconds", type=int, default=10, help="wrk duration per endpoint")
    ap.add_argument("--connections", type=int, action="append",
                    help="wrk connections (repeatable; default 8 and 64)")
    ap.add_argument("--database", default="sqlite",
                    help="sqlite (default: bench/data/scale-N.db) or a PostgreSQL server URL such as "
                         "postgres://postgres@127.0.0.1:5432 (database nintei_bench_N, made once)")
    ap.add_argument("--pair", action="store_true",
                    help="also measure two instances on the same database (PostgreSQL)")
    ap.add_argument("--lifecycles", type=int, default=6)
    ap.add_argument("--keep", action="store_true", help="keep a generated 1M database")
    ap.add_argument("--repeat", type=int, default=1,
                    help="measure every row this many times, each after its own /livez, and add the medians")
    a = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing (bench/run installs it: apt-get install wrk)")
    for n in a.scale or [10_000]:
        r = bench(n, a.seconds, a.connections or [8, 64], a.lifecycles, a.keep, a.database, a.pair,
                  max(1, a.repeat))
        print(table(r), flush=True)
        print(flush=True)


if __name__ == "__main__":
    main()
