"""A throw-away platform in a folder (SQLite database + queue) with real consumer processes.

Used by the job tests that need a real consumer (and kill it) and by bench/bench_jobs.py.
With ``redis_url`` the queue is on Redis under a name of its own, so runs never collide.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey

from ticcoop.certificates.tables import write_csv
from ticcoop.methods.ids import make_credit_code, make_org_code

REGIONS = ["11", "12", "13", "14", "15"]


def institutions_csv(count: int, start: int = 0, regions: Sequence[str] = REGIONS) -> bytes:
    """``count`` valid institution rows (credit codes by GB 32100) spread over ``regions``."""
    rows = []
    for index in range(start, start + count):
        region = regions[index % len(regions)]
        code = make_credit_code(f"91{region}0100" + make_org_code(f"{index + 10_000_000:08d}"))
        rows.append(
            [code, f"后台导入检测有限公司{index}", region, "测试路1号", "", "", "", "正常", "B"]
        )
    return write_csv("institutions", rows)


class Site:
    def __init__(self, folder: Path, redis_url: str = "", lease: float = 3.0) -> None:
        self.folder = folder
        self.redis_url = redis_url
        self.queue_name = f"ticcoop-test-{uuid.uuid4().hex[:12]}"
        self.lease = lease
        self.consumers: list[subprocess.Popen[bytes]] = []

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TICCOOP_")}
        env.update(
            DJANGO_SETTINGS_MODULE="ticcoop.config.settings",
            DEBUG="1",
            TICCOOP_VAR_DIR=str(self.folder),
            DATABASE_URL=f"sqlite:///{self.folder / 'db.sqlite3'}",
            TICCOOP_QUEUE_NAME=self.queue_name,
            TICCOOP_JOB_LEASE_SECONDS=str(self.lease),
            LOG_LEVEL="ERROR",
        )
        if self.redis_url:
            env["TICCOOP_QUEUE_URL"] = self.redis_url
        return env

    def ticcoop(self, *words: str, timeout: float = 600) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "ticcoop.cli", *words],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"ticcoop {words[0]} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def migrate(self, template: Site | None = None) -> None:
        """Create the database: by migrating, or (much faster) as a copy of ``template``'s
        already migrated one."""
        if template is None:
            self.ticcoop("migrate", "--noinput", "-v0")
        else:
            shutil.copyfile(template.folder / "db.sqlite3", self.folder / "db.sqlite3")

    def python(self, code: str) -> str:
        return self.ticcoop("shell", "-c", code)

    def start_consumer(self, workers: int = 1) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ticcoop.cli",
                "run_huey",
                "-w",
                str(workers),
                "-k",
                "thread",
                "-d",
                "0.05",
                "-m",
                "0.2",
                "-b",
                "1.0",
            ],
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.consumers.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        process.send_signal(sig)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for process in self.consumers:
            if process.poll() is None:
                self.kill(process, signal.SIGKILL)
        if self.redis_url:
            self.python("from django.conf import settings; settings.HUEY.storage.flush_all()")

    def enqueue_import(self, data: bytes, *, dry_run: bool) -> int:
        """A registry-import job on ``data`` started by a superuser; returns the job id."""
        inputs = self.folder / "media" / "jobs" / "inputs"
        inputs.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid4().hex}.csv"
        (inputs / name).write_bytes(data)
        code = (
            "from django.contrib.auth.models import User\n"
            "from ticcoop.jobs.services import start_job\n"
            "user = User.objects.filter(username='root').first() or "
            "User.objects.create_superuser('root', '', 'x')\n"
            f"job = start_job(user, 'registry-import', {{'dry_run': {dry_run}}}, "
            f"input_path='jobs/inputs/{name}', input_name='{name}')\n"
            "print(job.pk)\n"
        )
        return int(self.python(code).strip().splitlines()[-1])

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.folder / "db.sqlite3", timeout=30) as connection:
            return connection.execute(sql, params).fetchall()

    def job(self, job_id: int) -> dict[str, Any]:
        row = self.query(
            "SELECT state, attempt, error, rows_done, rows_total FROM jobs_job WHERE id = ?", job_id
        )[0]
        return dict(zip(("state", "attempt", "error", "rows_done", "rows_total"), row, strict=True))

    def wait_for(self, job_id: int, states: set[str], timeout: float = 300) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.job(job_id)
            if job["state"] in states:
                return job
            time.sleep(0.1)
        raise TimeoutError(f"job {job_id} still {self.job(job_id)} after {timeout} s")

    def queue(self) -> Huey:
        """The same queue the site's processes use (to read progress the way the page does)."""
        if self.redis_url:
            return RedisHuey(self.queue_name, url=self.redis_url, results=False)
        return SqliteHuey(
            self.queue_name, filename=str(self.folder / "queue.sqlite3"), results=False
        )

    def live_progress(self, job_id: int) -> dict[str, Any] | None:
        value = self.queue().get(f"ticcoop-job-{job_id}", peek=True)
        return value if isinstance(value, dict) else None
