"""A tour of the REST API through a client generated from its schema, used as generated.

Generate the client, then run the tour against a running portal:

    .venv/bin/openapi-python-client generate --url http://127.0.0.1:8000/api/v1/schema/ \\
        --meta none --output-path /tmp/portal_api_client
    .venv/bin/python scripts/api_client_tour.py --url http://127.0.0.1:8000 \\
        --client /tmp/portal_api_client --username USER --password PASS --branch WH-QK-01

It logs in; lists and filters home visits; creates one (a team of two from the staff list) with
an Idempotency-Key (sent twice: one record) under `Authorization: Bearer`; changes it with
If-Match (a stale tag is refused);
keeps a mirror in sync with `updated_since` and the deletion feed, deletes the visit and checks
the mirror equals the server; pulls `by=month` metrics into pandas with numeric dtypes; and
sends a ledger the portal refuses, reading the parsed refusal. Each step asserts what it
relies on; the script exits non-zero on the first that fails. tests/api/test_generated_client.py
runs it in CI against the live test server.
"""

import argparse
import datetime
import importlib
import io
import sys
import uuid
from pathlib import Path


def load_client(path: Path):
    """The generated package (its directory's name is the package's)."""
    sys.path.insert(0, str(path.parent))
    return importlib.import_module(path.name)


class Tour:
    def __init__(self, pkg, url: str, branch: str):
        self.pkg, self.url, self.branch = pkg, url, branch
        self.api = importlib.import_module(f"{pkg.__name__}.api")
        self.models = importlib.import_module(f"{pkg.__name__}.models")
        self.types = importlib.import_module(f"{pkg.__name__}.types")

    def op(self, tag: str, name: str):
        return importlib.import_module(f"{self.pkg.__name__}.api.{tag}.{name}")

    # 1. Log in: the token from a username and password, then Bearer on every call.
    def login(self, username: str, password: str):
        anonymous = self.pkg.Client(base_url=self.url)
        body = self.models.LoginRequest(username=username, password=password)
        token = self.op("auth", "auth_login_create").sync(client=anonymous, body=body)
        assert isinstance(token, self.models.Token), token
        self.client = self.pkg.AuthenticatedClient(base_url=self.url, token=token.token)  # "Bearer <token>"
        print(f"logged in as {token.username}")

    # 2. List and filter.
    def list_home_visits(self):
        listed = self.op("home_visits", "home_visits_list").sync(
            client=self.client,
            branch=self.branch,
            customer_group=self.models.CustomerGroupEnum.ELDERLY,
            ordering=self.models.HomeVisitsListOrdering.OCCURRED_ON_DESC,
            page_size=5,
        )
        assert isinstance(listed, self.models.PaginatedHomeVisitList), listed
        assert all(v.customer_group == self.models.CustomerGroupEnum.ELDERLY for v in listed.results)
        print(f"{listed.count} elderly customers' home visits at {self.branch}")
        return listed

    # 3. Create once, whatever the retries. A home visit is made by a team of two: their ids
    #    come from the staff list of the branch.
    def create_home_visit(self):
        staff = self.op("staff", "staff_list").sync(client=self.client, branch=self.branch, is_active=True)
        assert isinstance(staff, self.models.PaginatedStaffMemberList), staff
        team = [member.id for member in staff.results[:2]]
        assert len(team) == 2, f"two active staff members at {self.branch}"
        create = self.op("home_visits", "home_visits_create")
        body = self.models.HomeVisitRequest(
            branch=self.branch,
            staff=team,
            occurred_on=datetime.date.today() - datetime.timedelta(days=1),
            customer_group=self.models.CustomerGroupEnum.ELDERLY,
            customer_name_masked="王**",
            purpose=self.models.PurposeEnum.PENSION,
            customer_age_band=self.models.CustomerAgeBandOrBlankEnum.VALUE_80_PLUS,
        )
        key = str(uuid.uuid4())
        first = create.sync_detailed(client=self.client, body=body, idempotency_key=key)
        again = create.sync_detailed(client=self.client, body=body, idempotency_key=key)
        assert first.status_code == 201, (first.status_code, first.content)
        assert isinstance(first.parsed, self.models.HomeVisit)
        assert again.parsed.id == first.parsed.id, "the retry answers with the same record"
        print(f"created home visit {first.parsed.id} (sent twice, one record)")
        return first.parsed

    # 4. Change with If-Match; a stale tag writes nothing.
    def update_home_visit(self, visit):
        read = self.op("home_visits", "home_visits_retrieve").sync_detailed(visit.id, client=self.client)
        tag = read.headers["ETag"]
        patch = self.op("home_visits", "home_visits_partial_update")
        body = self.models.PatchedHomeVisitRequest(notes="回访已安排")
        changed = patch.sync_detailed(visit.id, client=self.client, body=body, if_match=tag)
        assert changed.status_code == 200 and changed.parsed.version == visit.version + 1, changed.content
        stale = patch.sync_detailed(visit.id, client=self.client, body=body, if_match=tag)
        assert stale.status_code == 412 and isinstance(stale.parsed, self.models.Error), stale.content
        print(f"changed it with If-Match {tag}; the stale tag was refused: {stale.parsed.detail}")
        return changed.parsed, changed.headers["ETag"]

    # 5. Sync: a mirror takes only what changed, deletions included.
    def sync_mirror(self, visit, tag):
        mirror = Mirror(self)
        mirror.sync()  # the first sync reads everything
        assert visit.id in mirror.rows
        self.op("home_visits", "home_visits_destroy").sync_detailed(visit.id, client=self.client, if_match=tag)
        taken = mirror.sync()  # only the changes since the last sync
        assert visit.id not in mirror.rows, "the deletion reached the mirror"
        server = {v.id: v.version for v in mirror.walk(updated_since=datetime.datetime(2000, 1, 1))}
        assert mirror.rows == server, "the mirror equals the server"
        print(f"mirror in sync: {len(mirror.rows)} home visits, {taken} changes taken incrementally")

    # 6. Metrics into pandas: every value a decimal string, one astype makes numbers.
    def metrics_frame(self, period: str):
        import pandas as pd

        answer = self.op("metrics", "metrics_retrieve").sync(
            client=self.client, branch=self.branch, period=period, by="month"
        )
        assert isinstance(answer, self.models.MetricsAnswer), answer
        frame = pd.DataFrame([row.to_dict() for row in answer.rows])
        frame["value"] = frame["value"].astype(float)
        assert str(frame["value"].dtype) == "float64"
        assert len(frame) and all(p.startswith(f"{period}-") for p in frame["period"])
        print(f"{len(frame)} metric rows by month; value dtype {frame['value'].dtype}")
        return frame

    # 7. A refused ledger: the refusal arrives parsed.
    def refused_ledger(self):
        upload = self.models.UploadRequest(
            file=self.types.File(payload=io.BytesIO(b"not a spreadsheet"), file_name="ledger.xlsx")
        )
        refused = self.op("ledgers", "ledgers_import_create").sync_detailed(
            "home-visits", client=self.client, body=upload, dry_run=False
        )
        assert refused.status_code == 400, refused.content
        assert isinstance(refused.parsed, self.models.ImportRefusal), refused.parsed
        assert refused.parsed.file, "the refusal says why"
        print(f"ledger refused: {refused.parsed.file[0]}")
        return refused.parsed


class Mirror:
    """A warehouse's copy of the home visits, kept with the loop of docs/api.md."""

    OVERLAP = datetime.timedelta(minutes=5)  # re-read a margin: writes still committing then

    def __init__(self, tour: Tour):
        self.tour = tour
        self.rows: dict[int, int] = {}  # id -> version
        self.changes_mark = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
        self.deletions_mark = self.changes_mark

    def walk(self, **params):
        """Every page of a change feed, following `next` with its cursor."""
        listing = self.tour.op("home_visits", "home_visits_list")
        cursor = self.tour.types.UNSET
        while True:
            page = listing.sync(client=self.tour.client, page_size=50, cursor=cursor, **params)
            yield from page.results
            if not page.next_:
                return
            cursor = _cursor_of(page.next_)

    def sync(self) -> int:
        taken = 0
        for visit in self.walk(updated_since=self.changes_mark - self.OVERLAP):
            if visit.version >= self.rows.get(visit.id, 0):
                self.rows[visit.id] = visit.version
            self.changes_mark = max(self.changes_mark, visit.updated_at)
            taken += 1
        deleted = self.tour.op("deleted", "deleted_list")
        kind = self.tour.models.LinkedKindEnum.HOME_VISITS
        cursor = self.tour.types.UNSET
        while True:
            page = deleted.sync(
                client=self.tour.client, since=self.deletions_mark - self.OVERLAP, kind=kind, cursor=cursor
            )
            for gone in page.results:
                self.rows.pop(gone.id, None)
                self.deletions_mark = max(self.deletions_mark, gone.deleted_at)
                taken += 1
            if not page.next_:
                return taken
            cursor = _cursor_of(page.next_)


def _cursor_of(url: str) -> str:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(url).query)["cursor"][0]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the portal, such as http://127.0.0.1:8000")
    parser.add_argument("--client", required=True, type=Path, help="the generated package's directory")
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--branch", default="WH-QK-01", help="a branch where the user records")
    parser.add_argument("--period", default=str(datetime.date.today().year), help="the metrics' year")
    args = parser.parse_args(argv)
    tour = Tour(load_client(args.client.resolve()), args.url.rstrip("/"), args.branch)
    tour.login(args.username, args.password)
    tour.list_home_visits()
    visit = tour.create_home_visit()
    visit, tag = tour.update_home_visit(visit)
    tour.sync_mirror(visit, tag)
    tour.metrics_frame(args.period)
    tour.refused_ledger()
    print("tour complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
