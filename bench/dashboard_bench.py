"""One school's dashboard against the login page, served by gunicorn.

Usage: DATABASE_URL=postgres://... python bench/dashboard_bench.py [--requests 200]

Runs on the data of bench/workload_bench.py (seeding a small set when the
database has none), makes sure the figures are computed, starts gunicorn
with DEBUG off, signs a coordinator in, and requests the dashboard of one
school and the login page alternately. Prints p50 and p95 of both and the
ratio of the medians (target: dashboard p50 at most 10 x login p50).
"""

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PASSWORD = "Bench-Pass-2024"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare() -> tuple[int, int]:
    """A school with its figures computed, and a coordinator for it; returns their ids."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from teams.models import Membership, School, SchoolYear, StaffWorkload
    from teams.scale import seed_scale
    from teams.workload.figures import recalculate

    call_command("migrate", verbosity=0)
    if not School.objects.filter(name__startswith="Schaalschool ").exists():
        seed_scale(schools=40, staff_per_school=30, tasks_per_school=150)
    year = SchoolYear.current()
    if not StaffWorkload.objects.filter(school_year=year).exists():
        recalculate(list(School.objects.values_list("pk", flat=True)), year)
    school = School.objects.filter(name__startswith="Schaalschool ").order_by("pk").first()
    assert school is not None
    user, _ = User.objects.get_or_create(username="bench.coordinator")
    user.set_password(PASSWORD)
    user.save()
    Membership.objects.get_or_create(user=user, kind="coordinator", school=school)
    return school.pk, StaffWorkload.objects.filter(school=school, school_year=year).count()


def sign_in(base: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]  # the login page always holds the token; a bench fails loudly otherwise
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "bench.coordinator",
                                   "password": PASSWORD}).encode()  # fmt: skip
    request = urllib.request.Request(f"{base}/login/", data=form, headers={"Referer": base + "/"})
    opener.open(request).read()
    return opener


def timed(opener: urllib.request.OpenerDirector, url: str) -> float:
    start = time.perf_counter()
    with opener.open(url) as response:
        body = response.read()
        assert response.status == 200, response.status
    elapsed = time.perf_counter() - start
    assert body
    return elapsed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ictteam.settings", "DJANGO_DEBUG": "false",
           "LOG_LEVEL": "WARNING", "AXES_FAILURE_LIMIT": "1000"}  # fmt: skip
    os.environ.update(env)
    school_id, people = prepare()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "ictteam.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/login/").read()
                break
            except OSError:
                time.sleep(0.1)
        opener = sign_in(base)
        anonymous = urllib.request.build_opener()
        dashboard_url = f"{base}/schools/{school_id}/workload/"
        for _ in range(10):  # warm both workers up
            timed(opener, dashboard_url)
            timed(anonymous, f"{base}/login/")
        dashboard, login = [], []
        for _ in range(args.requests):
            dashboard.append(timed(opener, dashboard_url))
            login.append(timed(anonymous, f"{base}/login/"))
    finally:
        server.terminate()
        server.wait(timeout=10)
    from django.db import connection

    print(
        f"database: {connection.vendor}; school {school_id} with {people} people on its "
        f"dashboard; gunicorn with {args.workers} workers; {args.requests} requests each"
    )
    d50, d95 = statistics.median(dashboard) * 1000, percentile(dashboard, 0.95) * 1000
    l50, l95 = statistics.median(login) * 1000, percentile(login, 0.95) * 1000
    print(f"dashboard:  p50 {d50:.1f} ms, p95 {d95:.1f} ms")
    print(f"login page: p50 {l50:.1f} ms, p95 {l95:.1f} ms")
    print(f"ratio of the medians: {d50 / l50:.2f} (target <= 10)")


if __name__ == "__main__":
    main()
