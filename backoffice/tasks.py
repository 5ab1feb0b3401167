from celery import shared_task

from . import services


@shared_task(name="backoffice.import_check", acks_late=True, ignore_result=True)
def import_job_check_task(job_id: int) -> None:
    services.import_job_check(job_id=job_id)


@shared_task(name="backoffice.import_run", acks_late=True, ignore_result=True)
def import_job_run_task(job_id: int) -> None:
    services.import_job_run(job_id=job_id)
