"""Latency of the whole stack under concurrent conversations (`make bench`).

Starts a private stack (service desk on a fresh seeded database, action server, Rasa
with the trained model) on free loopback ports, then runs three phases at the same
concurrency, every simulated user pausing between messages like a fast human:

1. greeting turns: "你好" answered by a rule and an utter_ response (no custom action),
   Rasa's own floor for a turn;
2. bare /model/parse calls (NLU only);
3. realistic conversations of seeded customers: list orders, choose one by its card
   button, ask for the parcel, a policy question, and an after-sales form (kind,
   reason, confirmation) that creates a real request.

Prints p50/p95/max per turn kind, turns per second, the business/greeting p95 ratio,
and the resident memory of each process. Not part of the tests: numbers, not verdicts.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Callable, Dict, List

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from servicedesk.clock import shifted_clock  # noqa: E402
from servicedesk.config import Settings  # noqa: E402
from servicedesk.db import make_engine  # noqa: E402
from servicedesk.shop.customer_tokens import token_hash  # noqa: E402
from servicedesk.shop.models import Customer  # noqa: E402
from tests.stack import TOKEN, Stack  # noqa: E402

BUSINESS = ("order_list", "order_choice", "logistics", "after_sales")


class Recorder:
    def __init__(self) -> None:
        self.samples: Dict[str, List[float]] = defaultdict(list)
        self.errors = 0
        self.lock = threading.Lock()

    def timed(self, kind: str, call: Callable[[], requests.Response]) -> dict:
        started = time.perf_counter()
        try:
            response = call()
            response.raise_for_status()
            body = response.json()
        except (requests.RequestException, ValueError):
            with self.lock:
                self.errors += 1
            return {}
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.samples[kind].append(elapsed)
        return body


def percentile(values: List[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def customers_for_forms(database_url: str, count: int) -> List[str]:
    """Seeded customers with several orders and one signed in the last week."""
    engine = make_engine(database_url)
    # The desk's own clock: the one its seed laid the orders out from.
    now = shifted_clock(Settings.from_env().clock_offset_days)()
    recent = now - timedelta(days=6)
    tokens = []
    with Session(engine) as session:
        for customer in session.execute(
            select(Customer).where(Customer.demo.is_(False)).order_by(Customer.id)
        ).scalars():
            signed = [
                o
                for o in customer.orders
                if o.status == "signed" and o.signed_at and o.signed_at > recent
            ]
            if len(customer.orders) >= 2 and signed and not signed[0].after_sales:
                # Only hashes are stored: give the customer a token the bench knows.
                token = f"bench-{secrets.token_hex(16)}"
                customer.token_hash = token_hash(token)
                tokens.append(token)
            if len(tokens) == count:
                break
        session.commit()
    engine.dispose()
    return tokens


class Bench:
    def __init__(self, stack: Stack, recorder: Recorder, think: float) -> None:
        self.stack = stack
        self.recorder = recorder
        self.think = think

    def pause(self) -> None:
        time.sleep(random.uniform(0.5 * self.think, 1.5 * self.think))

    def say(self, kind: str, sender: str, text: str, token: str = "") -> list:
        body = {"sender": sender, "message": text}
        if token:
            body["metadata"] = {"customer_token": token}
        reply = self.recorder.timed(
            kind,
            lambda: requests.post(
                f"{self.stack.url}/webhooks/rest/webhook", json=body, timeout=30
            ),
        )
        self.pause()
        return reply if isinstance(reply, list) else []

    def greetings(self, turns: int) -> None:
        sender = f"bench-greet-{uuid.uuid4().hex[:8]}"
        for _ in range(turns):
            self.say("greeting", sender, "你好")

    def parses(self, turns: int) -> None:
        for text in random.choices(
            ["查一下我的订单", "我要退货", "运费怎么算"], k=turns
        ):
            self.recorder.timed(
                "parse",
                lambda text=text: requests.post(
                    f"{self.stack.url}/model/parse",
                    params={"token": TOKEN},
                    json={"text": text},
                    timeout=30,
                ),
            )
            self.pause()

    def conversation(self, token: str) -> None:
        sender = f"bench-{uuid.uuid4().hex[:8]}"
        self.say("greeting", sender, "你好", token)
        listing = self.say("order_list", sender, "查一下我的订单", token)
        cards = next(
            (m["custom"]["data"]["orders"] for m in listing if "custom" in m), []
        )
        signed = [c for c in cards if c["status"] == "signed"] or cards
        if signed:
            self.say("order_choice", sender, signed[0]["payload"], token)
        self.say("logistics", sender, "物流到哪了", token)
        self.say("faq", sender, "退货运费谁出", token)
        self.say("after_sales", sender, "我要退货", token)
        self.say("after_sales", sender, '/inform{"aftersale_type":"退货"}', token)
        self.say("after_sales", sender, '/inform{"reason":"质量问题"}', token)
        self.say("after_sales", sender, "/affirm", token)


CPU_USE: Dict[str, Dict[str, float]] = {}
THINK = [1.0]


def run_phase(name: str, users: int, job: Callable[[int], None], stack: Stack) -> float:
    processes = {
        "rasa": stack.rasa.pid,
        "action server": stack.actions.pid,
        "service desk": stack.desk.process.pid,
        "bench client": os.getpid(),
    }
    before = {key: cpu_seconds(pid) for key, pid in processes.items()}
    started = time.perf_counter()

    def staggered(user: int) -> None:
        # Users arrive over a few seconds, as they do, not all in the same instant.
        time.sleep(random.uniform(0, 2 * THINK[0]))
        job(user)

    with ThreadPoolExecutor(max_workers=users) as pool:
        list(pool.map(staggered, range(users)))
    elapsed = time.perf_counter() - started
    CPU_USE[name] = {
        key: (cpu_seconds(pid) - before[key]) / elapsed
        for key, pid in processes.items()
    }
    return elapsed


def report(recorder: Recorder, durations: Dict[str, float], stack: Stack) -> None:
    def row(name: str, values: List[float]) -> str:
        return (
            f"{name:<14}{len(values):>7}{statistics.median(values):>9.0f}"
            f"{percentile(values, 0.95):>9.0f}{max(values):>9.0f}"
        )

    print(f"\n{'turn kind':<14}{'turns':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for kind in ("greeting", "parse", *BUSINESS, "faq"):
        if recorder.samples[kind]:
            print(row(kind, recorder.samples[kind]))
    business = [v for kind in BUSINESS for v in recorder.samples[kind]]
    print(row("business (all)", business))
    print("\nthroughput (with the users' pauses)")
    greetings = len(recorder.samples["greeting"])
    counts = {
        "greetings": greetings - durations["conversation_greetings"],
        "parse": len(recorder.samples["parse"]),
        "conversations": sum(len(recorder.samples[k]) for k in (*BUSINESS, "faq"))
        + durations["conversation_greetings"],
    }
    for phase, count in counts.items():
        seconds = durations[phase]
        print(
            f"  {phase:<14}{count:>6} turns in {seconds:>6.1f} s = {count / seconds:.1f}/s"
        )
    greeting_p95 = percentile(recorder.samples["greeting"], 0.95)
    business_p95 = percentile(business, 0.95)
    print(
        f"\nbusiness p95 / greeting p95 = {business_p95:.0f} / {greeting_p95:.0f} ms"
        f" = {business_p95 / greeting_p95:.2f}  (target <= 1.5, and p95 <= 200 ms)"
    )
    print(f"failed turns: {recorder.errors}")
    print("\nCPU use per phase (cores busy; the machine has", os.cpu_count(), "cores)")
    for phase, use in CPU_USE.items():
        print(f"  {phase:<14}" + "  ".join(f"{k} {v:.2f}" for k, v in use.items()))
    print("\nresident memory")
    for name, process in (
        ("rasa", stack.rasa),
        ("action server", stack.actions),
        ("service desk", stack.desk.process),
    ):
        print(f"  {name:<14}{rss_mb(process.pid):>7.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2, help="conversations per user")
    parser.add_argument(
        "--turns", type=int, default=10, help="greetings/parses per user"
    )
    parser.add_argument("--think", type=float, default=3.0, help="mean pause, seconds")
    parser.add_argument("--model", default=str(ROOT / "models" / "assistant.tar.gz"))
    args = parser.parse_args()
    random.seed(42)

    with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
        stack = Stack(Path(workdir), Path(args.model))
        try:
            print("starting service desk, action server and Rasa ...", flush=True)
            stack.start_actions()
            stack.start_rasa()
            tokens = customers_for_forms(
                f"sqlite:///{Path(workdir) / 'servicedesk.db'}",
                args.users * args.rounds + 1,
            )
            recorder = Recorder()
            bench = Bench(stack, recorder, args.think)
            bench.think = 0
            bench.conversation(tokens.pop())  # warm-up, not counted
            bench.greetings(3)
            recorder.samples.clear()
            bench.think = args.think
            THINK[0] = args.think
            print(
                f"{args.users} concurrent users, mean pause {args.think:.1f} s between"
                " messages",
                flush=True,
            )
            durations = {
                "greetings": run_phase(
                    "greetings",
                    args.users,
                    lambda _: bench.greetings(args.turns),
                    stack,
                ),
                "parse": run_phase(
                    "parse", args.users, lambda _: bench.parses(args.turns), stack
                ),
            }

            def conversations(user: int) -> None:
                for round_ in range(args.rounds):
                    bench.conversation(
                        tokens[(user * args.rounds + round_) % len(tokens)]
                    )

            before = len(recorder.samples["greeting"])
            durations["conversations"] = run_phase(
                "conversations", args.users, conversations, stack
            )
            durations["conversation_greetings"] = (
                len(recorder.samples["greeting"]) - before
            )
            report(recorder, durations, stack)
        finally:
            stack.stop()


if __name__ == "__main__":
    main()
