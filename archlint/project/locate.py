"""Where a build's Dockerfile is (``Build.dockerfile``), and whether it is missing (``Build.missing``,
XF005): looked for relative to each folder the build may run in (``Project._tops``)."""
from __future__ import annotations

import os


def remote_context(value: str) -> bool:
    """Whether a build context is remote (a git or tarball URL, ``git@host:...``), whatever
    variables follow (``"https://github.com/docker/docker-py.git#${COMMIT}"``)."""
    return "://" in value or value.startswith("git@")


def locate(project, b, fact: dict, folder: str) -> None:
    """Find the Dockerfile ``b`` builds, relative to each of the folders it may run in."""
    file, context = fact["file"], fact["context"]
    if "cd" in fact["bases"]:
        return  # the command runs in a folder not known here: its paths link nothing
    if context is not None and (remote_context(context) or context.startswith("-")):
        return  # a remote context (a git URL): -f names a file in it
    # after an unknown root (harbor's -f $(CURDIR)/make/photon/prepare/Dockerfile): the rest
    # from where it runs, or from the top
    rooted = "rooted" in fact["bases"]
    if file is not None and ("*" in file or file == "-" or os.path.isabs(file) or "://" in file):
        return
    if file is None:
        if context is None:
            context = "."
        if "*" in context:
            return
        names = ["Containerfile", "Dockerfile"] if b.tool.startswith(("podman", "buildah")) else ["Dockerfile"]
        rels = [os.path.join(context, n) for n in names]
    else:
        rels = [file]
    root = project.root
    inside = root.rstrip(os.sep) + os.sep
    tried: list = []  # absolute candidates, in order (shown only when none exists)
    tops = project._tops(folder, fact["bases"])
    nocase = "nocase" in fact["bases"]
    for other in project.runs_in.get(os.path.join(project.root, b.path), ()):
        if other not in tops:
            tops.append(other)
    if rooted and root not in tops:
        tops.append(root)
    for top in tops:
        for rel in rels:
            cand = os.path.normpath(os.path.join(top, rel))
            if not cand.startswith(inside) or cand in tried:
                continue  # never above the repository
            tried.append(cand)
            if not (cand in project.known or project._exists(cand)):
                cand = tried[-1] = _other_casing(project, b, cand, nocase)  # (the file as named on disk)
            if cand in project.known or project._exists(cand):
                b.tried = [project._display(c) for c in tried]
                b.dockerfile = b.tried[-1]
                return
    project.probes.extend(tried)
    b.tried = [project._display(c) for c in tried]
    doc = b.path.lower().endswith((".md", ".markdown"))
    unmade = bool(tried) and not {"made", "caller"} & set(fact["bases"]) and not rooted \
        and not _output(project, tried) and not _in_clone(project, tried)
    b.missing = unmade and file is not None and (
        not doc or _named_here(project, file) and not _elsewhere(project, file))
    # (nor one whose context from the top holds one: camel-k's Makefile -> script/Makefile runs at the top)
    # (a lowercase `dockerfile` is what docker, BuildKit and buildah read without one: also a Dockerfile)
    b.absent = unmade and file is None and not doc and not any(
        c.startswith(inside) and project._exists(c) for c in (os.path.normpath(os.path.join(t, r)) for t in tops + [root]
                                                                for r in rels + [os.path.join(context, "dockerfile")]))
    if b.missing:  # (XF005 says once what misses because this folder does not exist: an input too)
        project.probes.append(os.path.dirname(tried[0]))


def windows_paths(context: str, dockerfile: str | None) -> tuple:
    """(whether written with backslashes, context, dockerfile with ``/`` for ``\\``): a Windows
    path (rapids' compose ``context: .\\image``, ``dockerfile: ..\\windows.dockerfile``), which compose on
    Windows reads with either slash and finds whatever the case of its names (``nocase``)."""
    nocase = "\\" in context + (dockerfile or "")
    return nocase, context.replace("\\", "/"), dockerfile and dockerfile.replace("\\", "/")


def _other_casing(project, b, path: str, nocase: bool) -> str:
    """Where a Dockerfile not found at ``path`` is found all the same: whatever the case of its
    names on Windows (``nocase``); a lowercase ``dockerfile`` beside a missing ``Dockerfile`` for
    docker's builds (buildx reads it, moby#10858: whisperX-FastAPI's compose ``dockerfile:
    Dockerfile`` with only ``dockerfile``); else ``path``."""
    if nocase:
        return _nocase(project, path) or path
    if os.path.basename(path) == "Dockerfile" and not b.tool.startswith(("podman", "buildah")):
        low = os.path.join(os.path.dirname(path), "dockerfile")
        if low in project.known or project._exists(low):
            return low
    return path


def _nocase(project, path: str) -> str | None:
    """The file at ``path`` (in the repository) as Windows finds it, its names in any case: its
    path, or None.  Each folder's listing is read once (``folder_entries``, bounded) and the
    folders asked are probes of the run."""
    from ..source import folder_entries

    root = project.root.rstrip(os.sep)
    cur = root
    parts = path[len(root) + 1:].split(os.sep)
    for i, part in enumerate(parts):
        project.probes.append(cur)
        low = part.lower()
        hit = next((n for n, is_dir in folder_entries(cur) if n.lower() == low and is_dir == (i < len(parts) - 1)), None)
        if hit is None:
            return None
        cur = os.path.join(cur, hit)
    return cur


def _in_clone(project, tried: list) -> bool:
    """Whether a Dockerfile looked for lies under a folder, missing from the repository, named as
    one a ``git clone`` of the repository's files makes (opea's ``build.yaml`` building
    ``context: GenAIComps``, which its workflow clones beside it): another repository's
    checkout, not a missing file."""
    if not project.cloned:
        return False
    root = project.root.rstrip(os.sep) + os.sep
    for c in tried:
        parts = c[len(root):].split(os.sep)[:-1]
        for i, part in enumerate(parts):  # (a folder of the repository of that name is no checkout)
            if part in project.cloned and not os.path.isdir(root + os.sep.join(parts[:i + 1])):
                return True
    return False


def _output(project, tried: list) -> bool:
    """Whether a Dockerfile looked for lies where git ignores files, or is one git ignores: a
    build's output (fission's skaffold contexts in goreleaser's ``dist/``, where a Makefile target
    copies the Dockerfiles; keylime's generated ``docker/release/*/Dockerfile``): written before
    the build, never missing."""
    if project._gitignore is None:
        from ..discovery import GitIgnore


        git = os.path.join(project.root, ".git")
        project._gitignore = GitIgnore(project.root) if os.path.exists(git) else False
    if not project._gitignore:
        return False  # not a repository's top: no ignore files of its own
    gi, n = project._gitignore, len(project._gitignore.tried)
    found = any(gi.ignored(os.path.dirname(c), True) for c in tried if os.path.dirname(c) != project.root) \
        or any(gi.ignored(c, False) for c in tried)  # (or the file itself: keylime's docker/release/.gitignore
    #                                                  lists the Dockerfile its generate-files.sh writes from Dockerfile.in)
    project.probes.extend(gi.tried[n:])  # the ignore files read: inputs of the run
    return found


def _named_here(project, file: str) -> bool:
    """Whether a file the run read has the name of ``file``: a document's build of a
    Dockerfile no file here is named like (contour's guide to building Envoy,
    ``docker build -f ./ci/Dockerfile-envoy`` "from the Envoy source directory") runs in
    another repository's checkout."""
    return os.path.basename(file) in _by_name(project)


def _by_name(project) -> dict:
    """The paths of the files the run read, by name: worked out once per run."""
    if project._file_names is None:
        project._file_names = {}
        for p in project.known:
            project._file_names.setdefault(os.path.basename(p), []).append(p)
    return project._file_names


def _elsewhere(project, file: str) -> bool:
    """Whether a file the run read lies at ``file`` from some folder of the repository: a
    document's build runs where its reader is, which it does not say (tensorflow/serving's
    g3doc ``docker build -f Dockerfile.devel .`` for ``tools/docker/Dockerfile.devel``, which it
    links; kubeedge's mapper-framework README, ``-f Dockerfile_stream`` "after generating the
    mapper project" from ``_template/mapper/``).  A path that leads nowhere in the repository,
    its file's name found elsewhere, is missing (a renamed folder)."""
    tail = os.sep + os.path.normpath(file)
    return any(p.endswith(tail) for p in _by_name(project).get(os.path.basename(file), ()))
