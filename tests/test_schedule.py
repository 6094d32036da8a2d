"""`privacyguard schedule`: systemd timer, crontab line, launchd plist, Task Scheduler XML from one code
path. Tests never touch the real user's scheduler: every command and folder is overridden with fakes."""

from __future__ import annotations

import json
import os
import plistlib
import shlex
import shutil
import stat
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from croniter import croniter

from conftest import run_cli
from privacyguard import schedule
from privacyguard.schedule import cron, launchd, systemd, windows
from privacyguard.schedule.job import make_job
from sweep_helpers import POLICY

FAKES = {
    # crontab: -l prints the table (or fails like the real one when there is none); - replaces it from stdin
    "crontab": """#!/bin/sh
echo "crontab $*" >> "$FAKE_LOG"
case "$1" in
  -l) if [ -f "$FAKE_STATE/crontab" ]; then cat "$FAKE_STATE/crontab"
      else echo "no crontab for $USER" >&2; exit 1; fi ;;
  -) cat > "$FAKE_STATE/crontab" ;;
esac
""",
    "systemctl": """#!/bin/sh
echo "systemctl $*" >> "$FAKE_LOG"
case "$2" in
  enable) touch "$FAKE_STATE/enabled" ;;
  disable) rm -f "$FAKE_STATE/enabled" ;;
  is-enabled) if [ -f "$FAKE_STATE/enabled" ]; then echo enabled; else echo disabled; exit 1; fi ;;
  list-timers) echo "NEXT LEFT LAST PASSED UNIT ACTIVATES"; echo "Tue 2026-12-01 21:30:00 UTC 4 days left - - $3 x" ;;
esac
""",
    "launchctl": """#!/bin/sh
echo "launchctl $*" >> "$FAKE_LOG"
case "$1" in
  bootstrap) cp "$3" "$FAKE_STATE/loaded.plist" ;;
  bootout) rm -f "$FAKE_STATE/loaded.plist" ;;
  print) [ -f "$FAKE_STATE/loaded.plist" ] || exit 113 ;;
esac
""",
    "schtasks": """#!/bin/sh
echo "schtasks $*" >> "$FAKE_LOG"
case "$1" in
  /Create) cp "$5" "$FAKE_STATE/task.xml" ;;
  /Delete) rm -f "$FAKE_STATE/task.xml" ;;
  /Query) if [ -f "$FAKE_STATE/task.xml" ]; then echo "TaskName: $3"; echo "Status: Ready"
          else echo "ERROR: not found" >&2; exit 1; fi ;;
esac
""",
}
USER_CRON_LINE = "15 3 * * * /usr/local/bin/backup --nightly"


@pytest.fixture
def fakes(tmp_path: Path, pg_home: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Fake scheduler commands and folders, and a home with an account and a working policy."""
    bin_dir, state, units, agents = (tmp_path / d for d in ("bin", "state", "units", "agents"))
    for folder in (bin_dir, state):
        folder.mkdir()
    for name, script in FAKES.items():
        path = bin_dir / name
        path.write_text(script)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "calls.log"
    for key, value in {"FAKE_LOG": log, "FAKE_STATE": state, "PRIVACYGUARD_SYSTEMD_USER_DIR": units,
                       "PRIVACYGUARD_SYSTEMCTL": bin_dir / "systemctl", "PRIVACYGUARD_CRONTAB": bin_dir / "crontab",
                       "PRIVACYGUARD_LAUNCHD_DIR": agents, "PRIVACYGUARD_LAUNCHCTL": bin_dir / "launchctl",
                       "PRIVACYGUARD_SCHTASKS": bin_dir / "schtasks"}.items():
        monkeypatch.setenv(key, str(value))
    (state / "crontab").write_text(USER_CRON_LINE + "\n")  # the user's own job, which must survive
    pg_home.mkdir(parents=True, exist_ok=True)
    (pg_home / "config.toml").write_text(f'[sweep]\npolicy = "{POLICY}"\n')
    assert run_cli("accounts", "add", "li", "--platform", "linkedin", "--sandbox", "hardened",
                   home=pg_home).returncode == 0
    return {"state": state, "units": units, "agents": agents, "log": log, "home": pg_home}


def installed_artifacts(backend: str, fakes: dict[str, Path]) -> list[str]:
    if backend == "systemd":
        return sorted(p.name for p in fakes["units"].glob("*"))
    if backend == "cron":
        return [line for line in (fakes["state"] / "crontab").read_text().splitlines() if "privacyguard" in line]
    if backend == "launchd":
        return sorted(p.name for p in fakes["agents"].glob("*")) + (
            ["loaded"] if (fakes["state"] / "loaded.plist").exists() else [])
    return sorted(p.name for p in (fakes["home"] / "schedule").glob("*")) + (
        ["registered"] if (fakes["state"] / "task.xml").exists() else [])


@pytest.mark.parametrize("backend", ["systemd", "cron", "launchd", "windows"])
def test_install_twice_status_remove(backend: str, fakes: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIVACYGUARD_SCHEDULER", backend)
    home = fakes["home"]
    first = run_cli("schedule", "install", "--weekly", "mon", "--at", "09:00", home=home)
    assert first.returncode == 0, first.stderr
    assert "every Monday at 09:00" in first.stdout
    once = installed_artifacts(backend, fakes)
    second = run_cli("schedule", "install", "--weekly", "tuesday", "--at", "21:30", home=home)
    assert second.returncode == 0, second.stderr
    twice = installed_artifacts(backend, fakes)
    assert len(twice) == len(once) >= 1  # replaced, not duplicated
    record = json.loads((home / "schedule.json").read_text())
    assert record["backend"] == backend and record["when"] == "every Tuesday at 21:30 (local time)"
    status = run_cli("schedule", "status", home=home)
    assert status.returncode == 0, status.stdout + status.stderr
    assert "every Tuesday at 21:30" in status.stdout and "sweep --quiet" in status.stdout
    removed = run_cli("schedule", "remove", home=home)
    assert removed.returncode == 0, removed.stderr
    assert installed_artifacts(backend, fakes) == []
    assert not (home / "schedule.json").exists()
    assert (fakes["state"] / "crontab").read_text().splitlines() == [USER_CRON_LINE]  # untouched
    assert run_cli("schedule", "status", home=home).returncode == 1
    assert "no weekly sweep was installed" in run_cli("schedule", "remove", home=home).stdout
    calls = fakes["log"].read_text()
    expected = {"systemd": ["systemctl --user daemon-reload", "enable --now", "disable --now"],
                "cron": ["crontab -l", "crontab -"], "launchd": ["launchctl bootstrap gui/", "launchctl bootout gui/"],
                "windows": ["schtasks /Create /TN \\privacyguard\\", "/XML", "/F", "schtasks /Delete"]}[backend]
    for fragment in expected:
        assert fragment in calls, (fragment, calls)


def test_switching_backend_removes_the_old_job(fakes: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIVACYGUARD_SCHEDULER", "cron")
    assert run_cli("schedule", "install", home=fakes["home"]).returncode == 0
    monkeypatch.setenv("PRIVACYGUARD_SCHEDULER", "systemd")
    assert run_cli("schedule", "install", home=fakes["home"]).returncode == 0
    assert installed_artifacts("cron", fakes) == []
    assert len(installed_artifacts("systemd", fakes)) == 2


def test_bad_day_or_time_is_exit_3(fakes: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIVACYGUARD_SCHEDULER", "cron")
    for args, problem in ((["--weekly", "someday"], "--weekly"), (["--at", "25:00"], "--at"),
                          (["--at", "9am"], "--at")):
        result = run_cli("schedule", "install", *args, home=fakes["home"])
        assert result.returncode == 3 and problem in result.stderr, result.stderr
    assert installed_artifacts("cron", fakes) == []


# --- content of what each backend writes -------------------------------------------------------------
@pytest.fixture
def job(pg_home: Path):
    return make_job("tue", "21:30", ["webhook:http://127.0.0.1:9/hook"])


def test_the_job_runs_sweep_quiet_with_the_home_and_an_absolute_executable(job, pg_home: Path) -> None:
    assert Path(job.argv[0]).is_absolute() and os.access(job.argv[0], os.X_OK)
    assert job.argv[1:3] == ["sweep", "--quiet"] or job.argv[1:5] == ["-m", "privacyguard", "sweep", "--quiet"]
    assert job.env == {"PRIVACYGUARD_HOME": str(pg_home.resolve())}
    assert job.argv[-2:] == ["--notify", "webhook:http://127.0.0.1:9/hook"]


def test_systemd_units_content_and_systemd_analyze_verify(job, tmp_path: Path) -> None:
    files = systemd.render(job)
    service, timer = files[f"{job.name}.service"], files[f"{job.name}.timer"]
    assert "OnCalendar=Tue *-*-* 21:30:00" in timer and "Persistent=true" in timer
    assert f"Unit={job.name}.service" in timer and "WantedBy=timers.target" in timer
    assert f"ExecStart={job.argv[0]} sweep --quiet" in service
    assert f"Environment=PRIVACYGUARD_HOME={job.env['PRIVACYGUARD_HOME']}" in service
    assert "SuccessExitStatus=1 2" in service and "Type=oneshot" in service
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here (apt-get install systemd)")
    for name, content in files.items():
        (tmp_path / name).write_text(content)
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    result = subprocess.run([analyze, "--user", "verify", *(str(tmp_path / n) for n in files)], capture_output=True,
                            text=True, env=dict(os.environ, XDG_RUNTIME_DIR=str(runtime)), timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr  # no warning either (unknown keys, bad paths…)


def test_systemd_quoting_of_awkward_paths() -> None:
    assert systemd.quote("/opt/my tools/privacyguard") == '"/opt/my tools/privacyguard"'
    assert systemd.quote("50%") == "50%%" and systemd.quote("$HOME") == "$$HOME"


def test_crontab_line_is_valid(job) -> None:
    line = cron.render(job)
    fields = line.split(maxsplit=5)
    assert fields[:5] == ["30", "21", "*", "*", "2"]
    assert croniter.is_valid(" ".join(fields[:5]))
    command = fields[5]
    assert command.endswith(f"# privacyguard-schedule:{job.name}")
    words = shlex.split(command, comments=True)
    assert words[0] == f"PRIVACYGUARD_HOME={job.env['PRIVACYGUARD_HOME']}"
    assert words[1:] == job.argv
    assert "%" not in command.replace("\\%", "")  # cron turns a bare % into a newline


def test_launchd_plist_content(job) -> None:
    plist = plistlib.loads(launchd.render(job))
    assert plist["Label"] == "org.privacyguard." + job.name.removeprefix("privacyguard-")
    assert plist["ProgramArguments"] == job.argv
    assert plist["EnvironmentVariables"] == job.env
    assert plist["StartCalendarInterval"] == {"Weekday": 2, "Hour": 21, "Minute": 30}
    assert plist["StandardOutPath"].startswith(job.env["PRIVACYGUARD_HOME"])


def test_windows_task_xml_content(job) -> None:
    text = windows.render(job)
    root = ET.fromstring(text.encode("utf-16"))
    ns = {"t": windows.TASK_NS}
    trigger = root.find("t:Triggers/t:CalendarTrigger", ns)
    assert trigger.find("t:StartBoundary", ns).text.endswith("T21:30:00")
    assert trigger.find("t:ScheduleByWeek/t:DaysOfWeek/t:Tuesday", ns) is not None
    assert trigger.find("t:ScheduleByWeek/t:WeeksInterval", ns).text == "1"
    assert root.find("t:Settings/t:StartWhenAvailable", ns).text == "true"
    arguments = root.find("t:Actions/t:Exec/t:Arguments", ns).text
    assert root.find("t:Actions/t:Exec/t:Command", ns).text == "cmd.exe"
    assert f'set "PRIVACYGUARD_HOME={job.env["PRIVACYGUARD_HOME"]}"&& ' in arguments
    assert job.argv[0] in arguments and "sweep --quiet" in arguments
    assert schedule.render(job, "windows")  # the same code path serves every backend


@pytest.mark.browser
def test_the_installed_cron_job_really_sweeps(fakes: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the crontab line's command the way cron would (sh -c, bare environment): a sweep is recorded."""
    monkeypatch.setenv("PRIVACYGUARD_SCHEDULER", "cron")
    assert run_cli("schedule", "install", home=fakes["home"]).returncode == 0
    line = installed_artifacts("cron", fakes)[0]
    command = line.split(maxsplit=5)[5].replace("\\%", "%")
    result = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, timeout=300, check=False,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(fakes["home"].parent)}, cwd="/")
    assert result.returncode == 0, result.stderr  # the hardened account passes
    assert result.stdout == "" and result.stderr == ""  # --quiet
    assert (fakes["home"] / "reports" / "last-sweep.html").is_file()
    listed = run_cli("history", "--format", "json", home=fakes["home"])
    assert [s["id"] for s in json.loads(listed.stdout)] == [1]


# --- issue 13 item 5: a webhook's secrets never in a job file or on screen --------------------------
SECRET_HOOK = "webhook:https://u:SeCrEt@hooks.example.org/p/TOKEN123"


@pytest.mark.parametrize("backend", ["systemd", "cron", "launchd", "windows"])
def test_a_secret_webhook_stays_out_of_job_files_and_output_and_the_job_reads_it_from_the_keyring(
        backend: str, fakes: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from file_keyring import cli_env

    monkeypatch.setenv("PRIVACYGUARD_SCHEDULER", backend)
    keyring_file = tmp_path / "keyring.json"
    env = cli_env(keyring_file)
    home = fakes["home"]
    installed = run_cli("schedule", "install", "--notify", SECRET_HOOK, "--notify", "desktop", home=home, env=env)
    assert installed.returncode == 0, installed.stderr
    status = run_cli("schedule", "status", home=home, env=env)
    written = "".join(p.read_text(errors="ignore") for folder in (fakes["units"], fakes["agents"], fakes["state"],
                                                                  home) if folder.exists()
                      for p in folder.rglob("*") if p.is_file())
    for secret in ("SeCrEt", "TOKEN123", "u:"):
        for where, text in (("install", installed.stdout + installed.stderr), ("status", status.stdout),
                            ("files", written)):
            assert secret not in text, (secret, where)
    assert "webhook:keyring:" in installed.stdout and "--notify desktop" in installed.stdout
    record = json.loads((home / "schedule.json").read_text())
    reference = next(a for a in record["command"] if a.startswith("webhook:keyring:"))
    stored = json.loads(keyring_file.read_text())
    assert stored[f"privacyguard\tschedule/webhook/{reference.split(':')[-1]}"] == SECRET_HOOK.removeprefix("webhook:")
    # The job resolves the reference: a sweep plan with it names the real host (redacted) as its target.
    from privacyguard.alerts import parse_target
    from privacyguard.config import Config

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "")
    import keyring as keyring_module

    from file_keyring import FileKeyring
    monkeypatch.setenv("PG_TEST_KEYRING", str(keyring_file))
    keyring_module.set_keyring(FileKeyring())
    notifier = parse_target(reference, Config())
    assert notifier.url == SECRET_HOOK.removeprefix("webhook:") and notifier.label == "webhook:https://hooks.example.org/…"
    assert run_cli("schedule", "remove", home=home, env=env).returncode == 0
    assert not any(k.startswith("privacyguard\tschedule/") for k in json.loads(keyring_file.read_text()))


def test_without_a_keyring_a_secret_webhook_is_not_scheduled_and_config_toml_is_suggested(
        fakes: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIVACYGUARD_SCHEDULER", "cron")
    result = run_cli("schedule", "install", "--notify", SECRET_HOOK, home=fakes["home"],
                     env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert result.returncode == 2 and "config.toml" in result.stderr and "Traceback" not in result.stderr
    assert "SeCrEt" not in result.stderr + result.stdout and "TOKEN123" not in result.stderr + result.stdout
    assert installed_artifacts("cron", fakes) == []
