"""Settings come from the environment and fail loudly on bad values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from leadflow import conf

ROOT = Path(__file__).resolve().parent.parent
LEADFLOW = str(Path(sys.executable).with_name("leadflow"))


def run(env_over: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEADFLOW_", "SECRET_KEY", "DJANGO_SETTINGS"))}
    env["LEADFLOW_VAR_DIR"] = str(ROOT / "var" / "test-config")
    env.update(env_over)
    return subprocess.run([LEADFLOW, *(args or ("check",))], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = run({})
    assert result.returncode == 2
    assert "SECRET_KEY is not set" in result.stderr


def test_it_refuses_a_short_secret_key_in_production():
    result = run({"SECRET_KEY": "short"})
    assert result.returncode == 2
    assert "at least 32 characters" in result.stderr


def test_it_starts_in_production_with_a_real_key_and_secure_cookies():
    key = "k" * 50
    result = run(
        {"SECRET_KEY": key, "ALLOWED_HOSTS": "crm.example.cn"},
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.DEBUG)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True True False"


def test_it_reads_a_secret_from_a_file(tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s" * 40 + "\n")
    result = run({"SECRET_KEY_FILE": str(secret)}, "shell", "-c", "from django.conf import settings; print(len(settings.SECRET_KEY))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "40"


def test_it_names_a_bad_boolean():
    result = run({"LEADFLOW_DEMO": "maybe"})
    assert result.returncode == 2
    assert "LEADFLOW_DEMO='maybe' is not a boolean" in result.stderr


def test_it_names_a_bad_database_url():
    result = run({"LEADFLOW_DEMO": "1", "DATABASE_URL": "nosuchdb://x"})
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr


@pytest.mark.parametrize(
    ("helper", "value", "message"),
    [
        (lambda: conf.env_int("LF_TEST_VAR", 1), "ten", "not a whole number"),
        (lambda: conf.env_int("LF_TEST_VAR", 1, minimum=5), "3", "below the minimum"),
        (lambda: conf.env_choice("LF_TEST_VAR", "a", {"a", "b"}), "c", "must be one of"),
    ],
)
def test_it_fails_loudly_on_bad_values(monkeypatch, helper, value, message):
    monkeypatch.setenv("LF_TEST_VAR", value)
    with pytest.raises(conf.ConfigError, match=message):
        helper()


def test_it_defaults_to_chinese_and_shanghai_time(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
