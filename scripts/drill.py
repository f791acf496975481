"""The fault drill: load through nginx while the cluster of scripts/cluster.sh is broken on purpose.

    bash scripts/cluster.sh up
    .venv/bin/python scripts/drill.py [--phase-seconds 20]
    .venv/bin/python scripts/drill.py --scaling [--seconds 10] [--passes 3]

wrk reads the public pages (search results, a provider, a plan, the API), a signed-in member's
card and an agent's short link, while a writer posts "Informar erro" reports (each from its own
loopback address, so the per-address limit does not refuse them) and an agent's look-ups (a row
of the audit log each). Phases, each with requests, failures by kind and p50/p99:

    baseline          nothing broken
    instância morta   app instance 1 killed (SIGKILL) and started again
    réplica parada    the replica stopped and started again
    primário          the primary restarted (pg_ctl restart -m fast)
    recuperado        after it, with the same app processes (nobody restarted them)

Then every write the app acknowledged (a 303 for a report or a look-up, a 302 of the short link,
which counts a visit) is looked for in the primary. Exit status 1, saying why, when a budget is
broken: a failed GET while an instance dies (nginx retries on the other), any failure while the
replica is down, anything but 503 with Retry-After while the primary restarts or after it was
back (2 s of grace for requests already under way), any failure once recovered, one
acknowledged write lost.

``--scaling``: requests/s of the results page through nginx with one instance and with two (both
restarted with one worker each, so an instance is one core's worth), beside the bare Flask
yardstick (scripts/bare_flask.py) with one and two workers, in the same run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLUSTER = ROOT / "scripts" / "cluster.sh"
PLAN = "leve-dental-rj-1-adesao"
CITY = "3303302"  # Niterói
RESULTS = f"/rede?plano={PLAN}&municipio={CITY}&especialidade=clinico-geral"
MEMBER_PASSWORD = "demo-odonto"
AGENT = ("atendente", "demo-atendimento")
# Seconds after the primary is back during which a 503 still counts as "during the restart": a
# request that started before (wrk stamps failures to the whole second).
GRACE = 2


def cluster_settings(directory: Path) -> dict[str, str]:
    path = directory / "cluster.env"
    if not path.exists():
        raise SystemExit(f"Nenhum cluster em {directory}: rode antes `bash scripts/cluster.sh up`.")
    settings = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            settings[key] = value
    return settings


def cluster(*args: str) -> None:
    subprocess.run(["bash", str(CLUSTER), *args], check=True, stdout=subprocess.DEVNULL)


# --- a small HTTP client: cookies by hand (the app's are Secure, and this is plain HTTP on
# loopback), and a source address of its own when asked -------------------------------------


class Client:
    def __init__(self, port: int, source: str | None = None):
        self.port, self.source = port, source
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                          source_address=(self.source, 0) if self.source else None)
        headers = {"User-Agent": "guia-drill"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            conn.close()

    def csrf(self, path: str) -> str:
        status, _, html = self.request("GET", path)
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        if status != 200 or not found:
            raise SystemExit(f"Sem formulário em {path} (HTTP {status}).")
        return found.group(1)


def expect(status: int, wanted: int, what: str) -> None:
    if status != wanted:
        raise SystemExit(f"Preparação: {what} respondeu {status}, esperado {wanted}.")


# --- preparation: sessions, a short link, the URLs ----------------------------------------------


@dataclass
class World:
    port: int
    member_cookie: str
    agent: Client
    reporter: Client
    report_token: str
    lookup_token: str
    card_number: str
    provider_id: int
    short_code: str
    urls: list[tuple[str, int, bool]] = field(default_factory=list)  # path, status, with the member's cookie


def prepare(settings: dict[str, str]) -> World:
    import psycopg

    port = int(settings["NGINX_PORT"])
    with psycopg.connect(settings["PRIMARY_URL"]) as db:
        card = db.execute(
            "SELECT m.card_number FROM member m JOIN product p ON p.id = m.product_id "
            "WHERE p.slug = %s AND m.kinship = 'titular' AND m.password_hash IS NOT NULL", (PLAN,)).fetchone()
    if card is None:
        raise SystemExit("Sem beneficiário de demonstração no primário (o cluster carregou os dados?).")
    card_number = card[0]

    member = Client(port)
    status, _, _ = member.request("POST", "/entrar", {"login": card_number, "senha": MEMBER_PASSWORD,
                                                      "csrf_token": member.csrf("/entrar")})
    expect(status, 303, "a entrada do beneficiário")
    expect(member.request("GET", "/carteirinha")[0], 200, "a carteirinha")

    agent = Client(port)
    status, _, _ = agent.request("POST", "/atendimento/entrar", {
        "usuario": AGENT[0], "senha": AGENT[1], "csrf_token": agent.csrf("/atendimento/entrar")})
    expect(status, 303, "a entrada do atendente")
    lookup_token = agent.csrf("/atendimento")
    status, headers, _ = agent.request("POST", "/atendimento", {
        "identificador": card_number, "motivo": "ligacao", "protocolo": "", "csrf_token": lookup_token})
    expect(status, 303, "a consulta do atendente")
    lookup = headers["location"].rstrip("/").rsplit("/", 1)[-1]
    share = f"/atendimento/consultas/{lookup}/enviar-link"
    status, headers, _ = agent.request("POST", share, {
        "tipo": "busca", "plano": PLAN, "cidade": "Niterói/RJ", "especialidade": "clinico-geral",
        "csrf_token": agent.csrf(share + "?tipo=busca")})
    expect(status, 303, "o link curto")
    short_code = headers["location"].rstrip("/").rsplit("/", 1)[-1]

    status, _, html = Client(port).request("GET", RESULTS)
    expect(status, 200, "a busca")
    provider_path = re.search(r'href="(/rede/dentista/(\d+)-[^"?]+)', html)
    provider_id = int(provider_path.group(2))
    reporter = Client(port)
    report_token = reporter.csrf(provider_path.group(1))

    urls = [
        (RESULTS, 200, False),
        (provider_path.group(1), 200, False),
        (f"/planos/{PLAN}", 200, False),
        (f"/api/v1/rede?plano={PLAN}&municipio={CITY}", 200, False),
        (f"/api/v1/rede/dentista/{provider_id}", 200, False),
        ("/carteirinha", 200, True),
        (f"/s/{short_code}", 302, False),
        (RESULTS + "&pagina=2", 200, False),
    ]
    cookie = "; ".join(f"{k}={v}" for k, v in member.cookies.items())
    return World(port, cookie, agent, reporter, report_token, lookup_token, card_number, provider_id,
                 short_code, urls)


# --- the load: wrk for the reads -------------------------------------------------------------------

LUA = r"""
local urls = { %(urls)s }
local cookie = %(cookie)s
local counter = 0
local current = nil
-- per thread (each thread has one connection, so a response answers the last request)
ok, redirects, failed503ra, failed5xx, other, visits = 0, 0, 0, 0, 0, 0
failures = {}  -- "second:kind" -> count

function request()
  counter = counter + 1
  current = urls[(counter %% #urls) + 1]
  local headers = { ["Accept-Encoding"] = "br, gzip" }
  if current[3] then headers["Cookie"] = cookie end
  return wrk.format("GET", current[1], headers)
end

function response(status, headers, body)
  if status == current[2] then
    ok = ok + 1
    if status == 302 then visits = visits + 1 end
    return
  end
  local kind
  if status == 503 and (headers["Retry-After"] or headers["retry-after"]) then
    kind = "503ra"; failed503ra = failed503ra + 1
  elseif status >= 500 then
    kind = "5xx"; failed5xx = failed5xx + 1
  else
    kind = "other"; other = other + 1
  end
  local key = os.time() .. ":" .. kind .. ":" .. status
  failures[key] = (failures[key] or 0) + 1
end

local threads = {}
function setup(thread) table.insert(threads, thread) end

function done(summary, latency, requests)
  local total = { ok = 0, failed503ra = 0, failed5xx = 0, other = 0, visits = 0 }
  local fails = {}
  for _, t in ipairs(threads) do
    for name, _ in pairs(total) do total[name] = total[name] + t:get(name) end
    for key, n in pairs(t:get("failures")) do fails[#fails + 1] = string.format("%%q:%%d", key, n) end
  end
  local e = summary.errors
  io.write(string.format(
    'DRILL {"requests":%%d,"ok":%%d,"failed503ra":%%d,"failed5xx":%%d,"other":%%d,"visits":%%d,' ..
    '"connect":%%d,"read":%%d,"write":%%d,"timeout":%%d,"p50":%%.2f,"p99":%%.2f,"failures":{%%s}}\n',
    summary.requests, total.ok, total.failed503ra, total.failed5xx, total.other, total.visits,
    e.connect, e.read, e.write, e.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    table.concat(fails, ",")))
end
"""


def lua_script(world: World, directory: Path) -> Path:
    entries = ", ".join('{ "%s", %d, %s }' % (path, status, "true" if cookie else "false")
                        for path, status, cookie in world.urls)
    path = directory / "drill.lua"
    path.write_text(LUA % {"urls": entries, "cookie": json.dumps(world.member_cookie)})
    return path


def run_wrk(script: Path, port: int, seconds: int, connections: int = 4) -> dict:
    out = subprocess.run(
        ["wrk", f"-t{connections}", f"-c{connections}", f"-d{seconds}s", "--timeout", "15s", "-s", str(script),
         f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("DRILL "))
    return json.loads(line.removeprefix("DRILL "))


# --- the writes: Python, one acknowledgement at a time --------------------------------------------


@dataclass
class Write:
    at: float
    kind: str  # relato | consulta
    status: int  # 0: no answer (connection error)
    retry_after: bool
    key: str | None  # what the primary must hold when acknowledged
    ms: float


class Writer(threading.Thread):
    """Posts an error report and an agent's look-up, in turn, every *interval* seconds."""

    def __init__(self, world: World, run_id: str, interval: float = 0.2):
        super().__init__(daemon=True)
        self.world, self.run_id, self.interval = world, run_id, interval
        self.stop = threading.Event()
        self.writes: list[Write] = []
        self.count = 0

    def run(self) -> None:
        while not self.stop.is_set():
            self.count += 1
            self.writes.append(self.report() if self.count % 2 else self.lookup())
            self.stop.wait(self.interval)

    def _post(self, client: Client, kind: str, path: str, form: dict, key_of) -> Write:
        started = time.time()
        try:
            status, headers, _ = client.request("POST", path, form)
        except OSError:
            return Write(started, kind, 0, False, None, (time.time() - started) * 1000)
        key = key_of(headers) if status == 303 else None
        return Write(started, kind, status, "retry-after" in headers, key, (time.time() - started) * 1000)

    def report(self) -> Write:
        # Each report from its own loopback address: nginx passes it on (X-Forwarded-For) and the
        # app counts 5 reports an hour per address.
        source = f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        client = Client(self.world.port, source)
        client.cookies = self.world.reporter.cookies
        detail = f"drill {self.run_id} {self.count}"
        return self._post(client, "relato", f"/rede/dentista/{self.world.provider_id}/erro",
                          {"motivo": "outro", "detalhe": detail, "csrf_token": self.world.report_token},
                          lambda headers: detail)

    def lookup(self) -> Write:
        return self._post(self.world.agent, "consulta", "/atendimento",
                          {"identificador": self.world.card_number, "motivo": "retorno", "protocolo": "",
                           "csrf_token": self.world.lookup_token},
                          lambda headers: headers["location"].rstrip("/").rsplit("/", 1)[-1])


# --- phases ------------------------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    reads: dict
    writes: list[Write]
    events: list[tuple[float, str]]
    window: tuple[float, float] | None = None  # when the fault was on (primary: restart start..end)


def run_phase(name: str, seconds: int, world: World, script: Path, run_id: str, fault=None) -> Phase:
    events: list[tuple[float, str]] = []
    window: list[float] = []
    writer = Writer(world, run_id)
    writer.start()
    fault_thread = None
    if fault is not None:
        fault_thread = threading.Thread(target=fault, args=(events, window), daemon=True)
        fault_thread.start()
    reads = run_wrk(script, world.port, seconds)
    if fault_thread is not None:
        fault_thread.join()
    writer.stop.set()
    writer.join()
    return Phase(name, reads, writer.writes, events, tuple(window) if window else None)


def step(events, what: str, *command: str) -> None:
    events.append((time.time(), what))
    cluster(*command)
    events.append((time.time(), what + " — feito"))


def kill_and_restart_app(delay: float, down: float):
    def fault(events, window):
        time.sleep(delay)
        window.append(time.time())
        step(events, "instância 1 morta (SIGKILL)", "kill-app", "1")
        time.sleep(down)
        step(events, "instância 1 iniciada", "start-app", "1")
        window.append(time.time())
    return fault


def stop_and_start_replica(delay: float, down: float):
    def fault(events, window):
        time.sleep(delay)
        window.append(time.time())
        step(events, "réplica parada", "stop-replica")
        time.sleep(down)
        step(events, "réplica iniciada", "start-replica")
        window.append(time.time())
    return fault


def restart_primary(delay: float):
    def fault(events, window):
        time.sleep(delay)
        window.append(time.time())
        step(events, "primário reiniciando (pg_ctl restart -m fast)", "restart-primary")
        window.append(time.time())
    return fault


# --- verdicts ----------------------------------------------------------------------------------------


def write_kind(w: Write) -> str:
    if w.status == 0:
        return "conexão"
    if w.status == 303:
        return "ok"
    if w.status == 503 and w.retry_after:
        return "503+Retry-After"
    if w.status >= 500:
        return "5xx"
    return "outro"


def read_failures(reads: dict) -> dict[str, int]:
    return {"conexão": reads["connect"] + reads["read"] + reads["write"] + reads["timeout"],
            "5xx": reads["failed5xx"], "503+Retry-After": reads["failed503ra"], "outro": reads["other"]}


def failure_seconds(phase: Phase) -> list[float]:
    seconds = [float(key.split(":")[0]) for key in phase.reads["failures"]]
    seconds += [w.at for w in phase.writes if write_kind(w) != "ok"]
    return seconds


def judge(phases: list[Phase], lost: list[str], pids_before: list[str], pids_after: list[str]) -> list[str]:
    broken = []
    for phase in phases:
        reads = read_failures(phase.reads)
        writes: dict[str, int] = {}
        for w in phase.writes:
            writes[write_kind(w)] = writes.get(write_kind(w), 0) + 1
        writes.pop("ok", None)
        if phase.name in ("baseline", "réplica parada", "recuperado"):
            if any(reads.values()) or writes:
                broken.append(f"{phase.name}: falhas onde não pode haver nenhuma (leituras {reads}, escritas {writes})")
        elif phase.name == "instância morta":
            if any(reads.values()):
                broken.append(f"{phase.name}: GETs falharam enquanto uma instância morria ({reads})")
        elif phase.name == "primário":
            others = {k: v for k, v in reads.items() if k != "503+Retry-After" and v}
            others.update({k: v for k, v in writes.items() if k != "503+Retry-After"})
            if others:
                broken.append(f"{phase.name}: falhas que não são 503 com Retry-After ({others})")
            start, end = phase.window
            late = [s for s in failure_seconds(phase) if s > end + GRACE or s < start - 1]
            if late:
                broken.append(f"{phase.name}: {len(late)} falha(s) fora do reinício do primário "
                              f"(até {max(late) - end:.1f} s depois de ele voltar)")
    if pids_before != pids_after:
        broken.append(f"as instâncias foram reiniciadas durante o reinício do primário ({pids_before} → {pids_after})")
    if lost:
        broken.append(f"{len(lost)} escrita(s) confirmada(s) não estão no primário: {', '.join(lost[:10])}")
    return broken


def app_pids(settings: dict[str, str]) -> list[str]:
    run = Path(settings.get("CLUSTER_DIR", "")) / "run"
    return [(run / f"app-{n}.pid").read_text().strip() if (run / f"app-{n}.pid").exists() else "-"
            for n in range(1, int(settings["APPS"]) + 1)]


def check_writes(settings: dict[str, str], world: World, phases: list[Phase], run_id: str,
                 visits_before: int) -> tuple[list[str], dict[str, str]]:
    import psycopg

    acked = [w for p in phases for w in p.writes if w.key is not None]
    reports = {w.key for w in acked if w.kind == "relato"}
    lookups = {int(w.key) for w in acked if w.kind == "consulta"}
    visits = sum(p.reads["visits"] for p in phases)
    with psycopg.connect(settings["PRIMARY_URL"]) as db:
        found_reports = {row[0] for row in db.execute(
            "SELECT detail FROM data_report WHERE detail LIKE %s", (f"drill {run_id} %",))}
        found_lookups = {row[0] for row in db.execute(
            "SELECT id FROM agent_access_log WHERE id = ANY(%s)", (sorted(lookups),))}
        visits_after = db.execute("SELECT visits FROM short_link WHERE code = %s", (world.short_code,)).fetchone()[0]
    lost = [f"relato “{k}”" for k in sorted(reports - found_reports)]
    lost += [f"consulta {k}" for k in sorted(lookups - found_lookups)]
    counted = visits_after - visits_before
    if counted < visits:
        lost.append(f"{visits - counted} visita(s) ao link curto")
    summary = {
        "relatos (Informar erro)": f"{len(reports)} confirmados, {len(reports & found_reports)} no primário",
        "consultas (registro de auditoria)": f"{len(lookups)} confirmadas, {len(lookups & found_lookups)} no primário",
        "visitas ao link curto": f"{visits} confirmadas (302), {counted} contadas no primário",
    }
    return lost, summary


def print_phase(phase: Phase, t0: float) -> None:
    reads = phase.reads
    failures = read_failures(reads)
    writes: dict[str, int] = {}
    for w in phase.writes:
        writes[write_kind(w)] = writes.get(write_kind(w), 0) + 1
    ms = sorted(w.ms for w in phase.writes) or [0.0]
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"\n== {phase.name} ==")
    for at, what in phase.events:
        print(f"   t={at - t0:6.1f} s  {what}")
    print(f"   leituras (wrk): {reads['requests']} pedidos, {reads['ok']} ok; falhas: "
          + ", ".join(f"{k} {v}" for k, v in failures.items())
          + f"; p50 {reads['p50']:.1f} ms, p99 {reads['p99']:.1f} ms")
    print(f"   escritas (POST): {len(phase.writes)} pedidos, {writes.get('ok', 0)} confirmados; falhas: "
          + ", ".join(f"{k} {writes.get(k, 0)}" for k in ("conexão", "5xx", "503+Retry-After", "outro"))
          + f"; p50 {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms")
    seconds = failure_seconds(phase)
    if seconds and phase.window:
        print(f"   falhas de t={min(seconds) - t0:.0f} s a t={max(seconds) - t0:.0f} s; "
              f"falha durou de t={phase.window[0] - t0:.1f} s a t={phase.window[1] - t0:.1f} s")


def drill(args, settings: dict[str, str]) -> int:
    import psycopg

    world = prepare(settings)
    run_id = f"{int(time.time())}-{random.randint(1000, 9999)}"
    with psycopg.connect(settings["PRIMARY_URL"]) as db:
        visits_before = db.execute("SELECT visits FROM short_link WHERE code = %s", (world.short_code,)).fetchone()[0]
    seconds = args.phase_seconds
    print(f"Exercício de falhas em http://127.0.0.1:{world.port} (nginx, {settings['APPS']} instâncias de "
          f"{settings['WORKERS']} workers): wrk com 4 conexões em {len(world.urls)} endereços (busca, dentista, "
          "plano, API, carteirinha com sessão, link curto) e um POST a cada 0,2 s (relato ou consulta); "
          f"{seconds} s por fase.")
    with tempfile.TemporaryDirectory() as tmp:
        script = lua_script(world, Path(tmp))
        # Unmeasured: each new worker's first requests load the geodata and the search's
        # statistics (seconds), which is not what the baseline is about.
        run_wrk(script, world.port, 5)
        t0 = time.time()
        phases = [run_phase("baseline", max(5, seconds // 2), world, script, run_id)]
        phases.append(run_phase("instância morta", seconds, world, script, run_id,
                                kill_and_restart_app(delay=seconds * 0.15, down=seconds * 0.25)))
        phases.append(run_phase("réplica parada", seconds, world, script, run_id,
                                stop_and_start_replica(delay=seconds * 0.15, down=seconds * 0.4)))
        pids_before = app_pids(settings)
        phases.append(run_phase("primário", seconds, world, script, run_id, restart_primary(delay=seconds * 0.2)))
        phases.append(run_phase("recuperado", max(5, seconds // 2), world, script, run_id))
        pids_after = app_pids(settings)
    for phase in phases:
        print_phase(phase, t0)
    lost, summary = check_writes(settings, world, phases, run_id, visits_before)
    print("\n== escritas confirmadas, conferidas no primário ==")
    for what, text in summary.items():
        print(f"   {what}: {text}")
    broken = judge(phases, lost, pids_before, pids_after)
    if broken:
        print("\nORÇAMENTO ESTOURADO:")
        for reason in broken:
            print(f"   - {reason}")
        return 1
    print("\nOrçamento cumprido: nenhum GET falhou com uma instância morta, a réplica parada não apareceu, "
          "o reinício do primário deu só 503 com Retry-After enquanto durou e nenhuma escrita confirmada se perdeu.")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase-seconds", type=int, default=20, help="duração de cada fase com falha (s)")
    parser.add_argument("--scaling", action="store_true", help="mede 1 contra 2 instâncias em vez do exercício")
    parser.add_argument("--seconds", type=int, default=10, help="duração de cada medida de --scaling (s)")
    parser.add_argument("--passes", type=int, default=3, help="passadas intercaladas de --scaling")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk não encontrado: apt-get install wrk")
    directory = Path(os.environ.get("CLUSTER_DIR", "/tmp/guia-cluster"))
    settings = cluster_settings(directory)
    settings["CLUSTER_DIR"] = str(directory)
    if args.scaling:
        sys.exit(scaling(args, settings))
    sys.exit(drill(args, settings))


def wrk_rate(url: str, seconds: int) -> tuple[float, float, int]:
    """Requests/s, p99 (ms) and non-2xx answers of *url* under wrk (2 threads, 8 connections)."""
    out = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", "-H", "Accept-Encoding: br, gzip", url],
                         capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, p99, int(errors.group(1)) if errors else 0


def scaling(args, settings) -> int:
    """One instance against two behind nginx, each instance one worker, and the bare Flask
    yardstick with one worker against two, interleaved so each pass sees the same machine."""
    port = int(settings["NGINX_PORT"])
    apps = int(settings["APPS"])
    if apps < 2:
        raise SystemExit("--scaling precisa de um cluster com 2 instâncias ou mais.")
    bare_ports = [port + 50, port + 51]
    env = {**os.environ, "WORKERS_OVERRIDE": "1"}
    bare = [subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "--workers", str(n + 1), "--bind",
                              f"127.0.0.1:{bare_ports[n]}", "--log-level", "warning",
                              "--chdir", str(ROOT / "scripts"), "bare_flask:app"], cwd=ROOT) for n in range(2)]
    runs: dict[str, list[tuple[float, float, int]]] = {k: [] for k in ("1 instância", "2 instâncias", "Flask 1", "Flask 2")}
    try:
        for n in range(1, apps + 1):  # one worker each: an instance is one core's worth of work
            subprocess.run(["bash", str(CLUSTER), "stop-app", str(n)], check=True, env=env)
            if n <= 2:
                subprocess.run(["bash", str(CLUSTER), "start-app", str(n)], check=True, env=env)
        results = f"http://127.0.0.1:{port}{RESULTS}"
        for n in range(2):
            for _ in range(50):
                try:
                    Client(bare_ports[n]).request("GET", "/")
                    break
                except OSError:
                    time.sleep(0.2)
            wrk_rate(f"http://127.0.0.1:{bare_ports[n]}/", 3)
        wrk_rate(results, 5)  # warm-up: caches, connections, estimates
        print(f"Vazão da página de resultados pelo nginx, instâncias de 1 worker (sync), wrk 2 threads 8 conexões, "
              f"{args.seconds} s por medida, mediana de {args.passes} passadas intercaladas; régua: Flask puro "
              "(scripts/bare_flask.py, 3 KB) direto no gunicorn com 1 e 2 workers.")
        for _ in range(args.passes):
            runs["2 instâncias"].append(wrk_rate(results, args.seconds))
            cluster("stop-app", "2")
            runs["1 instância"].append(wrk_rate(results, args.seconds))
            subprocess.run(["bash", str(CLUSTER), "start-app", "2"], check=True, env=env, stdout=subprocess.DEVNULL)
            runs["Flask 1"].append(wrk_rate(f"http://127.0.0.1:{bare_ports[0]}/", args.seconds))
            runs["Flask 2"].append(wrk_rate(f"http://127.0.0.1:{bare_ports[1]}/", args.seconds))
            time.sleep(11)  # nginx takes instance 2 back after fail_timeout (10 s)
    finally:
        for process in bare:
            process.terminate()
            process.wait()
        for n in range(1, apps + 1):  # back to the cluster's own number of workers
            cluster("stop-app", str(n))
            cluster("start-app", str(n))
    for name, values in runs.items():
        print(f"  {name:<13} {statistics.median(r for r, _, _ in values):8.0f} req/s  "
              f"p99 {statistics.median(p for _, p, _ in values):7.1f} ms   (passadas: "
              + ", ".join(f"{r:.0f}" for r, _, _ in values) + ")"
              + (f"  {sum(e for _, _, e in values)} respostas não 2xx/3xx" if any(e for _, _, e in values) else ""))
    page = statistics.median(b / a for (a, _, _), (b, _, _) in zip(runs["1 instância"], runs["2 instâncias"]))
    yardstick = statistics.median(b / a for (a, _, _), (b, _, _) in zip(runs["Flask 1"], runs["Flask 2"]))
    print(f"Resultados: 2 instâncias = {page:.2f}x uma (meta 1,7x). Régua: Flask puro com 2 workers = "
          f"{yardstick:.2f}x um, o teto desta máquina de {os.cpu_count()} núcleos, onde wrk, nginx e o "
          "PostgreSQL disputam os mesmos núcleos.")
    return 0


if __name__ == "__main__":
    main()
