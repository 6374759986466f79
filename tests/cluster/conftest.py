"""One real cluster (scripts/run_cluster.sh) for the whole cluster test run."""

from __future__ import annotations

import pytest
import requests


@pytest.fixture(scope="session")
def cluster(trained_model):
    from tests.cluster.cluster import Cluster

    cluster = Cluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def live_cluster(cluster):
    """The cluster with every Rasa instance up (a test may have killed one; its
    supervisor starts it again)."""
    cluster.wait_all_instances()
    return cluster


@pytest.fixture(scope="session")
def demo_orders(cluster):
    """Demo customer token -> {status: [order numbers]} (the cluster's own desk)."""
    customers = requests.get(f"{cluster.url}/api/demo/customers", timeout=10).json()
    orders = {}
    for customer in customers["customers"]:
        by_status = {}
        for order in customer["orders"]:
            by_status.setdefault(order["status"], []).append(order["order_no"])
        orders[customer["token"]] = by_status
    return orders
