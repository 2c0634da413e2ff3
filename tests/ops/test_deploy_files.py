"""The container deploy files (#23 §4) against the code they run, so neither drifts from the other:
these machines cannot build images (no registry for base images), so this is what keeps the
Dockerfile, compose.yaml, deploy/Caddyfile and .env.example honest.

- Settings: every environment variable the code reads (found in the source, not listed by hand) is
  in the README's settings table and in .env.example, and nothing stale is; compose gives the app
  containers only names the code (or Reflex) reads; what compose sets itself is not offered in
  .env.example as if it counted; the variables compose interpolates are documented there.
- .env.example itself: as shipped, production refuses it (blank secrets); filled in and with what
  compose adds, the settings module accepts it for production and reads PostgreSQL, Redis, the
  external worker and the proxy network from it.
- Commands: `python -m` modules import, `alembic` finds its config, `reflex export` takes the flags,
  scripts and make targets named exist; the files the Dockerfile copies exist and are not ignored;
  the requirements it installs are the production ones.
- Ports and health: one port from the Dockerfile through compose to Caddy; the health check asks a
  route the API serves.
- `docker compose config` parses the file when the docker CLI has compose (skipped otherwise).
"""

from __future__ import annotations

import ast
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from eventpalour import serve
from tests.ops.yaml_subset import load as load_yaml

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE_TEXT = (ROOT / "compose.yaml").read_text()
COMPOSE = load_yaml(COMPOSE_TEXT)
CADDYFILE = (ROOT / "deploy" / "Caddyfile").read_text()
ENV_EXAMPLE = (ROOT / ".env.example").read_text()
APP_SERVICES = ("migrate", "web", "worker")
# Read by Reflex itself, not by our code: checked against Reflex's source below.
READ_BY_REFLEX = {"GRANIAN_WORKERS"}
# Compose's own variables (interpolated into compose.yaml, never read by the app).
COMPOSE_ONLY = {"POSTGRES_PASSWORD", "DOCKER_SUBNET"}
_ENV_CALLS = {"_env", "_int", "getenv", "get"}
_INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Z][A-Z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


# --- what the code reads -----------------------------------------------------------------------


def _module_strings(tree: ast.Module) -> dict[str, str]:
    """Module-level `NAME = "text"` constants (e.g. SANDBOX_OPT_IN)."""
    constants = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    constants[target.id] = node.value.value
    return constants


def _is_environ(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def _env_reads(path: Path) -> set[str]:
    """Names read from the environment in one module: `_env("X")`, `_int("X")`, `os.environ.get("X")`,
    `os.getenv("X")`, `os.environ["X"]`, with module constants resolved."""
    tree = ast.parse(path.read_text())
    constants = _module_strings(tree)
    names: set[str] = set()

    def resolve(arg: ast.expr) -> None:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            names.add(arg.value)
        elif isinstance(arg, ast.Name) and arg.id in constants:
            names.add(constants[arg.id])

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if called in ("_env", "_int") or (called == "getenv") or (called == "get" and _is_environ(func.value)):
                resolve(node.args[0])
        elif isinstance(node, ast.Subscript) and _is_environ(node.value) and isinstance(node.ctx, ast.Load):
            resolve(node.slice)
    return names


def settings_read_by_code() -> set[str]:
    sources = [ROOT / "rxconfig.py", *sorted((ROOT / "eventpalour").rglob("*.py"))]
    names = set().union(*(_env_reads(path) for path in sources))
    return {name for name in names if re.fullmatch(r"[A-Z][A-Z0-9_]*", name)}


def readme_settings() -> set[str]:
    """Every `NAME` in the first column of the README's "## Settings" table."""
    section = (ROOT / "README.md").read_text().split("## Settings", 1)[1].split("\n## ", 1)[0]
    names = set()
    for row in section.splitlines():
        if row.startswith("| `"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", row.split("|")[1]))
    return names


def env_example(*, active_only: bool = False) -> dict[str, str]:
    """.env.example's names and values: set lines, and (unless `active_only`) commented-out ones."""
    found = {}
    for line in ENV_EXAMPLE.splitlines():
        active = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line)
        commented = re.match(r"#\s*([A-Z][A-Z0-9_]*)=(\S*)", line)
        if active:
            found[active[1]] = active[2]
        elif commented and not active_only:
            found.setdefault(commented[1], commented[2])
    return found


def _interpolate(text: str, values: dict[str, str]) -> str:
    """Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?error}` against `values`."""

    def one(found: re.Match[str]) -> str:
        value = values.get(found["name"], "")
        if found["op"] == ":?" and not value:
            raise AssertionError(f"compose needs {found['name']}: {found['arg']}")
        return value or (found["arg"] if found["op"] == ":-" else "")

    return _INTERPOLATION.sub(one, text)


def app_environment(service: str) -> dict[str, str]:
    return dict(COMPOSE["services"][service].get("environment") or {})


# --- settings ------------------------------------------------------------------------------------


def test_the_source_scan_finds_the_settings_it_should():
    """The scan itself works: it finds literals, module constants and rxconfig's reads."""
    found = settings_read_by_code()
    assert {"SECRET_KEY", "DATABASE_URL", "ALLOW_SANDBOXES_IN_PRODUCTION", "BACKEND_PORT", "REFLEX_REDIS_URL"} <= found
    assert len(found) > 35


def test_every_setting_is_in_the_readme_table_and_nothing_stale_is():
    code, readme = settings_read_by_code(), readme_settings()
    assert sorted(code - readme) == [], "settings the README's table does not document"
    assert sorted(readme - code - READ_BY_REFLEX) == [], "README rows for settings nothing reads"


def test_every_setting_is_in_env_example_and_nothing_unknown_is():
    code, example = settings_read_by_code(), set(env_example())
    assert sorted(code - example) == [], "settings .env.example does not mention"
    assert sorted(example - code - READ_BY_REFLEX - COMPOSE_ONLY) == [], ".env.example names nothing reads"


def test_reflex_reads_what_we_leave_to_it():
    reflex_source = Path(__import__("reflex").__file__).parent
    for name in READ_BY_REFLEX:
        assert any(name in path.read_text() for path in reflex_source.rglob("*.py")), name


def test_compose_gives_the_app_only_what_the_code_reads_and_documents_what_it_interpolates():
    code = settings_read_by_code()
    for service in APP_SERVICES:
        given = set(app_environment(service))
        assert sorted(given - code - READ_BY_REFLEX) == [], f"{service} sets names nothing reads"
        assert COMPOSE["services"][service]["env_file"] == ".env"
    forced = set(app_environment("web"))
    active = set(env_example(active_only=True))
    assert sorted(forced & active) == [], ".env.example sets what compose overrides anyway"
    interpolated = {found["name"] for found in _INTERPOLATION.finditer(COMPOSE_TEXT)}
    assert sorted(interpolated - set(env_example())) == [], "compose variables .env.example does not document"


def _settings_in_subprocess(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`load_settings()` in a fresh interpreter with exactly `env` (plus PATH): what a container sees."""
    script = (
        "import json\nfrom eventpalour.config import load_settings\ns = load_settings()\n"
        "print(json.dumps({'db': s.database_url, 'redis': s.redis_url, 'inline': s.outbox_worker_inline,"
        " 'proxies': list(s.trusted_proxies), 'production': s.is_production, 'sandbox': s.paystack_sandbox}))"
    )
    clean = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **env}
    return subprocess.run([sys.executable, "-c", script], env=clean, capture_output=True, text=True, cwd=ROOT)


def _container_env(example: dict[str, str]) -> dict[str, str]:
    """What the web container's environment is for an .env with `example`: env_file, then compose's."""
    forced = {name: _interpolate(str(value), example) for name, value in app_environment("web").items()}
    return {**example, **forced}


def test_env_example_as_shipped_is_refused_by_production():
    shipped = env_example(active_only=True)
    assert shipped["APP_ENV"] == "production" and shipped["SECRET_KEY"] == ""
    refused = _settings_in_subprocess({**shipped, "POSTGRES_PASSWORD": "pw"})
    assert refused.returncode != 0 and "ConfigurationError" in refused.stderr and "SECRET_KEY" in refused.stderr


def test_env_example_filled_in_runs_production_on_postgres_redis_and_the_external_worker():
    filled = {name: value or f"filled-{name.lower()}" for name, value in env_example(active_only=True).items()}
    filled["SECRET_KEY"] = "s" * 48
    accepted = _settings_in_subprocess(_container_env(filled))
    assert accepted.returncode == 0, accepted.stderr
    seen = json.loads(accepted.stdout)
    assert seen["production"] and not seen["sandbox"] and not seen["inline"]
    assert seen["db"] == "postgresql+psycopg://eventpalour:filled-postgres_password@db:5432/eventpalour"
    assert seen["redis"] == "redis://redis:6379/0"
    assert seen["proxies"] == [env_example()["DOCKER_SUBNET"]]
    subnet = COMPOSE["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert _interpolate(subnet, filled) == seen["proxies"][0]  # the network Caddy is on


# --- the Dockerfile ------------------------------------------------------------------------------


def _stages() -> list[tuple[str, list[str]]]:
    """(stage name, its instructions with continuation lines joined) per FROM."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    stages: list[tuple[str, list[str]]] = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("FROM "):
            stages.append((line.split(" AS ")[-1].strip() if " AS " in line else "", []))
        elif stages:
            stages[-1][1].append(line)
    return stages


def _dockerignored(path: str) -> bool:
    patterns = [p.strip() for p in (ROOT / ".dockerignore").read_text().splitlines() if p.strip() and p[0] != "#"]
    return any(fnmatch.fnmatch(path, p) or path.startswith(p.rstrip("/") + "/") for p in patterns)


def test_the_image_is_multi_stage_and_runs_as_a_non_root_user():
    stages = _stages()
    assert len(stages) >= 2
    name, final = stages[-1]
    assert COMPOSE["services"]["web"]["build"]["target"] == name
    users = [line.split()[1] for line in final if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert not any("npm" in line or "reflex export" in line for line in final), "the runtime stage builds nothing"
    build_stage = "\n".join(stages[0][1])
    assert "reflex export --frontend-only --no-zip --env prod" in build_stage


def test_the_files_the_dockerfile_copies_exist_and_are_in_the_build_context():
    sources = []
    for _, lines in _stages():
        for line in lines:
            if line.startswith("COPY ") and "--from=" not in line:
                sources += line.split()[1:-1]
    assert "requirements.txt" in sources
    for source in sources:
        if source == ".":
            continue
        assert (ROOT / source).exists(), source
        assert not _dockerignored(source), f"{source} is excluded by .dockerignore"
    run_lines = [line for _, lines in _stages() for line in lines if line.startswith("RUN ")]
    setup = [line for line in run_lines if "scripts/setup.sh" in line]
    assert setup and all("setup.sh requirements.txt" in line for line in setup)  # production packages only
    assert "requirements-dev" not in DOCKERFILE
    for copied in ("eventpalour", "alembic", "alembic.ini", "rxconfig.py", "assets"):
        assert (ROOT / copied).exists() and f"/app/{copied}" in DOCKERFILE


def test_the_build_arguments_are_settings_and_compose_passes_exactly_them():
    args = set(re.findall(r"^ARG (\w+)", DOCKERFILE, re.M)) - {"PYTHON_IMAGE"}
    assert args == {"APP_URL", "PLATFORM_NAME", "SUPPORT_EMAIL", "LEGAL_ENTITY"}  # what the pages embed
    assert args <= settings_read_by_code()
    for service in APP_SERVICES:
        assert set(COMPOSE["services"][service]["build"]["args"]) == args


def _commands() -> list[list[str]]:
    """Every command the image and compose run: the Dockerfile's CMD, compose's `command`s."""
    commands = [json.loads(line[4:]) for _, lines in _stages() for line in lines if line.startswith("CMD ")]
    services = COMPOSE["services"].values()
    commands += [service["command"] for service in services if isinstance(service.get("command"), list)]
    return commands


def test_the_commands_the_image_and_compose_run_exist():
    commands = _commands()
    modules = [c[c.index("-m") + 1] for c in commands if c[:2] == ["python", "-m"]]
    assert set(modules) >= {"eventpalour.serve", "eventpalour.worker"}
    for module in modules:
        probe = subprocess.run([sys.executable, "-c", f"import importlib.util as u; assert u.find_spec({module!r})"])
        assert probe.returncode == 0, module
        assert 'if __name__ == "__main__":' in (ROOT / (module.replace(".", "/") + ".py")).read_text(), module
    assert ["alembic", "upgrade", "head"] in commands and (ROOT / "alembic.ini").exists()
    assert shutil.which("alembic", path=str(Path(sys.executable).parent))
    help_text = subprocess.run(["reflex", "export", "--help"], capture_output=True, text=True, cwd=ROOT).stdout
    for flag in ("--frontend-only", "--no-zip", "--env"):
        assert flag in help_text
    for script in re.findall(r"(?:\./)?(scripts/[\w.-]+\.sh)", DOCKERFILE):
        assert os.access(ROOT / script, os.X_OK), script


def test_the_make_targets_and_scripts_the_deploy_docs_name_exist():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, re.M))
    docs = (ROOT / "docs" / "deploy.md").read_text()
    named = set(re.findall(r"`make ([a-z][\w-]*)`", docs))
    assert named and sorted(named - targets) == []
    for script in set(re.findall(r"(scripts/[\w.-]+\.(?:sh|py))", docs)):
        assert (ROOT / script).exists(), script


# --- ports and health ------------------------------------------------------------------------------


def test_one_port_from_the_image_through_compose_to_caddy_and_a_real_health_route():
    final = _stages()[-1][1]
    exposed = {line.split()[1] for line in final if line.startswith("EXPOSE ")}
    env_line = next(line for line in final if line.startswith("ENV ") and "BACKEND_PORT=" in line)
    port = re.search(r"BACKEND_PORT=(\d+)", env_line)[1]
    assert exposed == {port} and f"FRONTEND_PORT={port}" in env_line  # one port for pages and API
    web = COMPOSE["services"]["web"]
    assert web["expose"] == [port] and "ports" not in web  # only Caddy is published
    for service in APP_SERVICES:
        environment = app_environment(service)
        assert environment["BACKEND_PORT"] == environment["FRONTEND_PORT"] == port
    assert re.search(rf"reverse_proxy web:{port}\b", CADDYFILE)
    assert COMPOSE["services"]["caddy"]["depends_on"]["web"]["condition"] == "service_healthy"

    health = next(line for line in final if line.startswith("HEALTHCHECK "))
    path = re.search(r"127\.0\.0\.1:%s(/[\w/]+)", health)[1]
    assert "BACKEND_PORT" in health
    from eventpalour.api import create_api

    assert "get" in create_api().openapi()["paths"][path]


def test_caddy_compresses_the_pages_the_app_sends_plain():
    """The event page's HTML is written per request, uncompressed (api/html_pages.py); Caddy encodes
    it (and JSON) for the wire, in the site block that proxies to the app."""
    site = CADDYFILE[CADDYFILE.index("{$APP_URL} {") :]
    encode = re.search(r"^\s*encode\s+(.+)$", site, re.MULTILINE)
    assert encode is not None and encode.group(1).split() == ["zstd", "gzip"]
    assert encode.start() < site.index("reverse_proxy")


def test_migrations_run_once_before_the_web_and_the_worker_start():
    services = COMPOSE["services"]
    assert set(services) == {"migrate", "web", "worker", "db", "redis", "caddy"}
    assert services["migrate"]["command"] == ["alembic", "upgrade", "head"] and services["migrate"]["restart"] == "no"
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert app_environment("web")["OUTBOX_WORKER"] == "external"  # the worker service does that work
    assert services["worker"]["command"] == ["python", "-m", "eventpalour.worker"]


def test_the_server_refuses_to_start_without_a_built_frontend(tmp_path, monkeypatch):
    monkeypatch.setattr(serve, "BUILT_PAGES", tmp_path / "client")
    with pytest.raises(SystemExit) as stopped:
        serve.main()
    assert "reflex export --frontend-only --no-zip --env prod" in str(stopped.value.code)
    (tmp_path / "client").mkdir()
    (tmp_path / "client" / "index.html").write_text("<html></html>")
    assert serve.missing_build() is None


# --- docker compose itself -------------------------------------------------------------------------


def _compose_cli() -> list[str] | None:
    for command in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(command[0]) is None:
            continue
        if subprocess.run([*command, "version"], capture_output=True).returncode == 0:
            return command
    return None


def test_docker_compose_parses_the_file(tmp_path):
    cli = _compose_cli()
    if cli is None:
        pytest.skip("no docker compose CLI on this machine (the docker CLI lacks the compose plugin)")
    for name in ("compose.yaml", "Dockerfile", ".dockerignore"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "deploy", tmp_path / "deploy")
    filled = {name: value or "filled" for name, value in env_example(active_only=True).items()}
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in filled.items()))
    checked = subprocess.run([*cli, "config", "--quiet"], cwd=tmp_path, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    rendered = subprocess.run([*cli, "config", "--format", "json"], cwd=tmp_path, capture_output=True, text=True)
    parsed = json.loads(rendered.stdout)
    assert set(parsed["services"]) == set(COMPOSE["services"])
    assert parsed["services"]["web"]["environment"] == {
        **{k: v for k, v in filled.items()},
        **{k: _interpolate(str(v), filled) for k, v in app_environment("web").items()},
    }
