"""The Python README's examples run as written (in a temporary directory)."""

import re

import pytest

from cpep_support import REPO

README = REPO / "bindings" / "python" / "README.md"


def examples():
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_has_examples():
    assert len(examples()) >= 2


@pytest.mark.parametrize("index", range(len(examples())))
def test_readme_example_runs(tmp_path, monkeypatch, capsys, index):
    monkeypatch.chdir(tmp_path)
    code = compile(examples()[index], "%s[example %d]" % (README.name, index), "exec")
    exec(code, {"__name__": "readme_example"})
