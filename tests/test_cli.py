"""The `leadflow` console command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

from leadflow.org.models import ApiToken

ROOT = Path(__file__).resolve().parent.parent
LEADFLOW = str(Path(sys.executable).with_name("leadflow"))


def test_it_prints_a_new_token_as_the_last_line_and_the_token_works(cast, client, capsys):
    call_command("token", "create", "rep1")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key.startswith("lf_")
    assert ApiToken.objects.get(user=cast.rep1).key_hash == ApiToken.hash_key(key)  # only the hash is stored
    ok = client.get("/api/v1/customers", headers={"Authorization": f"Bearer {key}"})
    assert ok.status_code == 200
    call_command("token", "revoke", key[:12])
    revoked = client.get("/api/v1/customers", headers={"Authorization": f"Bearer {key}"})
    assert revoked.status_code == 401
    assert revoked.json()["detail"]


def test_it_is_installed_as_a_console_command_wrapping_manage_py():
    env = {**os.environ, "LEADFLOW_DEMO": "1", "LEADFLOW_VAR_DIR": str(ROOT / "var" / "test-cli")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([LEADFLOW, "help"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for command in ("run", "worker", "sweep", "demo", "token", "bench", "migrate"):
        assert command in result.stdout
