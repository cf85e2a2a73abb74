"""Large imports run as jobs: through a real worker, and past a broker that is down."""

import socket
from datetime import timedelta

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.db import transaction
from django.utils import timezone

from tasks import jobs, services
from tasks.models import CatalogueImport, Task
from tests.conftest import celery_broker, redis_url, wait_until

from .workbooks import simple_rows, workbook_bytes

Status = CatalogueImport.Status


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("broker", ["memory", pytest.param("redis", marks=pytest.mark.redis)])
def test_a_real_worker_reads_and_writes_a_large_import(broker, settings, maintainer, standard_data):
    settings.CATALOGUE_JOB_THRESHOLD_ROWS = 5
    settings.CATALOGUE_JOB_THRESHOLD_BYTES = 1000
    url = "memory://" if broker == "memory" else redis_url()
    with celery_broker(url) as app, start_worker(app, perform_ping_check=False, pool="solo"):
        with transaction.atomic():
            record = services.start_upload(
                data=workbook_bytes(simple_rows(12)), file_name="groot.xlsx", user=maintainer
            )
        assert record.status == Status.ANALYSING
        wait_until(lambda: CatalogueImport.objects.get(pk=record.pk).status == Status.PREVIEW)
        with transaction.atomic():
            services.confirm_upload(record=CatalogueImport.objects.get(pk=record.pk))
        wait_until(lambda: CatalogueImport.objects.get(pk=record.pk).status == Status.APPLIED)
    assert Task.objects.count() == 12


@pytest.mark.django_db
def test_an_import_left_waiting_by_a_dead_broker_is_resumed(
    settings, maintainer, django_capture_on_commit_callbacks
):
    settings.CATALOGUE_JOB_THRESHOLD_ROWS = 5
    settings.CATALOGUE_JOB_THRESHOLD_BYTES = 1000
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (
        celery_broker(f"redis://127.0.0.1:{port}/0"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        record = services.start_upload(
            data=workbook_bytes(simple_rows(12)), file_name="groot.xlsx", user=maintainer
        )
    record.refresh_from_db()
    assert record.status == Status.ANALYSING  # kept, waiting
    assert services.stale_waiting_imports() == []  # not yet stale
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=11)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        jobs.resume_pending_imports()
    record.refresh_from_db()
    assert (record.status, record.created) == (Status.PREVIEW, 12)
