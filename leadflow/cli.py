"""The `leadflow` console command: Django's manage.py with Leadflow's own commands
(run, worker, sweep, demo, token, bench) beside Django's."""

from __future__ import annotations

import os
import sys


def django_main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadflow.settings")
    from django.core.management import execute_from_command_line

    from leadflow.conf import ConfigError

    try:
        execute_from_command_line(argv)
    except ConfigError as exc:
        sys.stderr.write(f"leadflow: configuration error: {exc}\n")
        sys.exit(2)


def main() -> None:
    django_main(["leadflow", *sys.argv[1:]])


if __name__ == "__main__":
    main()
