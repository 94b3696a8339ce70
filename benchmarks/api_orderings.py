"""Every `?ordering=` of every record kind's API list at national scale (issue 19, goal 1: lists
< 150 ms p50), as a head-office analyst, through the full request stack with a token.

    .venv/bin/python benchmarks/api_orderings.py [--database URL] [--requests 5]

On the generated network of `make bench BENCH_ARGS=--generate` (portal_bench). `make bench`
requests each list once without an ordering; this script adds each ordering field, ascending
and descending, and exits non-zero when one is over the limit.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
LIMIT_SECONDS = 0.150


def main(argv=None) -> int:
    from benchmarks.run import DEFAULT_DATABASE, _setup

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--requests", type=int, default=5, help="timed requests per ordering (after one warm-up)")
    args = parser.parse_args(argv)
    _setup(args.database)

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from knox.models import AuthToken

    from branches.models import Branch, Membership, Role
    from core.kinds import record_kinds

    root = Branch.objects.get(code="SYN")
    user, _created = get_user_model().objects.get_or_create(username=f"bench-analyst-{root.code}")
    Membership.objects.get_or_create(user=user, branch=root, role=Role.ANALYST)
    _token, key = AuthToken.objects.create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    over = 0
    print("| list | ordering | p50 ms | max ms |\n|---|---|---:|---:|")
    for kind in record_kinds():
        url = reverse(f"api:{kind.slug}-list")
        for field in kind.viewset.ordering_fields:
            for ordering in (field, f"-{field}"):
                client.get(url, {"ordering": ordering})
                seconds = []
                for _ in range(args.requests):
                    started = time.perf_counter()
                    response = client.get(url, {"ordering": ordering})
                    seconds.append(time.perf_counter() - started)
                    if response.status_code != 200:
                        raise SystemExit(f"{url}?ordering={ordering} answered {response.status_code}")
                p50 = statistics.median(seconds)
                over += p50 >= LIMIT_SECONDS
                mark = "" if p50 < LIMIT_SECONDS else " **over**"
                print(f"| {kind.slug} | {ordering} | {p50 * 1000:.1f}{mark} | {max(seconds) * 1000:.1f} |")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
