"""The command line's own rules: options spelled out, numbers in range, counts in words."""

from __future__ import annotations

import pytest
from conftest import SiteMaker, article, run_digest


def test_an_abbreviated_option_is_refused(make_site: SiteMaker) -> None:
    site = make_site({"content/d.md": article("Draft", id="d", draft="true")})
    result = run_digest("build", "--site", site, "--dra")
    assert result.returncode == 2
    assert "unrecognized arguments: --dra" in result.stderr
    assert not (site / "output").exists()


@pytest.mark.parametrize(
    ("command", "option", "value"),
    [
        ("build", "--jobs", "0"),
        ("build", "--jobs", "-1"),
        ("build", "--jobs", "two"),
        ("serve", "--port", "99999"),
        ("serve", "--port", "-1"),
        ("serve", "--port", "http"),
    ],
)
def test_a_number_out_of_range_is_a_usage_error(
    make_site: SiteMaker, command: str, option: str, value: str
) -> None:
    site = make_site({"content/a.md": article("A", id="a")})
    result = run_digest(command, "--site", site, option, value)
    assert result.returncode == 2
    assert f"argument {option}: " in result.stderr
    assert "internal error" not in result.stderr
    assert not (site / "output").exists()


def test_one_of_a_kind_is_counted_in_the_singular(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": article("A", id="a"), "content/map.svg": "<svg/>"})
    result = run_digest("build", "--site", site)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("built 1 article: ")
    assert "; 0 warnings (" in result.stdout


def test_check_prints_its_warnings_even_when_quiet(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": article("A")})  # no id: a warning
    result = run_digest("check", "--site", site, "-q")
    assert result.returncode == 0
    assert result.stdout == ""
    assert "content/a.md:1: warning: no 'id'" in result.stderr


def test_a_strict_check_with_warnings_says_it_failed(make_site: SiteMaker) -> None:
    site = make_site({"content/a.md": article("A")})
    result = run_digest("check", "--site", site, "--strict")
    assert result.returncode == 1
    assert "check failed (--strict): 1 warning" in result.stderr
    assert "passed" not in result.stdout + result.stderr
    assert run_digest("check", "--site", site).stdout == "check passed: 1 warning\n"
