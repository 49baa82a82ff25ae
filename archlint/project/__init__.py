"""The project model: every build site, image and deployment of a repository, linked across files.

Each file contributes *facts* while it is linted (``facts.extract``): the builds it runs (a
``docker build`` in a script, Makefile recipe, workflow ``run:`` or runbook; a
``docker/build-push-action`` step; a compose ``build:``; a Bake target), the names it gives an
image afterwards (``docker tag``, ``podman push SRC DST``), the images it deploys with the CPUs
they will run on (pod templates and their node selection, Helm values, Kustomize overrides,
compose ``image:``/``platform:``, workflow ``container:``/``services:``) and, for a Dockerfile, the images its stages start from.
Facts are plain JSON-able data, kept with the file's result in the result cache, so a warm run
builds the model without reading any file again.

``model.Project`` is built once per run from the facts of every file of the repository
(``runner`` lints, or takes from the cache, the files a run did not name), and links them: a
build's tags (variables kept as ``*``) match a deployment's image; a Dockerfile's path matches the
builds that name it; a ``FROM`` matches the builds of that image.  The project rules (family XF)
read the model, and the *refiners* (``refine.py``) judge a few per-file rules' findings again with
it (DF005 is silent where every build of the Dockerfile sets known platforms).  ``run.apply`` is
the whole-run pass; ``archlint graph`` prints the model.  Where a piece is unknown (an unresolved variable), it links nothing and is
shown as unknown: an unknown never makes a finding on its own.
"""


def fact_kinds() -> frozenset:
    """The file kinds that tell the model something: the kinds of the project family (XF)."""
    global _KINDS
    if _KINDS is None:
        from ..checks import FAMILIES

        _KINDS = frozenset(k for f in FAMILIES if f.prefix == FAMILY for k in f.kinds)
    return _KINDS


def wants_facts(kind: str | None, settings) -> bool:
    """Whether a file of ``kind`` linted with ``settings`` should give its facts: a kind the
    model reads, with a project rule enabled (``ignore = ["XF"]`` switches the model off)."""
    if kind not in fact_kinds():
        return False
    return model_wanted(settings)


def model_wanted(settings) -> bool:
    """Whether a run with ``settings`` builds the model: a project rule enabled, or a rule whose
    findings the model judges again (``REFINED``: ``--select DF005`` must say what a whole run
    says) while the project rules are not ignored: ``ignore = ["XF"]`` switches it off."""
    on = _ENABLED.get(id(settings))
    if on is None or on[0] is not settings:
        from ..config import selects
        from ..registry import family_enabled, ids_enabled

        wanted = family_enabled(settings, FAMILY) or (
            ids_enabled(settings, REFINED) and not any(selects(s, FAMILY) for s in settings.ignore))
        on = _ENABLED[id(settings)] = (settings, wanted)
    return on[1]


FAMILY = "XF"
#: the per-file rules whose findings the model judges again (``refine.REFINERS``)
REFINED = ("BC001", "BC004", "BC006", "BC009", "DC001", "DC003", "DF001", "DF002", "DF003", "DF005", "DF006", "DF008", "DF013",
           "GHA001", "GHA003", "K8S001", "K8S002", "K8S003", "K8S004", "K8S005", "K8S006", "K8S007", "K8S008")
_KINDS = None
_ENABLED: dict = {}  # id(settings) -> (settings, whether the project family is on)
