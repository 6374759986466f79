"""The install step finds Python 3.10, or says clearly what to install."""

import os
import subprocess
import sys


def run_find_python(project_root, env):
    return subprocess.run(
        ["bash", str(project_root / "scripts" / "find_python.sh")],
        capture_output=True,
        text=True,
        env=env,
    )


def test_finds_the_given_interpreter(project_root):
    result = run_find_python(project_root, {**os.environ, "PYTHON": sys.executable})
    assert result.returncode == 0
    assert result.stdout.strip() == sys.executable


def test_rejects_a_wrong_interpreter(project_root):
    result = run_find_python(project_root, {**os.environ, "PYTHON": "/bin/false"})
    assert result.returncode == 1
    assert "not a working Python 3.10" in result.stderr


def test_explains_what_to_install_when_none_is_found(project_root, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path)}
    result = run_find_python(project_root, env)
    if result.returncode == 0:  # the system itself has a python3.10 on /usr/bin
        assert result.stdout.strip().endswith("python3.10")
        return
    assert result.returncode == 1
    assert "no Python 3.10 interpreter found" in result.stderr
    assert "pyenv install 3.10" in result.stderr
