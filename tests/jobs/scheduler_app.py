"""The real app plus one fast test job, for scheduler process tests:
`flask --app tests.jobs.scheduler_app scheduler` runs the real scheduler command."""
from app import create_app
from jobs import registry

if "tests.jobs.tick_tasks" not in registry.TASK_MODULES:
    registry.TASK_MODULES.append("tests.jobs.tick_tasks")

app = create_app()
