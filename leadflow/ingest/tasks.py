from django_tasks import task


@task()
def run_import(job_id: int) -> str:
    from leadflow.ingest.services import import_run

    return import_run(job_id).status
