"""The task queue's own worker (``manage.py db_worker``), run in the test's process."""

from contextlib import nullcontext
from unittest import mock

from django.db import connection
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult


def run_worker(worker_id: str = "test-worker") -> list[str]:
    """Run every task that is due, as ``db_worker --batch`` does, then stop; returns the paths of
    the tasks that failed (a task that raised, which ours never should)."""
    worker = db_worker.Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    # In a test's transaction the worker's connection hygiene would end that transaction.
    hygiene = (
        mock.patch.object(db_worker, "close_old_connections", lambda: None)
        if connection.in_atomic_block
        else nullcontext()
    )
    with hygiene:
        worker.run()
    failed = DBTaskResult.objects.failed().filter(worker_ids__contains=[worker_id])
    return [f"{result.task_path}: {result.traceback}" for result in failed]


def due_tasks() -> list[str]:
    """The names of the tasks a worker would run now."""
    return [result.task_path.rsplit(".", 1)[1] for result in DBTaskResult.objects.ready()]


def waiting_tasks() -> list[tuple[str, object]]:
    """Every task not yet run, by name and when it falls due (None: at once), those due at
    once first, then by when they fall due."""
    tasks = [
        (result.task_path.rsplit(".", 1)[1], result.task_result.task.run_after)
        for result in DBTaskResult.objects.filter(status="READY").order_by("enqueued_at")
    ]
    return sorted(tasks, key=lambda task: (task[1] is not None, task[1] or 0))
