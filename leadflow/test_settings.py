"""Settings for the test suite: the real settings, in demo mode, with a fast password hasher."""

import os

os.environ.setdefault("LEADFLOW_DEMO", "1")
os.environ.setdefault("LEADFLOW_VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test"))

from leadflow.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = VAR_DIR / "media"  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
AXES_ENABLED = True
LANGUAGE_CODE = "zh-hans"
STATIC_ROOT = VAR_DIR / "static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Tests change rules with queryset updates too (no signal): read them on every write here;
# tests/test_gatekeeper_cache.py covers the cache itself.
GATE_RULES_CACHE_SECONDS = 0.0
