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
