"""Jobs used by the worker tests: each run leaves one row behind, so double runs show."""

from django_tasks import task

from leadflow.audit.models import AuditEntry


@task()
def record_run(n: int) -> int:
    AuditEntry.objects.create(source="system", action="job", entity="tests.job", object_id=str(n))
    return n
