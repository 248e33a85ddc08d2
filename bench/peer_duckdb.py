#!/usr/bin/env python3
"""The peer of Veto's batch check: DuckDB semi-joining the candidate CSV against the
suppressed list held in a DuckDB file, with the same normalisation (lower(trim(email)), where
trim also strips tabs, as Veto's parser does).

    peer_duckdb.py build --db FILE.duckdb --suppressed suppressed.txt   # once, not timed
    peer_duckdb.py query --db FILE.duckdb --candidates candidates.csv --out blocked.csv

`query` writes the blocked rows (as given, one per line) to --out, like Veto reports only the
blocked lines, and prints one JSON line: {"query_s", "connect_s", "blocked", "threads", ...}.
Run it under /usr/bin/time for the whole-process time (interpreter and import included).
"""

import argparse
import json
import os
import sys
import time


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def build(args) -> None:
    import duckdb

    t0 = time.perf_counter()
    if os.path.exists(args.db):
        os.remove(args.db)
    con = duckdb.connect(args.db)
    # The list is normalised already (one address per line, no header, no quoting).
    con.execute(
        "CREATE TABLE suppressed AS SELECT email FROM read_csv("
        + sql_str(args.suppressed)
        + ", header = false, auto_detect = false, columns = {'email': 'VARCHAR'}, delim = '\t', quote = '')"
    )
    n = con.execute("SELECT count(*) FROM suppressed").fetchone()[0]
    con.execute("CHECKPOINT")
    con.close()
    print(json.dumps({"rows": n, "build_s": time.perf_counter() - t0}))


def query(args) -> None:
    t0 = time.perf_counter()
    import duckdb

    t_import = time.perf_counter()
    con = duckdb.connect(args.db, read_only=True)
    if args.threads:
        con.execute(f"SET threads = {int(args.threads)}")
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    t1 = time.perf_counter()
    sql = (
        "COPY (SELECT c.email FROM read_csv("
        + sql_str(args.candidates)
        + ", header = true, auto_detect = false, columns = {'email': 'VARCHAR'}, delim = ',', quote = '\"') AS c"
        " SEMI JOIN suppressed AS s ON lower(trim(c.email, ' ' || chr(9))) = s.email)"
        " TO " + sql_str(args.out) + " (FORMAT csv, HEADER false)"
    )
    con.execute(sql)
    t2 = time.perf_counter()
    con.close()
    with open(args.out, "rb") as f:
        blocked = sum(1 for _ in f)
    print(
        json.dumps(
            {
                "query_s": t2 - t1,
                "connect_s": t1 - t_import,
                "import_s": t_import - t0,
                "blocked": blocked,
                "threads": threads,
                "duckdb": duckdb.__version__,
            }
        )
    )


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--db", required=True)
    b.add_argument("--suppressed", required=True)
    q = sub.add_parser("query")
    q.add_argument("--db", required=True)
    q.add_argument("--candidates", required=True)
    q.add_argument("--out", required=True)
    q.add_argument("--threads", type=int, default=0, help="DuckDB threads (default: all cores)")
    args = p.parse_args()
    {"build": build, "query": query}[args.cmd](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
