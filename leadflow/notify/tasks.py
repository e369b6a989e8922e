from django_tasks import task


@task()
def deliver_message(message_id: int) -> str:
    from leadflow.notify.services import outbox_deliver

    return outbox_deliver(message_id)
