"""Running archlint over many files: the runner (workers, progress), the per-file result cache,
whole-report snapshots and the memo of parsed data files.  Nothing here knows any rule family:
what a result depends on comes from the result itself (``FileResult.deps``)."""
