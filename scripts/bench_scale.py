"""How far one Rasa instance and the cluster go on this machine (`make bench-scale`).

Runs the realistic conversations of `make bench` (greeting, orders, an order card, the
parcel, a policy question, an after-sales form) at rising numbers of concurrent users,
every user pausing between messages like a fast human, first against one private stack
(`make run`'s shape: SQLite, one Rasa) and then against the cluster of
`make run-cluster` (PostgreSQL, Redis lock store, Rasa instances behind nginx), in the
same run on the same machine. Prints, per deployment and number of users, the turns
per second served and the business and greeting p95, and per deployment the most turns
per second served with a business p95 within the target (200 ms). Numbers, not
verdicts: not part of the tests.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench import (  # noqa: E402
    BUSINESS,
    Bench,
    Recorder,
    customers_for_forms,
    percentile,
)
from tests.cluster.cluster import Cluster  # noqa: E402
from tests.stack import Stack  # noqa: E402

TARGET_P95_MS = 200.0


class Entry:
    """What the bench talks to: one URL, whatever is behind it."""

    def __init__(self, url: str) -> None:
        self.url = url


def run_level(url: str, tokens: List[str], users: int, rounds: int, think: float):
    recorder = Recorder()
    bench = Bench(Entry(url), recorder, think)

    def user(index: int) -> None:
        # Users arrive over a few seconds, as they do, not all in the same instant.
        time.sleep(random.uniform(0, 2 * think))
        for round_ in range(rounds):
            bench.conversation(tokens[(index * rounds + round_) % len(tokens)])

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users) as pool:
        list(pool.map(user, range(users)))
    elapsed = time.perf_counter() - started
    business = [v for kind in BUSINESS for v in recorder.samples[kind]]
    turns = sum(len(v) for v in recorder.samples.values())
    return {
        "users": users,
        "turns": turns,
        "rate": turns / elapsed,
        "business_p50": statistics.median(business),
        "business_p95": percentile(business, 0.95),
        "greeting_p95": percentile(recorder.samples["greeting"], 0.95),
        "errors": recorder.errors,
    }


def warm_up(url: str, token: str) -> None:
    bench = Bench(Entry(url), Recorder(), 0)
    for _ in range(2):
        bench.conversation(token)


def measure(name: str, url: str, tokens: List[str], args) -> List[Dict]:
    warm_up(url, tokens[-1])
    rows = []
    for users in args.users:
        row = run_level(url, tokens, users, args.rounds, args.think)
        row["deployment"] = name
        rows.append(row)
        print(
            f"  {name:<10}{users:>6} users {row['rate']:>6.1f} turns/s  business p95"
            f" {row['business_p95']:>5.0f} ms  greeting p95 {row['greeting_p95']:>5.0f}"
            f" ms  failed {row['errors']}",
            flush=True,
        )
    return rows


def single(args) -> List[Dict]:
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as workdir:
        stack = Stack(Path(workdir), Path(args.model))
        try:
            print("starting one stack (SQLite, one Rasa) ...", flush=True)
            stack.start_actions()
            stack.start_rasa()
            tokens = customers_for_forms(
                f"sqlite:///{Path(workdir) / 'servicedesk.db'}", args.customers
            )
            return measure("single", stack.url, tokens, args)
        finally:
            stack.stop()


def cluster(args) -> List[Dict]:
    deployment = Cluster(instances=args.instances)
    try:
        print(f"starting the cluster ({args.instances} Rasa instances) ...", flush=True)
        deployment.start()
        deployment.wait_all_instances()
        env = deployment.env
        desk_db = (
            f"postgresql://{env.get('CLUSTER_PG_USER', 'assistant')}:"
            f"{env['CLUSTER_PG_PASSWORD']}@127.0.0.1:{env['CLUSTER_PG_PORT']}"
            "/servicedesk"
        )
        tokens = customers_for_forms(desk_db, args.customers)
        return measure(f"cluster-{args.instances}", deployment.url, tokens, args)
    finally:
        deployment.stop()


def report(rows: List[Dict]) -> None:
    print(
        f"\n{'deployment':<12}{'users':>6}{'turns':>7}{'turns/s':>9}"
        f"{'biz p50':>9}{'biz p95':>9}{'greet p95':>10}{'ratio':>7}{'failed':>7}"
    )
    for r in rows:
        print(
            f"{r['deployment']:<12}{r['users']:>6}{r['turns']:>7}{r['rate']:>9.1f}"
            f"{r['business_p50']:>9.0f}{r['business_p95']:>9.0f}"
            f"{r['greeting_p95']:>10.0f}{r['business_p95'] / r['greeting_p95']:>7.2f}"
            f"{r['errors']:>7}"
        )
    print(f"\nmost turns/s with business p95 <= {TARGET_P95_MS:.0f} ms")
    for name in dict.fromkeys(r["deployment"] for r in rows):
        within = [
            r
            for r in rows
            if r["deployment"] == name
            and r["business_p95"] <= TARGET_P95_MS
            and not r["errors"]
        ]
        best = max(within, key=lambda r: r["rate"], default=None)
        print(
            f"  {name:<12}"
            + (
                f"{best['rate']:.1f} turns/s at {best['users']} users"
                if best
                else "none of the levels measured"
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[20, 60])
    parser.add_argument("--rounds", type=int, default=2, help="conversations per user")
    parser.add_argument("--think", type=float, default=3.0, help="mean pause, seconds")
    parser.add_argument("--instances", type=int, default=2, help="Rasa instances")
    parser.add_argument("--customers", type=int, default=60)
    parser.add_argument(
        "--only", choices=["single", "cluster"], help="measure one deployment only"
    )
    parser.add_argument("--model", default=str(ROOT / "models" / "assistant.tar.gz"))
    args = parser.parse_args()
    random.seed(42)
    rows: List[Dict] = []
    if args.only != "cluster":
        rows += single(args)
    if args.only != "single":
        rows += cluster(args)
    report(rows)


if __name__ == "__main__":
    main()
