"""The one platform validator: what it accepts, what it rejects, and what it suggests."""
from __future__ import annotations

import pytest

from archlint import platforms


@pytest.mark.parametrize("value", [
    "linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386",
    "linux/ppc64le", "linux/s390x", "linux/riscv64", "windows/amd64", "darwin/arm64",
    "wasi/wasm", "wasi/wasm32", "wasip1/wasm",  # Docker's WebAssembly workloads
])
def test_valid(value):
    assert str(platforms.parse(value)) == value


def test_arm64_v8_is_arm64():
    assert platforms.parse("linux/arm64/v8") == platforms.parse("linux/arm64")


@pytest.mark.parametrize("value,suggestion", [
    ("linux/x86_64", "linux/amd64"),
    ("linux/amd46", "linux/amd64"),
    ("linux/arm64/v9", "linux/arm64"),
    ("amd64", "linux/amd64"),
    ("linux/aarch64", "linux/arm64"),
    ("linux/armhf", "linux/arm/v7"),
])
def test_invalid_with_the_nearest_valid_value(value, suggestion):
    with pytest.raises(platforms.PlatformError) as e:
        platforms.parse(value)
    assert e.value.suggestion == suggestion


# How the build reads a platform string (containerd's platforms.Parse and Normalize, which
# BuildKit and docker use), case by case: value -> (kind, what the build makes of it).
READINGS = [
    ("linux/amd64", "canonical", "linux/amd64"),
    ("linux/arm64/v8", "canonical", "linux/arm64"),  # v8 is arm64's default variant
    ("linux/arm", "canonical", "linux/arm"),  # arm means arm/v7
    ("linux/arm/v7", "canonical", "linux/arm/v7"),
    ("linux/amd64/v3", "canonical", "linux/amd64/v3"),
    ("windows(10.0.17763)/amd64", "canonical", "windows(10.0.17763)/amd64"),  # an OS version
    ("linux/x86_64", "alias", "linux/amd64"),
    ("linux/x86-64", "alias", "linux/amd64"),
    ("linux/aarch64", "alias", "linux/arm64"),
    ("linux/i386", "alias", "linux/386"),
    ("linux/armhf", "alias", "linux/arm/v7"),
    ("linux/armel", "alias", "linux/arm/v6"),
    ("linux/arm/7", "alias", "linux/arm/v7"),
    ("linux/arm64/8", "alias", "linux/arm64"),
    ("Linux/AMD64", "alias", "linux/amd64"),  # both parts are lower-cased
    ("macos/arm64", "alias", "darwin/arm64"),
    ("amd64", "bare-arch", "linux/amd64"),  # the build machine's OS is added
    ("x86_64", "bare-arch", "linux/amd64"),
    ("aarch64", "bare-arch", "linux/arm64"),
    ("linux", "bare-os", "linux"),  # the build machine's CPU is added
    ("windows", "bare-os", "windows"),
]


@pytest.mark.parametrize("value,kind,reading", READINGS)
def test_the_build_reads_platforms_so(value, kind, reading):
    sp = platforms.read(value)
    assert (sp.kind, sp.canonical) == (kind, reading)


@pytest.mark.parametrize("value", [
    "linux/*",  # wildcards are not supported
    "linux/amd64/v3/extra",  # four components
    "linux//amd64", "/amd64", "linux/",  # an empty component
    "linux/amd 64", "linux/amd64!",  # outside [A-Za-z0-9_-]
    "amd46", "x64",  # one component that is neither a known OS nor architecture
    "linux/amd46", "lnux/amd64", "linux/x64",  # no image or emulator exists for it
    "linux/arm64/v9", "linux/386/v2",  # a variant the architecture does not have
])
def test_the_build_or_archlint_rejects(value):
    with pytest.raises(platforms.PlatformError):
        platforms.read(value)


def test_meaning_is_what_rules_compare():
    assert platforms.meaning("linux/x86_64") == platforms.parse("linux/amd64")
    assert platforms.meaning("amd64") is None  # depends on the build machine's OS
    assert platforms.meaning("linux") is None  # depends on its CPU
    assert platforms.meaning("linux/amd46") is None


def test_a_stray_closing_bracket_does_not_join_the_rest_of_the_list():
    # a ``)`` with no ``(`` before it is text, not the end of a group: later commas still split
    assert [p for p, _ in platforms.split_list("linux/amd64),linux/arm64,linux/s390x")] == [
        "linux/amd64)", "linux/arm64", "linux/s390x"]
    assert [p for p, _ in platforms.split_list("${{ join(m.p, ',') }},linux/arm64")] == [
        "${{ join(m.p, ',') }}", "linux/arm64"]
