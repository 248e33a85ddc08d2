#!/usr/bin/env python3
"""Turns the key=value metrics bench/check.sh collected for one store into the results table
(stdout) and results-<store>.json, with the ratios against the DuckDB peer and the targets.

    report.py METRICS.env OUT.json
"""

import json
import sys

GIB_KB = 1024 * 1024


def num(v: str):
    try:
        return int(v)
    except ValueError:
        try:
            return float(v)
        except ValueError:
            return v


def load(path: str) -> dict:
    m = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#") or "=" not in line:
                continue
            k, v = line.split("=", 1)
            m[k] = num(v)
    return m


def ratio(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b > 0:
        return a / b
    return None


def mib(kb):
    return kb / 1024 if isinstance(kb, (int, float)) else None


def main() -> int:
    m = load(sys.argv[1])
    out_path = sys.argv[2]
    g = m.get

    ratios = {
        "cli_vs_peer_query": ratio(g("peer_query_s"), g("cli_wall_s")),
        "cli_vs_peer_process": ratio(g("peer_process_s"), g("cli_wall_s")),
        "bulk_vs_peer_query": ratio(g("peer_query_s"), g("bulk_wall_s")),
        "bulk_vs_peer_process": ratio(g("peer_process_s"), g("bulk_wall_s")),
    }
    server_hwm = max(
        [v for v in (g("ready_vmhwm_kb"), g("cli_server_hwm_kb"), g("bulk_server_hwm_kb"), g("wrk_server_hwm_kb"), g("restart_vmhwm_kb")) if isinstance(v, int)]
        or [0]
    )

    def target(ok, what):
        return {"met": bool(ok), "target": what}

    targets = {}
    if ratios["cli_vs_peer_query"] is not None:
        targets["batch_cli_2x_peer_query"] = target(ratios["cli_vs_peer_query"] >= 2, "veto check --file >= 2x faster than DuckDB query time")
        targets["batch_cli_2x_peer_process"] = target(ratios["cli_vs_peer_process"] >= 2, "veto check --file >= 2x faster than DuckDB whole process")
    if ratios["bulk_vs_peer_query"] is not None:
        targets["batch_http_2x_peer_query"] = target(ratios["bulk_vs_peer_query"] >= 2, "HTTP bulk >= 2x faster than DuckDB query time")
        targets["batch_http_2x_peer_process"] = target(ratios["bulk_vs_peer_process"] >= 2, "HTTP bulk >= 2x faster than DuckDB whole process")
    if isinstance(g("wrk_rps"), (int, float)):
        targets["single_rps"] = target(g("wrk_rps") >= 30000, ">= 30,000 single checks/s")
        targets["single_p99"] = target(g("wrk_p99_ms") < 5, "p99 < 5 ms")
    if isinstance(g("ready_vmrss_kb"), int):
        rss = max(v for v in (g("ready_vmrss_kb"), g("final_vmrss_kb"), g("restart_vmrss_kb")) if isinstance(v, int))
        targets["rss_loaded"] = target(rss <= GIB_KB, "VmRSS with all entries loaded <= 1 GiB (at ready, after the run, after a restart)")
        targets["hwm"] = target(server_hwm <= GIB_KB, "VmHWM (peak over the whole run) <= 1 GiB")
    if isinstance(g("ready_healthz_s"), (int, float)):
        targets["startup"] = target(g("ready_healthz_s") < 30, "start-up to ready < 30 s (cold: index loaded from the store)")
    if isinstance(g("restart_healthz_s"), (int, float)):
        targets["restart"] = target(g("restart_healthz_s") < 30, "start-up to ready < 30 s (warm restart from the index snapshot)")

    result = {"metrics": m, "server_peak_vmhwm_kb": server_hwm, "ratios_peer_over_veto": ratios, "targets": targets}
    with open(out_path, "w") as f:
        json.dump(result, f, indent=2, sort_keys=True)
        f.write("\n")

    def fmt(v, unit="", prec=2):
        if v is None or v == "":
            return "-"
        if isinstance(v, float):
            return f"{v:,.{prec}f}{unit}"
        if isinstance(v, int):
            return f"{v:,}{unit}"
        return f"{v}{unit}"

    rows = [
        ("store", f"{fmt(g('store'))}  (commit {g('git_commit', '?')})"),
        ("workload", f"{fmt(g('suppressed'))} suppressed, {fmt(g('candidates'))} candidates, expect {fmt(g('expected_blocked'))} blocked / {fmt(g('expected_invalid'))} invalid"),
        ("bulk load: wall (whole process)", fmt(g("load_wall_s"), " s") + ("  (from the run that loaded this store)" if g("load_reused") == 1 else "")),
        ("bulk load: rows/s", fmt(g("load_rows_per_s"), "", 0)),
        ("bulk load: loader peak RSS / CPU", f"{fmt(mib(g('load_max_rss_kb')), ' MiB', 0)} / {fmt(g('load_cpu_s'), ' s')}"),
        ("start-up (cold): 'Veto listening' line", fmt(g("ready_listen_s"), " s")),
        ("start-up (cold): /healthz answers", fmt(g("ready_healthz_s"), " s")),
        ("start-up (cold): CPU server / PostgreSQL / others", f"{fmt(g('ready_server_cpu_s'), ' s')} / {fmt(g('ready_pg_cpu_s'), ' s')} / {fmt(g('ready_other_cpu_s'), ' s')}"),
        ("index snapshot: written after ready / size", f"{fmt(g('snapshot_written_after_ready_s'), ' s')} / {fmt(mib(g('snapshot_bytes') / 1024) if isinstance(g('snapshot_bytes'), int) else None, ' MiB', 0)}"),
        ("warm restart: 'Veto listening' / /healthz", f"{fmt(g('restart_listen_s'), ' s')} / {fmt(g('restart_healthz_s'), ' s')}"),
        ("warm restart: VmRSS / VmHWM at ready", f"{fmt(mib(g('restart_vmrss_kb')), ' MiB', 0)} / {fmt(mib(g('restart_vmhwm_kb')), ' MiB', 0)}"),
        ("server at ready: VmRSS / VmHWM", f"{fmt(mib(g('ready_vmrss_kb')), ' MiB', 0)} / {fmt(mib(g('ready_vmhwm_kb')), ' MiB', 0)}"),
        ("veto check --file: wall (median)", f"{fmt(g('cli_wall_s'), ' s')}  [runs: {g('cli_wall_all', '-')}]"),
        ("veto check --file: client peak RSS", fmt(mib(g("cli_client_rss_kb")), " MiB", 0)),
        ("veto check --file: server peak RSS", fmt(mib(g("cli_server_hwm_kb")), " MiB", 0)),
        ("veto check --file: CPU client / server / PostgreSQL / others", f"{fmt(g('cli_client_cpu_s'), ' s')} / {fmt(g('cli_server_cpu_s'), ' s')} / {fmt(g('cli_pg_cpu_s'), ' s')} / {fmt(g('cli_other_cpu_s'), ' s')}"),
        ("veto check --file: blocked / invalid", f"{fmt(g('cli_blocked'))} / {fmt(g('cli_invalid'))} (NDJSON block lines: {fmt(g('cli_block_lines'))})"),
        ("HTTP bulk (curl): wall (median)", f"{fmt(g('bulk_wall_s'), ' s')}  [runs: {g('bulk_wall_all', '-')}]"),
        ("HTTP bulk (curl): client peak RSS", fmt(mib(g("bulk_client_rss_kb")), " MiB", 0)),
        ("HTTP bulk (curl): server peak RSS", fmt(mib(g("bulk_server_hwm_kb")), " MiB", 0)),
        ("HTTP bulk (curl): CPU server / others", f"{fmt(g('bulk_server_cpu_s'), ' s')} / {fmt(g('bulk_other_cpu_s'), ' s')}"),
        ("HTTP bulk (curl): blocked / invalid", f"{fmt(g('bulk_blocked'))} / {fmt(g('bulk_invalid'))}"),
        ("DuckDB peer: query (median)", f"{fmt(g('peer_query_s'), ' s', 3)}  [runs: {g('peer_query_all', '-')}]"),
        ("DuckDB peer: whole process (median)", f"{fmt(g('peer_process_s'), ' s')}  [runs: {g('peer_process_all', '-')}]"),
        ("DuckDB peer: CPU / others", f"{fmt(g('peer_cpu_s'), ' s')} / {fmt(g('peer_other_cpu_s'), ' s')}"),
        ("DuckDB peer: peak RSS / blocked", f"{fmt(mib(g('peer_rss_kb')), ' MiB', 0)} / {fmt(g('peer_blocked'))}"),
        ("single checks (wrk): requests/s", f"{fmt(g('wrk_rps'), '', 0)}  (-t{g('wrk_threads', '?')} -c{g('wrk_connections', '?')} -d{g('wrk_duration', '?')})"),
        ("single checks (wrk): p50 / p99 / p99.9", f"{fmt(g('wrk_p50_ms'), ' ms', 3)} / {fmt(g('wrk_p99_ms'), ' ms', 3)} / {fmt(g('wrk_p999_ms'), ' ms', 3)}"),
        ("single checks (wrk): errors (status/timeout)", f"{fmt(g('wrk_errors_status'))} / {fmt(g('wrk_errors_timeout'))}"),
        ("single checks (wrk): CPU wrk / server / PostgreSQL / others", f"{fmt(g('wrk_client_cpu_s'), ' s')} / {fmt(g('wrk_server_cpu_s'), ' s')} / {fmt(g('wrk_pg_cpu_s'), ' s')} / {fmt(g('wrk_other_cpu_s'), ' s')}"
         + (f"  ({g('wrk_server_cpu_s') / g('wrk_requests') * 1e6:.1f} µs server CPU a check)" if isinstance(g('wrk_server_cpu_s'), (int, float)) and g('wrk_requests') else "")),
        ("single checks (wrk): server peak RSS", fmt(mib(g("wrk_server_hwm_kb")), " MiB", 0)),
        ("server at end: VmRSS / peak VmHWM", f"{fmt(mib(g('final_vmrss_kb')), ' MiB', 0)} / {fmt(mib(server_hwm), ' MiB', 0)}"),
        ("other work on the machine at start of start/batch/wrk/restart", " / ".join(fmt(g(k + "_others_cores")) for k in ("startup", "batch", "wrk", "restart")) + " cores (waited " + " / ".join(fmt(g(k + "_quiet_wait_s"), " s", 0) for k in ("startup", "batch", "wrk", "restart")) + ")"),
        ("loadavg before load/start/batch/wrk/restart", " / ".join(fmt(g(k)) for k in ("loadavg_load", "loadavg_startup", "loadavg_batch", "loadavg_wrk", "loadavg_restart")) + f"  ({fmt(g('nproc'))} cores)"),
        ("ratio DuckDB query / veto check --file", fmt(ratios["cli_vs_peer_query"], "x")),
        ("ratio DuckDB process / veto check --file", fmt(ratios["cli_vs_peer_process"], "x")),
        ("ratio DuckDB query / HTTP bulk", fmt(ratios["bulk_vs_peer_query"], "x")),
        ("ratio DuckDB process / HTTP bulk", fmt(ratios["bulk_vs_peer_process"], "x")),
    ]
    w = max(len(k) for k, _ in rows)
    print()
    print("=" * (w + 40))
    for k, v in rows:
        print(f"{k:<{w}}  {v}")
    print("-" * (w + 40))
    for name, t in targets.items():
        print(f"{'MET ' if t['met'] else 'MISS'}  {t['target']}")
    print("=" * (w + 40))
    print(f"written to {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
