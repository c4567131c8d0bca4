"""The production Docker files (docker/): compose.yaml's services, .env.example against the settings, the
Dockerfile and .dockerignore. No database and no Docker engine needed; ``docker compose config`` (or
docker-compose 1.29+) validates compose.yaml when a client is installed, and SECONDO_COMPOSE_REQUIRED=1 turns
its absence into a failure."""

import ast
import fnmatch
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent.parent
DOCKER = ROOT / "docker"
COMPOSE = DOCKER / "compose.yaml"
ENV_EXAMPLE = DOCKER / ".env.example"
DOCKERFILE = DOCKER / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

SERVICES = {"postgres", "redis", "migrate", "web", "worker", "beat"}
APP_SERVICES = {"migrate", "web", "worker", "beat"}
LONG_RUNNING = SERVICES - {"migrate"}
# Where the settings and the image's Python scripts read the environment (app_code_env_reads: the rest of the app).
ENV_READERS = [
    *sorted((ROOT / "backend" / "settings").glob("*.py")),
    DOCKER / "gunicorn.conf.py",
    DOCKER / "healthcheck.py",
]
APP_PACKAGES = ["backend", "secondments", "billing"]
# Read by the code, but not a deployer's setting.
NOT_DEPLOYER_SETTINGS = {
    "DJANGO_SETTINGS_MODULE": "the image sets backend.settings.production",
    "DEBUG": "backend/settings/production.py pins DEBUG = False",
}


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def services() -> dict[str, dict[str, Any]]:
    return compose()["services"]


def example_names(*, commented: bool = True) -> set[str]:
    """The variables .env.example assigns; with ``commented``, also those shown commented out (``# NAME=...``)."""
    pattern = r"^#\s*([A-Z][A-Z0-9_]*)=|^([A-Z][A-Z0-9_]*)=" if commented else r"^([A-Z][A-Z0-9_]*)="
    names = set()
    for match in re.finditer(pattern, ENV_EXAMPLE.read_text(), re.MULTILINE):
        names.update(g for g in match.groups() if g)
    return names


def example_values() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            values[match[1]] = match[2]
    return values


def _env_read(node: ast.Call) -> str | None:
    """The variable's name if the call reads the environment: ``env("X")``, ``env.<cast>("X", ...)``,
    ``os.environ.get("X")``, ``os.getenv("X")``."""
    if not node.args or not isinstance(node.args[0], ast.Constant) or not isinstance(node.args[0].value, str):
        return None
    func = node.func
    name = node.args[0].value
    if isinstance(func, ast.Name) and func.id == "env":
        return name
    if isinstance(func, ast.Attribute):
        owner = func.value
        if isinstance(owner, ast.Name) and owner.id == "env" and func.attr != "read_env":
            return name
        if isinstance(owner, ast.Name) and owner.id == "os" and func.attr == "getenv":
            return name
        if isinstance(owner, ast.Attribute) and owner.attr == "environ" and func.attr in ("get", "__getitem__"):
            return name
    return None


def _conditional(tree: ast.AST) -> set[ast.AST]:
    """The nodes inside an ``if``: a read there without a default is required only in that case
    (AWS_STORAGE_BUCKET_NAME with FILE_STORAGE=s3)."""
    return {inner for node in ast.walk(tree) if isinstance(node, ast.If) for inner in ast.walk(node)}


def env_reads(paths: list[Path]) -> dict[str, bool]:
    """Every environment variable the files read, and whether it is always required (read without a default
    outside any ``if``)."""
    found: dict[str, bool] = {}
    for path in paths:
        tree = ast.parse(path.read_text(), filename=str(path))
        conditional = _conditional(tree)
        for node in ast.walk(tree):
            name = None
            required = False
            if isinstance(node, ast.Call):
                name = _env_read(node)
                required = len(node.args) == 1 and not any(k.arg == "default" for k in node.keywords)
                if name and isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "getenv"):
                    required = False  # os.environ.get, os.getenv: None when missing
            elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute):
                if node.value.attr == "environ" and isinstance(node.slice, ast.Constant):
                    name, required = node.slice.value, True
            if node in conditional:
                required = False
            if name and re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
                found[name] = found.get(name, False) or required
    return found


def app_code_env_reads() -> dict[str, bool]:
    paths = [
        p
        for package in APP_PACKAGES
        for p in (ROOT / package).rglob("*.py")
        if "migrations" not in p.parts and "settings" not in p.parts
    ]
    return env_reads(paths)


def compose_variables() -> set[str]:
    """Every ${VAR} (or $VAR) compose.yaml interpolates; $$ escapes a dollar for the container's shell."""
    text = COMPOSE.read_text()
    return set(re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)", text)) | set(
        re.findall(r"(?<!\$)\$([A-Za-z_][A-Za-z0-9_]*)", text)
    )


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def mounts(service: dict[str, Any]) -> set[tuple[str, str]]:
    """(source, target) of each volume, from the short ("src:dst[:mode]") or the long syntax."""
    result = set()
    for volume in service.get("volumes") or []:
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume.get("source", ""), volume["target"]
        result.add((source, target))
    return result


def healthcheck_test(service: dict[str, Any]) -> list[str]:
    test = (service.get("healthcheck") or {}).get("test") or []
    return [test] if isinstance(test, str) else list(test)


# ---- compose.yaml -------------------------------------------------------------------------------------------------


def test_compose_services_are_exactly_the_six() -> None:
    data = compose()
    assert "version" not in data  # the Compose Specification has none
    assert set(data["services"]) == SERVICES
    assert "x-app" in data and "&app" in COMPOSE.read_text()


def test_compose_long_running_services_have_a_healthcheck() -> None:
    for name in sorted(LONG_RUNNING):
        service = services()[name]
        test = healthcheck_test(service)
        assert test and test[0] in ("CMD", "CMD-SHELL"), name
        assert not service["healthcheck"].get("disable"), name
        assert service["restart"] == "unless-stopped", name
    checks = {name: " ".join(healthcheck_test(services()[name])) for name in LONG_RUNNING}
    assert "pg_isready" in checks["postgres"]
    assert checks["redis"] == "CMD redis-cli ping"
    assert checks["web"] == "CMD python /app/docker/healthcheck.py"
    assert "inspect ping --destination celery@$$HOSTNAME" in checks["worker"]
    assert "inspect ping --destination celerybeat@$$HOSTNAME" in checks["beat"]
    assert "--enable-remote-control" in services()["beat"]["command"]


def test_compose_migrate_is_a_one_shot() -> None:
    migrate = services()["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}


def test_compose_volumes_are_mounted_where_the_data_lives() -> None:
    data = compose()
    assert set(data["volumes"]) == {"pgdata", "media"}
    assert ("pgdata", "/var/lib/postgresql/data") in mounts(data["services"]["postgres"])
    for name in ("web", "worker"):
        assert ("media", "/app/media") in mounts(data["services"][name]), name


def test_compose_app_waits_for_healthy_backing_services_and_the_migrations() -> None:
    expected = {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    for name in ("web", "worker", "beat"):
        assert services()[name]["depends_on"] == expected, name


def test_compose_nothing_privileged_and_app_services_share_one_image() -> None:
    for name, service in services().items():
        assert service.get("privileged", False) is False, name
        assert str(service.get("user", "")).split(":")[0] not in ("root", "0"), name
        assert not service.get("cap_add"), name
        assert service.get("network_mode") != "host", name
    images = {services()[name]["image"] for name in APP_SERVICES}
    assert images == {"${SECONDO_IMAGE:-secondo:latest}"}
    build = services()["web"]["build"]
    assert build == {"context": "..", "dockerfile": "docker/Dockerfile"}
    assert (COMPOSE.parent / build["context"] / build["dockerfile"]).resolve() == DOCKERFILE


def test_compose_app_uses_the_postgres_and_redis_services() -> None:
    for name in APP_SERVICES:
        service = services()[name]
        env = environment(service)
        assert re.fullmatch(
            r"postgres://\$\{POSTGRES_USER[^}]*\}:\$\{POSTGRES_PASSWORD[^}]*\}@postgres:5432/\S+", env["DATABASE_URL"]
        ), name
        assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0", name
        assert service["env_file"] == ".env", name
    assert services()["web"]["ports"] == ["${WEB_PORT:-127.0.0.1:8000}:8000"]


# ---- .env.example -------------------------------------------------------------------------------------------------


def test_env_example_has_every_variable_compose_interpolates() -> None:
    missing = compose_variables() - example_names()
    assert not missing, f"add to docker/.env.example: {sorted(missing)}"


def test_env_example_has_every_variable_the_app_reads() -> None:
    reads = env_reads(ENV_READERS) | app_code_env_reads()
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL"} <= set(reads)
    missing = set(reads) - set(NOT_DEPLOYER_SETTINGS) - example_names()
    assert not missing, f"add to docker/.env.example (documented): {sorted(missing)}"


def test_env_example_has_nothing_that_nobody_reads() -> None:
    """A misspelt or removed variable in .env.example would be silently ignored."""
    read = set(env_reads(ENV_READERS)) | set(app_code_env_reads()) | compose_variables()
    compose_own = {"COMPOSE_PROJECT_NAME"}  # read by docker compose itself
    stale = example_names() - read - compose_own
    assert not stale, f"nothing reads these docker/.env.example variables: {sorted(stale)}"


def test_env_example_sets_the_required_settings_with_obvious_placeholders() -> None:
    required = {name for name, needed in env_reads(ENV_READERS).items() if needed}
    assert {"SECRET_KEY", "ALLOWED_HOSTS"} <= required
    assert required | {"POSTGRES_PASSWORD"} <= example_names(commented=False)
    values = example_values()
    for name in ("SECRET_KEY", "POSTGRES_PASSWORD"):
        assert "change-me" in values[name], name
    assert len(values) == len(re.findall(r"^[A-Z][A-Z0-9_]*=", ENV_EXAMPLE.read_text(), re.MULTILINE))  # no repeats
    assert not any("$" in value for value in values.values())  # Compose would interpolate it


# ---- Dockerfile and .dockerignore ---------------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    lines: list[str] = []
    pending = ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        lines.append(pending + line)
        pending = ""
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    last_from = max(i for i, (op, _) in enumerate(instructions) if op == "FROM")
    return instructions[last_from:]


def copied_sources() -> set[str]:
    sources = set()
    for op, args in final_stage():
        if op == "COPY" and "--from=" not in args:
            parts = [p for p in args.split() if not p.startswith("--")]
            sources.update(p.rstrip("/") for p in parts[:-1])
    return sources


def test_dockerfile_is_multi_stage() -> None:
    stages = [args for op, args in dockerfile_instructions() if op == "FROM"]
    assert len(stages) >= 2
    assert all(re.search(r"\sAS\s+\w+", stage, re.IGNORECASE) for stage in stages)
    assert stages[0].startswith("node:") and re.match(r"python:\$\{PYTHON_VERSION\}-slim|python:3\.11-slim", stages[-1])
    assert any(op == "COPY" and "--from=frontend" in args and "frontend/dist" in args for op, args in final_stage())


def test_dockerfile_final_stage_runs_as_a_user_collects_static_and_checks_health() -> None:
    stage = final_stage()
    users = [args for op, args in stage if op == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    runs = " ".join(args for op, args in stage if op == "RUN")
    assert "manage.py collectstatic --noinput" in runs
    assert "SECRET_KEY=build-only" in runs and "ALLOWED_HOSTS=localhost" in runs
    assert "pip install --no-cache-dir -r" in runs
    assert any(op == "HEALTHCHECK" and "/app/docker/healthcheck.py" in args for op, args in stage)
    envs = " ".join(args for op, args in stage if op == "ENV")
    assert "DJANGO_SETTINGS_MODULE=backend.settings.production" in envs
    assert "MEDIA_ROOT=/app/media" in envs and "PYTHONUNBUFFERED=1" in envs
    assert ("EXPOSE", "8000") in stage
    cmd = [args for op, args in stage if op == "CMD"][-1]
    assert "gunicorn" in cmd and "/app/docker/gunicorn.conf.py" in cmd and "backend.wsgi:application" in cmd


def test_dockerfile_copies_every_local_app_and_the_scripts_it_names() -> None:
    sources = copied_sources()
    local_packages = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}
    assert local_packages == set(APP_PACKAGES)
    assert local_packages | {"manage.py", "docker/gunicorn.conf.py", "docker/healthcheck.py"} <= sources
    for source in sources:
        assert (ROOT / source).exists(), source


def test_dockerignore_keeps_secrets_and_clutter_out_of_the_build_context() -> None:
    patterns = [
        line.strip() for line in DOCKERIGNORE.read_text().splitlines() if line.strip() and not line.startswith("#")
    ]
    assert {".git", ".venv", ".env", "**/.env", "**/node_modules", "frontend/dist", "tests"} <= set(patterns)
    assert not any(line.startswith("!") for line in patterns)
    # What the Dockerfile copies must not be ignored.
    needed = [*copied_sources(), "frontend/package.json", "frontend/package-lock.json", "requirements/base.txt"]
    for source in needed:
        assert not any(fnmatch.fnmatch(source, p) or source.startswith(p.rstrip("/") + "/") for p in patterns), source


# ---- docker compose config ----------------------------------------------------------------------------------------


def compose_client() -> list[str] | None:
    """``docker compose`` (the plugin) if it answers, else ``docker-compose`` (1.29+), else None."""
    docker = shutil.which("docker")
    if docker:
        try:
            if subprocess.run([docker, "compose", "version"], capture_output=True, timeout=30).returncode == 0:
                return [docker, "compose"]
        except subprocess.TimeoutExpired:
            pass
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


@pytest.fixture
def compose_project(tmp_path: Path) -> tuple[list[str], Path, dict[str, str]]:
    """The client, a copy of docker/ holding an .env made from .env.example, and an environment without the
    variables .env sets (the shell's would win over the file's)."""
    client = compose_client()
    if client is None:
        message = "no docker compose client: neither `docker compose version` nor docker-compose works"
        if os.environ.get("SECONDO_COMPOSE_REQUIRED") == "1":
            pytest.fail(message + " (SECONDO_COMPOSE_REQUIRED=1)")
        pytest.skip(message)
    project = tmp_path / "docker"
    project.mkdir()
    for name in ("compose.yaml", "Dockerfile"):
        shutil.copy(DOCKER / name, project / name)
    shutil.copy(ENV_EXAMPLE, project / ".env")
    names = example_names()
    env = {k: v for k, v in os.environ.items() if k not in names and not k.startswith("COMPOSE_")}
    return client, project, env


@pytest.mark.real_clock
def test_compose_config_is_valid(compose_project: tuple[list[str], Path, dict[str, str]]) -> None:
    client, project, env = compose_project
    result = subprocess.run(
        [*client, "-f", str(project / "compose.yaml"), "config"], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, f"{' '.join(client)} config: {result.stderr}"
    resolved = yaml.safe_load(result.stdout)
    assert set(resolved["services"]) == SERVICES
    for name in APP_SERVICES:
        env_of = environment(resolved["services"][name])
        assert env_of["DATABASE_URL"] == "postgres://secondo:change-me@postgres:5432/secondo", name
        assert env_of["SECRET_KEY"] == "change-me", name  # docker/.env is the app's environment
    web_ports = resolved["services"]["web"]["ports"]
    assert any("127.0.0.1" in str(port) and "8000" in str(port) for port in web_ports), web_ports


@pytest.mark.real_clock
def test_compose_config_refuses_a_missing_postgres_password(
    compose_project: tuple[list[str], Path, dict[str, str]],
) -> None:
    client, project, env = compose_project
    dotenv = project / ".env"
    dotenv.write_text(re.sub(r"^POSTGRES_PASSWORD=.*$", "", dotenv.read_text(), flags=re.MULTILINE))
    result = subprocess.run(
        [*client, "-f", str(project / "compose.yaml"), "config"], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode != 0
    assert "set POSTGRES_PASSWORD in docker/.env" in result.stderr
